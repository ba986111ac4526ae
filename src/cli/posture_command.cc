// rampart scan manifests: posture checks on Kubernetes manifests, as a table, ASFF or SARIF,
// with a severity gate for CI. rampart compliance summary: the score of each standard.
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/archive_stale.h"
#include "cli/posture_command.h"
#include "finding/severity.h"
#include "posture/asff.h"
#include "posture/compliance.h"
#include "posture/compliance_json.h"
#include "posture/report.h"
#include "posture/scanner.h"
#include "store/sqlite_finding_store.h"

namespace rampart::cli {
namespace {

constexpr std::string_view kVersion = "0.1.0";

struct ScanManifestsOptions {
  std::string path;
  std::string db;
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
  if (const std::string nothing = posture::NothingCheckedWarning(set); !nothing.empty()) {
    std::cerr << "warning: " << nothing << '\n';
  }
  if (const std::string ignored = posture::IgnoredKindsNote(set); !ignored.empty()) {
    std::cerr << ignored << '\n';
  }
}

// Sets Workflow.Status RESOLVED on this product's PASSED findings that are still NEW or
// NOTIFIED, as Security Hub resolves control findings that pass. Returns how many changed.
Result<std::size_t> ResolvePassedFindings(store::FindingStore& findings,
                                          const std::string& product_arn) {
  auto listed = ListAllFindings(
      findings, {{"ProductArn", {{{"Value", product_arn}, {"Comparison", "EQUALS"}}}},
                 {"ComplianceStatus", {{{"Value", "PASSED"}, {"Comparison", "EQUALS"}}}},
                 {"WorkflowStatus",
                  {{{"Value", "NEW"}, {"Comparison", "EQUALS"}},
                   {{"Value", "NOTIFIED"}, {"Comparison", "EQUALS"}}}}});
  if (!listed) {
    return listed.status();
  }
  std::vector<store::FindingIdentifier> passed;
  for (const Json& finding : *listed) {
    passed.push_back({StringOr(finding, "Id"), StringOr(finding, "ProductArn")});
  }

  for (std::size_t start = 0; start < passed.size(); start += store::kMaxUpdateIdentifiers) {
    store::FindingUpdate update;
    const std::size_t end = std::min(passed.size(), start + store::kMaxUpdateIdentifiers);
    update.finding_identifiers.assign(passed.begin() + static_cast<std::ptrdiff_t>(start),
                                      passed.begin() + static_cast<std::ptrdiff_t>(end));
    update.workflow_status = "RESOLVED";
    auto result = findings.Update(update, "rampart scan manifests");
    if (!result) {
      return result.status();
    }
  }
  return passed.size();
}

// Archives the stored findings of earlier scans of the same source that `findings` no
// longer lists: their objects or checks were removed. Returns how many were archived.
Result<std::size_t> ArchiveMissingObjects(store::FindingStore& store,
                                          const std::vector<Json>& findings,
                                          const posture::FindingOptions& finding_options) {
  const auto equals = [](const std::string& value) {
    return Json::array({{{"Value", value}, {"Comparison", "EQUALS"}}});
  };
  const Json filters = {{"ProductArn", equals(posture::PostureProductArn(finding_options))},
                        {"AwsAccountId", equals(finding_options.aws_account_id)},
                        {"ProductFields", Json::array({{{"Key", std::string(posture::kSourceField)},
                                                        {"Value", finding_options.source},
                                                        {"Comparison", "EQUALS"}}})},
                        {"RecordState", equals("ACTIVE")}};
  std::set<std::string> current;
  for (const Json& finding : findings) {
    current.insert(StringOr(finding, "Id"));
  }
  store::ImportOptions options;
  options.actor = "rampart scan manifests";
  auto archived =
      ArchiveStale(store, filters, current, FormatTimestamp(finding_options.clock->Now()), options);
  if (!archived) {
    return archived.status();
  }
  if (archived->failed > 0) {
    return Internal(fmt::format("{} findings could not be archived: {}", archived->failed,
                                archived->failures.front()));
  }
  return archived->archived;
}

// Imports the findings into the store at `db` and prints what changed to `out`. When
// `archive` is set, it also archives the findings of objects the scan no longer finds.
// Returns false when the store could not be opened or written, or rejected a finding.
bool StoreFindings(const std::string& db, std::vector<Json> findings,
                   const posture::FindingOptions& finding_options, bool archive,
                   std::ostream& out) {
  auto store = store::SqliteFindingStore::Open(db);
  if (!store) {
    std::cerr << "error: " << store.status().message() << '\n';
    return false;
  }
  store::ImportOptions import_options;
  import_options.actor = "rampart scan manifests";
  auto summary = (*store)->Import(findings, import_options);
  if (!summary) {
    std::cerr << "error: " << db
              << ": storing failed, no finding was stored: " << summary.status().message() << '\n';
    return false;
  }
  for (const store::ImportResult& result : summary->results) {
    if (result.outcome == store::ImportOutcome::kFailed) {
      std::cerr << fmt::format("error: {}: {}: {}\n", db, result.error_code, result.message);
    }
  }
  auto resolved = ResolvePassedFindings(**store, posture::PostureProductArn(finding_options));
  if (!resolved) {
    std::cerr << "error: " << db << ": " << resolved.status().message() << '\n';
    return false;
  }
  std::size_t archived = 0;
  if (archive && summary->failed == 0 && !finding_options.source.empty()) {
    auto archived_count = ArchiveMissingObjects(**store, findings, finding_options);
    if (!archived_count) {
      std::cerr << "error: " << db << ": " << archived_count.status().message() << '\n';
      return false;
    }
    archived = *archived_count;
  }
  out << fmt::format(
      "{}: {} created, {} updated, {} unchanged, {} rejected; {} passed findings "
      "resolved, {} findings of objects no longer found archived\n",
      db, summary->created, summary->updated, summary->unchanged, summary->failed, *resolved,
      archived);
  return summary->failed == 0;
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
  posture::FindingOptions finding_options;
  finding_options.aws_account_id = options.account;
  finding_options.region = options.region;
  if (options.path != "-") {
    std::error_code error;
    const auto absolute = std::filesystem::weakly_canonical(options.path, error);
    finding_options.source = error ? "" : absolute.string();
  }

  if (options.output == "table") {
    std::cout << posture::FormatTable(report, *set);
  } else {
    PrintLoadProblems(*set, report);
    if (options.output == "json") {
      std::cout << Json(posture::ToAsffFindings(report, finding_options)).dump(2) << '\n';
    } else {
      std::cout << posture::ToSarif(report, *set, std::string(kVersion)).dump(2) << '\n';
    }
  }
  bool stored = true;
  if (!options.db.empty()) {
    // Table output is for people, so the store summary joins it; json and sarif keep
    // standard output for the document alone.
    std::ostream& out = options.output == "table" ? std::cout : std::cerr;
    // A file that could not be read may hold objects that still exist, so nothing is
    // archived then.
    stored = StoreFindings(options.db, posture::ToAsffFindings(report, finding_options),
                           finding_options, set->errors.empty(), out);
  }

  const bool gate_failed = threshold && FailsGate(report, *threshold);
  return gate_failed || !set->errors.empty() || !stored ? 1 : 0;
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
  command->add_option("--db", options->db,
                      "SQLite database file to store the findings in. PASSED findings are "
                      "resolved, and findings of an earlier scan of the same path that this "
                      "scan no longer reports are archived. Without it findings are only "
                      "printed");
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
                      "exists: low, medium, high or critical. A scan that finds no object to "
                      "check prints a warning but does not fail");
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

struct SummaryOptions {
  std::string db = "rampart.db";
  std::string output = "table";
  bool controls = false;
};

// Reads every ACTIVE finding of the store.
Result<std::vector<Json>> ActiveFindings(store::FindingStore& findings) {
  return ListAllFindings(findings,
                         {{"RecordState", {{{"Value", "ACTIVE"}, {"Comparison", "EQUALS"}}}}});
}

std::string FormatScore(const posture::StandardSummary& summary) {
  const auto score = summary.Score();
  return score ? fmt::format("{:.1f}%", *score * 100.0) : "-";
}

void PrintSummaryTable(const std::vector<posture::StandardSummary>& summaries, bool controls) {
  std::cout << fmt::format("{:<15} {:>8} {:>7} {:>7} {:>8} {:>7}\n", "STANDARD", "CONTROLS",
                           "PASSED", "FAILED", "NO DATA", "SCORE");
  for (const posture::StandardSummary& summary : summaries) {
    std::cout << fmt::format("{:<15} {:>8} {:>7} {:>7} {:>8} {:>7}\n",
                             posture::StandardName(summary.standard), summary.controls.size(),
                             summary.passed, summary.failed, summary.no_data, FormatScore(summary));
  }
  if (!controls) {
    return;
  }
  for (const posture::StandardSummary& summary : summaries) {
    for (const posture::ControlSummary& control : summary.controls) {
      std::cout << fmt::format("{:<15} {:<8} {} ({} passed, {} failed findings)\n",
                               posture::StandardName(summary.standard),
                               posture::ControlStatusName(control.status), control.requirement,
                               control.passed_findings, control.failed_findings);
    }
  }
}

int RunComplianceSummary(const SummaryOptions& options) {
  auto store = store::SqliteFindingStore::Open(options.db);
  if (!store) {
    std::cerr << "error: " << store.status().message() << '\n';
    return 2;
  }
  auto findings = ActiveFindings(**store);
  if (!findings) {
    std::cerr << "error: " << options.db << ": " << findings.status().message() << '\n';
    return 2;
  }
  const auto summaries = posture::SummarizeCompliance(*findings);
  if (options.output == "json") {
    std::cout << posture::ComplianceSummaryJson(summaries).dump(2) << '\n';
  } else {
    PrintSummaryTable(summaries, options.controls);
  }
  return 0;
}

void AddComplianceSummary(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SummaryOptions>();
  CLI::App* compliance =
      FindOrAddSubcommand(app, "compliance", "Compliance of the stored findings with standards.");
  CLI::App* command = compliance->add_subcommand(
      "summary",
      "Score each standard (pss-baseline, pss-restricted, cis, cis-eks, pci-dss) from the "
      "Compliance.RelatedRequirements of the active findings in the store, including the CIS "
      "results of ingested kube-bench reports. A control fails when any of its findings "
      "FAILED, passes when one PASSED and none failed; the score is passed controls over "
      "controls with data.");
  command->add_option("--db", options->db, "SQLite database file")->capture_default_str();
  command
      ->add_option("--output", options->output,
                   "Output format: table, or json with every control and its finding counts")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  command->add_flag("--controls", options->controls,
                    "List every control with its status after the table");
  command->callback([options, &exit_code] { exit_code = RunComplianceSummary(*options); });
}

}  // namespace

void AddPostureCommands(CLI::App& app, int& exit_code) {
  AddScanManifests(app, exit_code);
  AddComplianceSummary(app, exit_code);
}

}  // namespace rampart::cli
