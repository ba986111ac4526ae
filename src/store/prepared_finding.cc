// PrepareFinding, and the default ImportPrepared, which imports the received findings.
#include <utility>

#include "finding/validate.h"
#include "store/finding_store.h"
#include "store/import_rules.h"
#include "store/json_writer.h"

namespace rampart::store {

PreparedFinding PrepareFinding(Json finding, TimePoint now) {
  PreparedFinding prepared;
  prepared.received = std::move(finding);
  if (!prepared.received.is_object()) {
    return prepared;
  }
  Json completed = prepared.received;
  LayerProviderFields(completed, /*is_new=*/true);
  if (!finding::ValidateFinding(completed).empty()) {
    return prepared;  // the store reports the problems after layering as it decides
  }
  CompleteNewFinding(completed, now);
  if (!WriteJson(completed, prepared.text)) {
    prepared.text.clear();
    return prepared;  // invalid UTF-8, which the store reports
  }
  prepared.completed = std::move(completed);
  prepared.ready = true;
  return prepared;
}

Result<ImportSummary> FindingStore::ImportPrepared(std::span<PreparedFinding* const> findings,
                                                   const ImportOptions& options) {
  std::vector<Json> received;
  received.reserve(findings.size());
  for (PreparedFinding* finding : findings) {
    received.push_back(std::move(finding->received));
  }
  return Import(std::move(received), options);
}

}  // namespace rampart::store
