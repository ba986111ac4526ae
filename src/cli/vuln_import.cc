#include "cli/vuln_import.h"

#include <set>

#include <fmt/format.h>

#include "cli/archive_stale.h"

namespace rampart::cli {
namespace {

void Count(const store::ImportSummary& summary, ScanImportCounts& counts) {
  counts.created += summary.created;
  counts.updated += summary.updated;
  counts.unchanged += summary.unchanged;
  counts.failed += summary.failed;
  for (const store::ImportResult& result : summary.results) {
    if (result.outcome == store::ImportOutcome::kFailed) {
      counts.failures.push_back(fmt::format("{}: {}", result.error_code, result.message));
    }
  }
}

// Selects the ACTIVE findings that earlier scans of `artifact` stored.
Json ArtifactFilters(const std::string& product_arn, const std::string& artifact) {
  return {
      {"ProductArn", Json::array({{{"Value", product_arn}, {"Comparison", "EQUALS"}}})},
      {"RecordState", Json::array({{{"Value", "ACTIVE"}, {"Comparison", "EQUALS"}}})},
      {"ProductFields",
       Json::array(
           {{{"Key", "rampart/vuln/Artifact"}, {"Value", artifact}, {"Comparison", "EQUALS"}}})}};
}

}  // namespace

Result<ScanImportCounts> ImportScanFindings(store::FindingStore& store,
                                            const vuln::ScanReport& report,
                                            const vuln::FindingOptions& options,
                                            std::string_view actor,
                                            const std::string& shared_subject) {
  ScanImportCounts counts;
  store::ImportOptions import_options;
  import_options.actor = std::string(actor);
  auto imported = store.Import(report.findings, import_options);
  if (!imported) {
    return imported.status();
  }
  Count(*imported, counts);

  if (!report.errors.empty() || !report.database_problems.empty()) {
    counts.archiving_skipped = "the scan had errors";
    return counts;
  }
  if (!shared_subject.empty()) {
    counts.archiving_skipped = shared_subject;
    return counts;
  }
  std::set<std::string> current;
  for (const Json& finding : report.findings) {
    current.insert(StringOr(finding, "Id"));
  }
  auto archived =
      ArchiveStale(store, ArtifactFilters(vuln::VulnProductArn(options), report.artifact), current,
                   FormatTimestamp(options.clock->Now()), import_options);
  if (!archived) {
    return archived.status();
  }
  counts.archived = archived->archived;
  counts.failed += archived->failed;
  counts.failures.insert(counts.failures.end(), archived->failures.begin(),
                         archived->failures.end());
  return counts;
}

}  // namespace rampart::cli
