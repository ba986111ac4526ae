#include "cli/commands.h"

namespace rampart::cli {

void RegisterCommands(CLI::App& app, int& exit_code) { AddOperationsCommands(app, exit_code); }

}  // namespace rampart::cli
