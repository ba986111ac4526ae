#include "cli/vuln_command.h"

#include <iostream>
#include <memory>
#include <string>

#include "vuln/version.h"

namespace rampart::cli {
namespace {

struct CompareOptions {
  std::string ecosystem;
  std::string left;
  std::string right;
  bool lenient = false;
};

void RunVersionCompare(const CompareOptions& options, int& exit_code) {
  auto ecosystem = vuln::ParseEcosystem(options.ecosystem);
  if (!ecosystem) {
    std::cerr << "error: " << ecosystem.status().message() << "\n";
    exit_code = 2;
    return;
  }
  const auto syntax =
      options.lenient ? vuln::VersionSyntax::kLenient : vuln::VersionSyntax::kStrict;
  auto order = vuln::CompareVersionTexts(ecosystem->scheme, options.left, options.right, syntax);
  if (!order) {
    std::cerr << "error: " << order.status().message() << "\n";
    exit_code = 2;
    return;
  }
  std::cout << (*order < 0 ? "<" : (*order > 0 ? ">" : "=")) << "\n";
  exit_code = 0;
}

void AddVersionCommands(CLI::App& app, int& exit_code) {
  CLI::App* version = app.add_subcommand("version", "Version ordering of package ecosystems");
  version->require_subcommand(1);

  auto options = std::make_shared<CompareOptions>();
  CLI::App* compare = version->add_subcommand(
      "compare", "Print <, = or > for version A against version B in an ecosystem's order");
  compare
      ->add_option("ecosystem", options->ecosystem,
                   "Ecosystem as OSV spells it (Debian, Ubuntu, Alpine, Red Hat, Rocky Linux, "
                   "AlmaLinux, npm, Go, crates.io, PyPI, Maven, RubyGems, NuGet, Packagist, Pub, "
                   "CRAN, Hackage), optionally with a release such as Debian:12")
      ->required();
  compare->add_option("a", options->left, "First version")->required();
  compare->add_option("b", options->right, "Second version")->required();
  compare->add_flag("--lenient", options->lenient,
                    "Also order versions the ecosystem's specification rejects, the way its "
                    "reference tool does (apk version -t, setuptools' LegacyVersion)");
  compare->callback([options, &exit_code] { RunVersionCompare(*options, exit_code); });
}

}  // namespace

void AddVulnCommands(CLI::App& app, int& exit_code) { AddVersionCommands(app, exit_code); }

}  // namespace rampart::cli
