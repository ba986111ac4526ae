// rampart serve: the HTTP API, and with --config the hub loop of `rampart run`.
#pragma once

#include <CLI/CLI.hpp>

namespace rampart::cli {

void AddServeCommands(CLI::App& app, int& exit_code);

}  // namespace rampart::cli
