// Storing the findings of `rampart detect --db` in a finding store.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "store/finding_store.h"

namespace rampart::cli {

// Carries over what an earlier run stored for the same detections: CreatedAt, the widest
// span of FirstObservedAt and LastObservedAt, the Count of both runs, the Resources of both
// and the Description of the run that observed last. A run reads only its
// own log, so without this each run dated the finding's creation anew, a replayed older log
// moved LastObservedAt back, and the failures of an earlier piece of a rotated log were lost.
// Count is the sum when the spans of the two runs do not overlap, and otherwise the larger
// count, since the runs then read some events twice. A finding that would then change
// nothing in the store keeps the stored UpdatedAt, so replaying a log changes nothing.
Status MergeWithStored(store::FindingStore& store, std::vector<Json>& findings);

// Imports the findings into the store at `db` (a SQLite path, created when missing, or a
// postgresql:// URL) and prints what changed to standard error. Returns false when the
// store could not be opened or written, or rejected a finding.
bool StoreDetections(const std::string& db, std::vector<Json> findings);

}  // namespace rampart::cli
