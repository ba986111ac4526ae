// The pattern and rules subcommands: `rules check`, `pattern match`, `bench patterns`.
#pragma once

#include <CLI/CLI.hpp>

namespace rampart::cli {

// Adds `rules check`, `pattern match` and `bench patterns` to `app`, reusing the `rules`,
// `pattern` and `bench` groups when another command already created them.
void AddPatternCommands(CLI::App& app, int& exit_code);

// Adds the `patterns` benchmark under the `bench` group.
void AddPatternBenchCommand(CLI::App& bench, int& exit_code);

// Returns the subcommand `name` of `app`, creating it with `description` when missing.
CLI::App* SubcommandGroup(CLI::App& app, const std::string& name, const std::string& description);

}  // namespace rampart::cli
