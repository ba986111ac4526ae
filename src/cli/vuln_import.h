// Storing the findings of a vulnerability scan, and archiving the ones a scan no longer
// reports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/finding_store.h"
#include "vuln/findings.h"

namespace rampart::cli {

struct ScanImportCounts {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t failed = 0;
  std::size_t archived = 0;
  bool archiving_skipped = false;     // set when scan errors made archiving unsafe
  std::vector<std::string> failures;  // "Id: message" of each finding the store rejected
};

// Imports the report's findings into `store`, then archives (RecordState ARCHIVED, UpdatedAt
// now) every ACTIVE finding of the same artifact from an earlier scan that this report no
// longer contains, so that a fixed vulnerability resolves its finding. When the report has
// errors or unreadable advisories, a finding may be missing for a reason other than a fix,
// so nothing is archived. The error is a store failure.
Result<ScanImportCounts> ImportScanFindings(store::FindingStore& store,
                                            const vuln::ScanReport& report,
                                            const vuln::FindingOptions& options,
                                            std::string_view actor);

}  // namespace rampart::cli
