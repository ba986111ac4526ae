// Registration of the rampart subcommands; one Add*Commands function per command group.
#pragma once

#include <CLI/CLI.hpp>

namespace rampart::cli {

// Adds every subcommand to `app`. A command's callback stores its exit status in
// `exit_code`: 0 for success, 1 when the work found a failure (a bad file, a FAILED
// finding at --fail-on), 2 for bad usage or input.
void RegisterCommands(CLI::App& app, int& exit_code);

void AddIngestCommands(CLI::App& app, int& exit_code);
void AddRunCommand(CLI::App& app, int& exit_code);
void AddFindingsCommands(CLI::App& app, int& exit_code);
// remediations, audit and token.
void AddOperationsCommands(CLI::App& app, int& exit_code);

}  // namespace rampart::cli
