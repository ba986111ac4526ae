// PrepareFinding, and the default ImportPrepared, which imports the findings the usual way.
#include <utility>

#include "finding/validate.h"
#include "store/finding_store.h"
#include "store/import_outcome.h"
#include "store/import_rules.h"
#include "store/json_writer.h"

namespace rampart::store {

// A completed finding differs from the received one only in what an update sets again:
// Workflow, which the stored finding overrides, RecordState, which defaults to ACTIVE, the
// reconciled severities, the product attributes, and ProcessedAt. So the store may import it
// as an update when it turns out to exist.
PreparedFinding PrepareFinding(Json finding, TimePoint now, std::string path) {
  PreparedFinding prepared;
  prepared.finding = std::move(finding);
  prepared.path = std::move(path);
  Json& document = prepared.finding;
  if (!document.is_object() || LayeringDependsOnNewness(document)) {
    return prepared;
  }
  LayerProviderFields(document, /*is_new=*/true);
  if (!finding::ValidateFinding(document).empty() || InFuture({}, document, "$", now)) {
    return prepared;  // the store reports the problems
  }
  CompleteNewFinding(document, now);
  if (!WriteJson(document, prepared.text)) {
    prepared.text.clear();
    return prepared;  // invalid UTF-8, which the store reports
  }
  prepared.ready = true;
  return prepared;
}

Result<ImportSummary> FindingStore::ImportPrepared(std::span<PreparedFinding* const> findings,
                                                   const ImportOptions& options) {
  std::vector<Json> documents;
  documents.reserve(findings.size());
  ImportOptions located = options;
  located.paths.clear();
  for (PreparedFinding* finding : findings) {
    documents.push_back(std::move(finding->finding));
    located.paths.push_back(finding->path);
  }
  return Import(std::move(documents), located);
}

}  // namespace rampart::store
