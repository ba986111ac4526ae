// The anomaly-detection commands: `rampart model train`, `rampart model score` and
// `rampart detect`.
#pragma once

#include <CLI/CLI.hpp>

namespace rampart::cli {

// Adds `model train`, `model score` and `detect` to `app`. A command's callback stores its
// exit status in `exit_code`: 0 for success, 1 when some input records were rejected (the
// others were still used), 2 for bad usage or input.
void AddDetectCommands(CLI::App& app, int& exit_code);

}  // namespace rampart::cli
