#include "cli/commands.h"

#include "cli/detect_command.h"
#include "cli/pattern_command.h"
#include "cli/posture_command.h"
#include "cli/serve_command.h"
#include "cli/vuln_command.h"

namespace rampart::cli {
namespace {

// CLI11 reads an unsigned option with strtoull, which takes "-1" as 18446744073709551615, so
// `--seed -1` or `--trees -1` would run with a huge number instead of failing.
const CLI::Validator kNotNegative(
    [](const std::string& value) -> std::string {
      const std::size_t first = value.find_first_not_of(" \t");
      if (first != std::string::npos && value[first] == '-') {
        return "negative value " + value + "; this option takes a whole number of 0 or more";
      }
      return {};
    },
    "", "not negative");

void RejectNegativeCounts(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (option->get_type_name().rfind("UINT", 0) == 0) {
      option->check(kNotNegative);
    }
  }
  for (CLI::App* command : app.get_subcommands({})) {
    RejectNegativeCounts(*command);
  }
}

}  // namespace

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
  RejectNegativeCounts(app);
}

}  // namespace rampart::cli
