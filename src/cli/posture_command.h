// The posture command group: rampart scan manifests and rampart compliance summary.
#pragma once

#include <CLI/CLI.hpp>

namespace rampart::cli {

// Adds "scan manifests" (sharing "scan" with other groups) and "compliance summary".
void AddPostureCommands(CLI::App& app, int& exit_code);

}  // namespace rampart::cli
