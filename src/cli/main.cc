// The rampart command: parses the command line and runs one subcommand.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "core/log.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Rampart: a self-hosted, self-remediating security hub for Kubernetes and cloud "
      "workloads.\nIt ingests scanner findings into one ASFF store, routes changes "
      "through EventBridge-style rules, and remediates them with guardrails.",
      "rampart"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rampart 0.1.0");
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "Diagnostics level: trace, debug, info, warn, error")
      ->capture_default_str();

  int exit_code = 0;
  rampart::cli::RegisterCommands(app, exit_code);

  app.parse_complete_callback([&log_level] { rampart::SetLogLevel(log_level); });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
