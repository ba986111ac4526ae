#include "cli/detect_store.h"

#include <iostream>
#include <utility>

#include <fmt/format.h>

#include "store/finding_store_factory.h"
#include "store/import_rules.h"
#include "store/postgres_support.h"
#include "store/store_location.h"

namespace rampart::cli {

namespace {

// Returns true when importing `finding` with the stored UpdatedAt would leave `stored` as it
// is, by the rules the store applies to an update of a finding.
bool ChangesNothing(const Json& stored, Json finding) {
  finding["UpdatedAt"] = stored.value("UpdatedAt", "");
  store::LayerProviderFields(finding, /*is_new=*/false);
  const Json merged = store::MergeProviderUpdate(stored, std::move(finding),
                                                 store::CustomerFieldsOf(stored), TimePoint{});
  return store::DiffFindings(stored, merged).empty();
}

// Carries the fields of `stored` into `finding` as MergeWithStored describes.
void CarryOverStored(const Json& stored, Json& finding) {
  finding["CreatedAt"] = stored.value("CreatedAt", finding["CreatedAt"].get<std::string>());
  const std::string first = stored.value("FirstObservedAt", "");
  if (!first.empty() && first < finding["FirstObservedAt"].get<std::string>()) {
    finding["FirstObservedAt"] = first;
  }
  const std::string last = stored.value("LastObservedAt", "");
  if (last > finding["LastObservedAt"].get<std::string>()) {
    finding["LastObservedAt"] = last;
  }
  // UpdatedAt is the time of this run. A newer UpdatedAt makes the store record a change,
  // so a finding that would change nothing keeps the stored one and is reported unchanged.
  if (ChangesNothing(stored, finding)) {
    finding["UpdatedAt"] = stored["UpdatedAt"];
  }
}

}  // namespace

Status MergeWithStored(store::FindingStore& store, std::vector<Json>& findings) {
  for (Json& finding : findings) {
    auto stored = store.Get({finding["ProductArn"], finding["Id"]});
    if (!stored) {
      return stored.status();
    }
    if (stored->has_value()) {
      CarryOverStored(**stored, finding);
    }
  }
  return Status::Ok();
}

bool StoreDetections(const std::string& db, std::vector<Json> findings) {
  auto where = store::ParseStoreLocation(db);
  if (!where) {
    std::cerr << "error: --db: " << where.status().message() << '\n';
    return false;
  }
  auto store = store::OpenFindingStore(where->postgres ? where->target : "sqlite:" + where->target);
  if (!store) {
    std::cerr << "error: " << store.status().message() << '\n';
    return false;
  }
  store::ImportOptions import_options;
  import_options.actor = "rampart detect";
  const std::string db_name = store::postgres::RedactUrl(db);
  if (const Status merged = MergeWithStored(**store, findings); !merged.ok()) {
    std::cerr << "error: " << db_name << ": " << merged.message() << '\n';
    return false;
  }
  auto summary = (*store)->Import(std::move(findings), import_options);
  if (!summary) {
    std::cerr << "error: " << db_name
              << ": storing failed, no finding was stored: " << summary.status().message() << '\n';
    return false;
  }
  for (const store::ImportResult& result : summary->results) {
    if (result.outcome == store::ImportOutcome::kFailed) {
      std::cerr << fmt::format("error: {}: finding \"{}\": {} {}\n", db_name, result.key.id,
                               result.error_code, result.message);
    }
  }
  std::cerr << fmt::format("{}: {} created, {} updated, {} unchanged, {} rejected\n", db_name,
                           summary->created, summary->updated, summary->unchanged, summary->failed);
  return summary->failed == 0;
}

}  // namespace rampart::cli
