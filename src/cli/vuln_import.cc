#include "cli/vuln_import.h"

#include <set>

#include <fmt/format.h>

#include "store/filter.h"

namespace rampart::cli {
namespace {

void Count(const store::ImportSummary& summary, ScanImportCounts& counts) {
  counts.created += summary.created;
  counts.updated += summary.updated;
  counts.unchanged += summary.unchanged;
  counts.failed += summary.failed;
  for (const store::ImportResult& result : summary.results) {
    if (result.outcome == store::ImportOutcome::kFailed) {
      counts.failures.push_back(fmt::format("{}: {}", result.key.id, result.message));
    }
  }
}

// Returns the ACTIVE findings that earlier scans of `artifact` stored.
Result<std::vector<Json>> ActiveFindingsOf(store::FindingStore& store,
                                           const std::string& product_arn,
                                           const std::string& artifact) {
  const Json filter_json = {
      {"ProductArn", Json::array({{{"Value", product_arn}, {"Comparison", "EQUALS"}}})},
      {"RecordState", Json::array({{{"Value", "ACTIVE"}, {"Comparison", "EQUALS"}}})},
      {"ProductFields",
       Json::array(
           {{{"Key", "rampart/vuln/Artifact"}, {"Value", artifact}, {"Comparison", "EQUALS"}}})}};
  auto filters = store::ParseFilters(filter_json);
  if (!filters) {
    return filters.status();
  }
  std::vector<Json> findings;
  store::FindingQuery query;
  query.filters = std::move(*filters);
  query.max_results = 1000;
  while (true) {
    auto page = store.List(query);
    if (!page) {
      return page.status();
    }
    for (Json& finding : page->findings) {
      findings.push_back(std::move(finding));
    }
    if (page->next_token.empty()) {
      return findings;
    }
    query.next_token = page->next_token;
  }
}

}  // namespace

Result<ScanImportCounts> ImportScanFindings(store::FindingStore& store,
                                            const vuln::ScanReport& report,
                                            const vuln::FindingOptions& options,
                                            std::string_view actor) {
  ScanImportCounts counts;
  store::ImportOptions import_options;
  import_options.actor = std::string(actor);
  auto imported = store.Import(report.findings, import_options);
  if (!imported) {
    return imported.status();
  }
  Count(*imported, counts);

  if (!report.errors.empty() || !report.database_problems.empty()) {
    counts.archiving_skipped = true;
    return counts;
  }
  auto active = ActiveFindingsOf(store, vuln::VulnProductArn(options), report.artifact);
  if (!active) {
    return active.status();
  }
  std::set<std::string> current;
  for (const Json& finding : report.findings) {
    current.insert(StringOr(finding, "Id"));
  }
  const std::string now = FormatTimestamp(options.clock->Now());
  std::vector<Json> stale;
  for (Json& finding : *active) {
    if (current.count(StringOr(finding, "Id")) == 0) {
      finding["RecordState"] = "ARCHIVED";
      finding["UpdatedAt"] = now;
      stale.push_back(std::move(finding));
    }
  }
  if (stale.empty()) {
    return counts;
  }
  auto archived = store.Import(std::move(stale), import_options);
  if (!archived) {
    return archived.status();
  }
  counts.archived = archived->updated;
  counts.failed += archived->failed;
  return counts;
}

}  // namespace rampart::cli
