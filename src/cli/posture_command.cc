// rampart scan manifests: posture checks on Kubernetes manifests, as a table, ASFF or SARIF,
// with a severity gate for CI. rampart compliance summary: the score of each standard.
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/posture_command.h"
#include "finding/severity.h"
#include "posture/asff.h"
#include "posture/report.h"
#include "posture/scanner.h"

namespace rampart::cli {
namespace {

constexpr std::string_view kVersion = "0.1.0";

struct ScanManifestsOptions {
  std::string path;
  std::string standard;
  std::string output = "table";
  std::string fail_on;
  std::string default_namespace = "default";
  std::string account = "000000000000";
  std::string region = "us-east-1";
};

// Returns the subcommand `name` of `app`, adding it when absent, so that several command
// groups can share "scan".
CLI::App* FindOrAddSubcommand(CLI::App& app, const std::string& name,
                              const std::string& description) {
  for (CLI::App* existing : app.get_subcommands([](CLI::App*) { return true; })) {
    if (existing->get_name() == name) {
      return existing;
    }
  }
  CLI::App* added = app.add_subcommand(name, description);
  added->require_subcommand(1);
  return added;
}

// True when some FAILED result has a severity at or above `threshold`.
bool FailsGate(const posture::ScanReport& report, finding::SeverityLabel threshold) {
  for (const posture::CheckResult& result : report.results) {
    if (!result.outcome.passed && result.check->severity >= threshold) {
      return true;
    }
  }
  return false;
}

void PrintLoadProblems(const posture::ManifestSet& set, const posture::ScanReport& report) {
  for (const posture::LoadError& error : set.errors) {
    std::cerr << fmt::format("error: {}{}: {}\n", error.file,
                             error.line != 0 ? fmt::format(":{}", error.line) : "", error.message);
  }
  for (const posture::LoadError& warning : set.warnings) {
    std::cerr << fmt::format("warning: {}: {}\n", warning.file, warning.message);
  }
  for (const std::string& warning : report.warnings) {
    std::cerr << "warning: " << warning << '\n';
  }
}

int RunScanManifests(const ScanManifestsOptions& options) {
  posture::ScanOptions scan_options;
  scan_options.default_namespace = options.default_namespace;
  if (!options.standard.empty()) {
    scan_options.standard = posture::ParseStandard(options.standard);
  }
  std::optional<finding::SeverityLabel> threshold;
  if (!options.fail_on.empty()) {
    threshold = finding::ParseLabel(options.fail_on);
    if (!threshold) {
      std::cerr << fmt::format(
          "error: --fail-on \"{}\" is not a severity; use informational, "
          "low, medium, high or critical\n",
          options.fail_on);
      return 2;
    }
  }

  auto set = posture::LoadManifests(options.path);
  if (!set) {
    std::cerr << "error: " << set.status().message() << '\n';
    return 2;
  }
  const posture::ScanReport report = posture::ScanManifests(*set, scan_options);

  if (options.output == "table") {
    std::cout << posture::FormatTable(report, *set);
  } else {
    PrintLoadProblems(*set, report);
    if (options.output == "json") {
      posture::FindingOptions finding_options;
      finding_options.aws_account_id = options.account;
      finding_options.region = options.region;
      std::cout << Json(posture::ToAsffFindings(report, finding_options)).dump(2) << '\n';
    } else {
      std::cout << posture::ToSarif(report, *set, std::string(kVersion)).dump(2) << '\n';
    }
  }

  const bool gate_failed = threshold && FailsGate(report, *threshold);
  return gate_failed || !set->errors.empty() ? 1 : 0;
}

void AddScanManifests(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ScanManifestsOptions>();
  CLI::App* scan = FindOrAddSubcommand(app, "scan", "Scan inputs for security problems.");
  CLI::App* command = scan->add_subcommand(
      "manifests",
      "Check Kubernetes manifests against the Pod Security Standards, the CIS Kubernetes and "
      "EKS benchmarks and PCI DSS.\n"
      "PATH is a YAML or JSON file, a folder (read recursively) or - for standard input, such "
      "as the output of helm template or kustomize build. Exit status 1 when a FAILED finding "
      "at or above --fail-on exists or a document could not be read, 2 for bad usage.");
  command->add_option("path", options->path, "Manifest file, folder, or - for standard input")
      ->required();
  command
      ->add_option("--standard", options->standard,
                   "Run only the checks of one standard: pss-baseline, pss-restricted, cis or "
                   "pci-dss (default: every check)")
      ->check(CLI::IsMember({"pss-baseline", "pss-restricted", "cis", "pci-dss"}));
  command
      ->add_option("--output", options->output,
                   "Output format: table (failures and a summary), json (an array of ASFF "
                   "findings, passed and failed) or sarif (SARIF 2.1.0, failures)")
      ->check(CLI::IsMember({"table", "json", "sarif"}))
      ->capture_default_str();
  command->add_option("--fail-on", options->fail_on,
                      "Exit with status 1 when a FAILED finding of this severity or higher "
                      "exists: low, medium, high or critical");
  command
      ->add_option("--namespace", options->default_namespace,
                   "Namespace of objects without metadata.namespace, as kubectl apply -n sets it")
      ->capture_default_str();
  command->add_option("--account", options->account, "AwsAccountId written into the findings")
      ->capture_default_str();
  command->add_option("--region", options->region, "Region written into the findings")
      ->capture_default_str();
  command->callback([options, &exit_code] { exit_code = RunScanManifests(*options); });
}

}  // namespace

void AddPostureCommands(CLI::App& app, int& exit_code) { AddScanManifests(app, exit_code); }

}  // namespace rampart::cli
