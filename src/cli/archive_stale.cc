#include "cli/archive_stale.h"

#include <fmt/format.h>

#include "core/clock.h"
#include "store/filter.h"

namespace rampart::cli {
namespace {}  // namespace

Result<std::vector<Json>> ListAllFindings(store::FindingStore& store, const Json& filters) {
  auto parsed = store::ParseFilters(filters);
  if (!parsed) {
    return parsed.status();
  }
  std::vector<Json> findings;
  store::FindingQuery query;
  query.filters = std::move(*parsed);
  query.max_results = store::kMaxPageSize;
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

Result<ArchiveCounts> ArchiveStale(store::FindingStore& store, const Json& filters,
                                   const std::set<std::string>& current,
                                   const std::string& scanned_at,
                                   const store::ImportOptions& options) {
  auto scan_time = ParseTimestamp(scanned_at);
  if (!scan_time) {
    return scan_time.status();
  }
  auto stored = ListAllFindings(store, filters);
  if (!stored) {
    return stored.status();
  }
  std::vector<Json> stale;
  for (Json& finding : *stored) {
    auto updated = ParseTimestamp(StringOr(finding, "UpdatedAt"));
    if (current.count(StringOr(finding, "Id")) != 0 || !updated || *updated >= *scan_time) {
      continue;
    }
    finding["RecordState"] = "ARCHIVED";
    finding["UpdatedAt"] = scanned_at;
    stale.push_back(std::move(finding));
  }
  ArchiveCounts counts;
  if (stale.empty()) {
    return counts;
  }
  auto archived = store.Import(std::move(stale), options);
  if (!archived) {
    return archived.status();
  }
  counts.archived = archived->updated;
  counts.failed = archived->failed;
  for (const store::ImportResult& result : archived->results) {
    if (result.outcome == store::ImportOutcome::kFailed) {
      counts.failures.push_back(fmt::format("{}: {}", result.key.id, result.message));
    }
  }
  return counts;
}

}  // namespace rampart::cli
