// The vulnerability commands: `rampart version compare`.
#pragma once

#include <CLI/CLI.hpp>

namespace rampart::cli {

// Adds `version compare` to `app`. A command's callback stores its exit status in
// `exit_code`: 0 for success, 2 for bad usage or input.
void AddVulnCommands(CLI::App& app, int& exit_code);

}  // namespace rampart::cli
