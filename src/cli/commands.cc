#include "cli/commands.h"

#include "cli/detect_command.h"
#include "cli/pattern_command.h"
#include "cli/posture_command.h"
#include "cli/serve_command.h"
#include "cli/vuln_command.h"

namespace rampart::cli {

void RegisterCommands(CLI::App& app, int& exit_code) {
  AddRunCommand(app, exit_code);
  AddIngestCommands(app, exit_code);
  AddFindingsCommands(app, exit_code);
  AddPatternCommands(app, exit_code);
  AddVulnCommands(app, exit_code);
  AddPostureCommands(app, exit_code);
  AddDetectCommands(app, exit_code);
  AddOperationsCommands(app, exit_code);
  AddServeCommands(app, exit_code);
}

}  // namespace rampart::cli
