// Archiving the stored findings that a later scan of the same subject no longer reports.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "store/finding_store.h"

namespace rampart::cli {

struct ArchiveCounts {
  std::size_t archived = 0;
  std::size_t failed = 0;
  std::vector<std::string> failures;  // "Id: message" of each finding the store rejected
};

// Returns every stored finding that `filters` (AwsSecurityFindingFilters) select, reading
// page after page.
Result<std::vector<Json>> ListAllFindings(store::FindingStore& store, const Json& filters);

// Archives every stored finding that `filters` (AwsSecurityFindingFilters) select, whose Id
// is not in `current`, and whose UpdatedAt is before `scanned_at`: the finding is imported
// again with RecordState ARCHIVED and UpdatedAt `scanned_at`, so its history records the
// change. A finding updated at or after `scanned_at` came from a newer scan and is kept. The
// error is an invalid filter or a store failure.
Result<ArchiveCounts> ArchiveStale(store::FindingStore& store, const Json& filters,
                                   const std::set<std::string>& current,
                                   const std::string& scanned_at,
                                   const store::ImportOptions& options);

}  // namespace rampart::cli
