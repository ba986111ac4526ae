#include "cli/vuln_command.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/artifact_option.h"
#include "cli/vuln_image_fix.h"
#include "cli/vuln_import.h"
#include "core/file.h"
#include "core/log.h"
#include "finding/severity.h"
#include "ingest/finding_fields.h"
#include "store/sqlite_finding_store.h"
#include "vuln/advisory_database.h"
#include "vuln/findings.h"
#include "vuln/rootfs.h"
#include "vuln/sbom.h"
#include "vuln/version.h"

namespace rampart::cli {
namespace {

struct CompareOptions {
  std::string ecosystem;
  std::string left;
  std::string right;
  bool lenient = false;
};

struct ScanOptions {
  std::string input;  // SBOM file or root file system folder
  std::string osv;
  std::string db;
  std::string output = "table";
  std::string fail_on;
  std::string aws_account_id = "000000000000";
  std::string region = "us-east-1";
  std::string artifact;  // replaces the name the SBOM or the folder gives the artifact
  ImageFixFlags image_fix;
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

int SeverityRank(const Json& finding) {
  const auto label = finding::ParseLabel(StringOr(finding.at("Severity"), "Label"));
  return label.has_value() ? static_cast<int>(*label) : 0;
}

std::string Cell(const Json& object, const char* key) { return StringOr(object, key, "-"); }

void PrintTable(const vuln::ScanReport& report, std::ostream& out) {
  out << fmt::format("{} ({}): {} packages, {} findings\n", report.artifact, report.format,
                     report.packages, report.findings.size());
  std::vector<const Json*> findings;
  for (const Json& finding : report.findings) {
    findings.push_back(&finding);
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Json* a, const Json* b) {
    return SeverityRank(*a) > SeverityRank(*b);
  });
  if (!findings.empty()) {
    out << fmt::format("{:<13} {:<20} {:<40} {:<20} {:<20} {}\n", "SEVERITY", "VULNERABILITY",
                       "PACKAGE", "INSTALLED", "FIXED", "FIX");
  }
  for (const Json* finding : findings) {
    const Json& vulnerability = finding->at("Vulnerabilities").at(0);
    const Json& package = vulnerability.at("VulnerablePackages").at(0);
    out << fmt::format("{:<13} {:<20} {:<40} {:<20} {:<20} {}\n",
                       Cell(finding->at("Severity"), "Label"), Cell(vulnerability, "Id"),
                       Cell(package, "Name"), Cell(package, "Version"),
                       Cell(package, "FixedInVersion"), Cell(vulnerability, "FixAvailable"));
  }
  if (!report.errors.empty()) {
    out << fmt::format("\n{} errors; a finding may be missing for these packages:\n",
                       report.errors.size());
    for (const vuln::ScanError& error : report.errors) {
      out << fmt::format("  {} ({}){}: {}\n", error.package, error.location,
                         error.advisory.empty() ? "" : " advisory " + error.advisory,
                         error.message);
    }
  }
  if (!report.database_problems.empty()) {
    out << fmt::format("\n{} OSV records could not be read:\n", report.database_problems.size());
    for (const vuln::LoadProblem& problem : report.database_problems) {
      out << "  " << problem.message << "\n";
    }
  }
  if (!report.skipped.empty()) {
    out << fmt::format("\n{} packages were skipped; --output json lists each with the reason.\n",
                       report.skipped.size());
  }
}

void PrintImageFix(const ImageFixOutcome& outcome, std::ostream& out) {
  if (!outcome.lines.empty()) {
    out << "\nFixed image tags:\n";
    for (const std::string& line : outcome.lines) {
      out << "  " << line << "\n";
    }
  }
  if (!outcome.error.empty()) {
    std::cerr << "error: " << outcome.error << "; the findings are reported without a fixed tag\n";
  }
}

// Returns true when a finding is at or above `threshold`, or when an error, an unreadable
// advisory or a skipped package means a finding at or above it may be missing.
bool ShouldFail(const vuln::ScanReport& report, finding::SeverityLabel threshold) {
  if (!report.errors.empty() || !report.database_problems.empty() || !report.skipped.empty()) {
    return true;
  }
  return std::any_of(report.findings.begin(), report.findings.end(), [&](const Json& finding) {
    return SeverityRank(finding) >= static_cast<int>(threshold);
  });
}

void RunScan(const ScanOptions& options, bool rootfs, int& exit_code) {
  exit_code = 2;
  std::optional<finding::SeverityLabel> threshold;
  if (!options.fail_on.empty()) {
    threshold = finding::ParseLabel(options.fail_on);
    if (!threshold.has_value()) {
      std::cerr << fmt::format(
          "error: --fail-on \"{}\" is not a severity; use INFORMATIONAL, LOW, MEDIUM, HIGH or "
          "CRITICAL\n",
          options.fail_on);
      return;
    }
  }
  auto image_plan = PlanImageFix(options.image_fix);
  if (!image_plan) {
    std::cerr << "error: " << image_plan.status().message() << "\n";
    return;
  }
  std::unique_ptr<store::SqliteFindingStore> findings_store;
  if (!options.db.empty()) {
    auto opened = store::SqliteFindingStore::Open(options.db);
    if (!opened) {
      std::cerr << "error: " << opened.status().message() << "\n";
      return;
    }
    findings_store = std::move(*opened);
  }

  const auto started = std::chrono::steady_clock::now();
  auto database = vuln::AdvisoryDatabase::Load(options.osv);
  if (!database) {
    std::cerr << "error: " << database.status().message() << "\n";
    return;
  }
  const auto loaded = std::chrono::steady_clock::now();
  Logger("vuln")->info(
      "loaded {} advisories from {} in {} ms ({} withdrawn, {} unreadable)",
      database->counts().advisories, options.osv,
      std::chrono::duration_cast<std::chrono::milliseconds>(loaded - started).count(),
      database->counts().withdrawn, database->problems().size());

  Result<vuln::Inventory> inventory = vuln::Inventory{};
  if (rootfs) {
    inventory = vuln::ReadRootFs(options.input);
  } else if (auto text = ReadFile(options.input); text) {
    inventory = vuln::ReadSbom(*text, options.input);
  } else {
    inventory = text.status();
  }
  if (!inventory) {
    std::cerr << "error: " << inventory.status().message() << "\n";
    return;
  }
  // A folder, or an SBOM named only by its file, may have a name that other projects share,
  // such as "." or "bom.json". Archiving by such a name would resolve their findings.
  std::string shared_subject;
  if (!options.artifact.empty()) {
    inventory->artifact = options.artifact;
  } else if (rootfs || inventory->artifact == options.input) {
    shared_subject = ingest::PathSubjectProblem(inventory->artifact);
  }

  vuln::FindingOptions finding_options;
  finding_options.aws_account_id = options.aws_account_id;
  finding_options.region = options.region;
  vuln::ScanReport report = vuln::Scan(*database, *inventory, finding_options);
  ImageFixOutcome image_fix;
  if (image_plan->has_value()) {
    image_fix = ApplyImageFix(**image_plan, *database, report);
  }
  if (options.output == "json") {
    std::cout << vuln::ReportToJson(report).dump(2) << "\n";
  } else {
    PrintTable(report, std::cout);
  }
  PrintImageFix(image_fix, options.output == "json" ? std::cerr : std::cout);
  exit_code = threshold.has_value() && ShouldFail(report, *threshold) ? 1 : 0;
  if (!image_fix.error.empty()) {
    exit_code = 2;  // set before storing, so the findings are still stored
  }

  if (findings_store != nullptr) {
    const std::string actor = fmt::format("scan {} {}", rootfs ? "rootfs" : "sbom", options.input);
    auto stored =
        ImportScanFindings(*findings_store, report, finding_options, actor, shared_subject);
    if (!stored) {
      std::cerr << "error: storing the findings in " << options.db
                << " failed: " << stored.status().message() << "\n";
      exit_code = 2;
      return;
    }
    std::cerr << fmt::format(
        "stored in {}: {} created, {} updated, {} unchanged, {} failed, {} archived{}\n",
        options.db, stored->created, stored->updated, stored->unchanged, stored->failed,
        stored->archived,
        stored->archiving_skipped.empty()
            ? ""
            : " (archiving skipped: " + stored->archiving_skipped + ")");
    for (const std::string& failure : stored->failures) {
      std::cerr << "  rejected: " << failure << "\n";
    }
    if (stored->failed > 0) {
      exit_code = std::max(exit_code, 1);
    }
  }
}

CLI::App* FindOrAddScan(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == "scan") {
      return sub;
    }
  }
  CLI::App* scan = app.add_subcommand("scan", "Scan an artifact and report findings");
  scan->require_subcommand(1);
  return scan;
}

void AddScanOptions(CLI::App* command, ScanOptions& options) {
  command
      ->add_option("--osv", options.osv,
                   "OSV database: a folder of OSV JSON records and osv.dev all.zip exports, "
                   "one zip, or one record")
      ->required();
  command->add_option("--db", options.db,
                      "SQLite finding store to import the findings into; findings of this "
                      "artifact that the scan no longer reports are archived");
  command->add_option("--output", options.output, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  command->add_option("--fail-on", options.fail_on,
                      "Exit with status 1 when a finding has this severity or a higher one "
                      "(INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL), or when an advisory or a "
                      "package version could not be evaluated, since a finding may be missing. "
                      "Skipped packages count too, such as a component without a package URL or "
                      "a requirement not pinned with ==");
  command
      ->add_option("--aws-account-id", options.aws_account_id,
                   "AwsAccountId written into the findings")
      ->capture_default_str();
  command->add_option("--region", options.region, "Region written into the findings' ARNs")
      ->capture_default_str();
  command
      ->add_option("--artifact", options.artifact,
                   "Name of the scanned project or host, in place of the SBOM's own name (its "
                   "main component or document name) or the folder's path. Findings are keyed "
                   "by it, and a later scan archives only findings of the same name: give it "
                   "when the tool writes a generic name, such as \"SCALIBR-generated SPDX\", or "
                   "when the SBOM names no component")
      ->check(ArtifactNameCheck());
  AddImageFixOptions(command, options.image_fix);
}

void AddScanCommands(CLI::App& app, int& exit_code) {
  CLI::App* scan = FindOrAddScan(app);

  auto sbom_options = std::make_shared<ScanOptions>();
  CLI::App* sbom = scan->add_subcommand(
      "sbom", "Match an SBOM (CycloneDX JSON or SPDX JSON) against OSV advisories");
  sbom->add_option("file", sbom_options->input, "SBOM file")->required();
  AddScanOptions(sbom, *sbom_options);
  sbom->callback([sbom_options, &exit_code] { RunScan(*sbom_options, false, exit_code); });

  auto rootfs_options = std::make_shared<ScanOptions>();
  CLI::App* rootfs = scan->add_subcommand(
      "rootfs",
      "Match the packages of a root file system folder (dpkg, apk, lock files) against OSV "
      "advisories");
  rootfs->add_option("dir", rootfs_options->input, "Root file system folder")->required();
  AddScanOptions(rootfs, *rootfs_options);
  rootfs->callback([rootfs_options, &exit_code] { RunScan(*rootfs_options, true, exit_code); });
}

}  // namespace

void AddVulnCommands(CLI::App& app, int& exit_code) {
  AddVersionCommands(app, exit_code);
  AddScanCommands(app, exit_code);
}

}  // namespace rampart::cli
