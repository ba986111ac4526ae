// The rampart command: parses the command line and runs one subcommand.
#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "core/log.h"

namespace {

struct UnknownCommand {
  CLI::App* parent;
  std::string word;
};

// Returns the first word of the command line that is not a subcommand of the command before
// it, when that command needs one, such as "ingst" in `rampart ingst x`. The word is empty
// when the command line stops before the subcommand. CLI11 reports neither case by name.
std::optional<UnknownCommand> FindUnknownCommand(CLI::App& app, int argc, char** argv) {
  CLI::App* current = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      return std::nullopt;
    }
    if (arg.starts_with("-")) {
      const CLI::Option* option = current->get_option_no_throw(arg.substr(0, arg.find('=')));
      if (option != nullptr && arg.find('=') == std::string::npos &&
          option->get_items_expected_min() > 0) {
        ++i;  // the option's value
      }
      continue;
    }
    const auto named =
        current->get_subcommands([&arg](CLI::App* sub) { return sub->get_name() == arg; });
    if (!named.empty()) {
      current = named.front();
      continue;
    }
    if (current->get_require_subcommand_min() > 0) {
      return UnknownCommand{current, arg};
    }
    return std::nullopt;  // a positional argument of the command
  }
  if (current->get_require_subcommand_min() > 0) {
    return UnknownCommand{current, ""};  // the command line ends before the subcommand
  }
  return std::nullopt;
}

std::string CommandPath(const CLI::App* app) {
  std::string path = app->get_name();
  for (const CLI::App* parent = app->get_parent(); parent != nullptr;
       parent = parent->get_parent()) {
    path = parent->get_name() + " " + path;
  }
  return path;
}

}  // namespace

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
    if (const auto unknown = FindUnknownCommand(app, argc, argv);
        unknown && error.get_exit_code() != 0) {
      std::vector<std::string> names;
      for (CLI::App* sub : unknown->parent->get_subcommands({})) {
        names.push_back(sub->get_name());
      }
      if (unknown->word.empty()) {
        std::cerr << fmt::format("error: {} needs a command; use one of: {}\n",
                                 CommandPath(unknown->parent), fmt::join(names, ", "));
      } else {
        std::cerr << fmt::format("error: \"{}\" is not a command of {}; use one of: {}\n",
                                 unknown->word, CommandPath(unknown->parent),
                                 fmt::join(names, ", "));
      }
      return 2;
    }
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
