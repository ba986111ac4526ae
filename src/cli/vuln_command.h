// The vulnerability commands: `rampart version compare` and `rampart scan sbom|rootfs`.
#pragma once

#include <CLI/CLI.hpp>

namespace rampart::cli {

// Adds `version compare` and `scan sbom|rootfs` to `app`, reusing a `scan` command that
// another group added. A command's callback stores its exit status in `exit_code`. It is 0
// for success and 2 for bad usage or input. It is 1 when --fail-on found a finding at or
// above the threshold, or an error that may hide one, or when the store rejected a finding.
void AddVulnCommands(CLI::App& app, int& exit_code);

}  // namespace rampart::cli
