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
  // The reason nothing was archived, such as errors of the scan or a subject that other
  // projects share. Empty when archiving ran.
  std::string archiving_skipped;
  std::vector<std::string> failures;  // "Id: message" of each finding the store rejected
};

// Imports the report's findings into `store`, then archives (RecordState ARCHIVED, UpdatedAt
// now) every ACTIVE finding of the same artifact from an earlier scan that this report no
// longer contains, so that a fixed vulnerability resolves its finding. When the report has
// errors or unreadable advisories, a finding may be missing for a reason other than a fix,
// so nothing is archived, and neither when `shared_subject` gives why the artifact's name may
// belong to other projects too. The error is a store failure.
Result<ScanImportCounts> ImportScanFindings(store::FindingStore& store,
                                            const vuln::ScanReport& report,
                                            const vuln::FindingOptions& options,
                                            std::string_view actor,
                                            const std::string& shared_subject = "");

}  // namespace rampart::cli
