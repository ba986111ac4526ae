#include "cli/detect_store.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/clock.h"
#include "core/utf8.h"
#include "store/finding_store_factory.h"
#include "store/import_rules.h"
#include "store/postgres_support.h"
#include "store/store_location.h"

namespace rampart::cli {

namespace {

constexpr std::string_view kCountField = "rampart/detect/Count";

// Returns true when importing `finding` with the stored UpdatedAt would leave `stored` as it
// is, by the rules the store applies to an update of a finding.
bool ChangesNothing(const Json& stored, Json finding) {
  finding["UpdatedAt"] = stored.value("UpdatedAt", "");
  store::LayerProviderFields(finding, /*is_new=*/false);
  const Json merged = store::MergeProviderUpdate(stored, std::move(finding),
                                                 store::CustomerFieldsOf(stored), TimePoint{});
  return store::DiffFindings(stored, merged).empty();
}

// Returns the detection count in a finding's ProductFields, or nullopt when it is missing or
// not a number.
std::optional<std::uint64_t> CountOf(const Json& finding) {
  const std::string text =
      finding.value("ProductFields", Json::object()).value(std::string(kCountField), "");
  std::uint64_t count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return count;
}

// Returns true when the events of `finding` lie wholly before or wholly after those of
// `stored`, as those of two rotated pieces of one log do.
bool ObservedApart(const Json& stored, const Json& finding) {
  auto first = ParseTimestamp(finding.value("FirstObservedAt", ""));
  auto last = ParseTimestamp(finding.value("LastObservedAt", ""));
  auto stored_first = ParseTimestamp(stored.value("FirstObservedAt", ""));
  auto stored_last = ParseTimestamp(stored.value("LastObservedAt", ""));
  if (!first || !last || !stored_first || !stored_last) {
    return false;
  }
  return *first > *stored_last || *last < *stored_first;
}

// Sets the Count of `finding` to cover both runs: the sum when the runs observed events
// apart, and the larger count when their spans overlap, as in a replay of the same log.
void MergeCount(const Json& stored, Json& finding) {
  const std::optional<std::uint64_t> before = CountOf(stored);
  const std::optional<std::uint64_t> now = CountOf(finding);
  if (!before || !now) {
    return;
  }
  const std::uint64_t count =
      ObservedApart(stored, finding) ? *before + *now : std::max(*before, *now);
  finding["ProductFields"][std::string(kCountField)] = std::to_string(count);
}

// Returns true when `resources` has a resource with Id `id`.
bool ListsResource(const Json& resources, const std::string& id) {
  return std::any_of(resources.begin(), resources.end(),
                     [&](const Json& resource) { return resource.value("Id", "") == id; });
}

// Sets the Resources of `finding` to those of `stored`, then its own that `stored` lacks, up
// to ASFF's 32, so that the accounts a brute force got into in an earlier run stay named.
void MergeResources(const Json& stored, Json& finding) {
  constexpr std::size_t kMaxResources = 32;
  const Json stored_resources = stored.value("Resources", Json::array());
  if (!stored_resources.is_array()) {
    return;
  }
  Json merged = stored_resources;
  for (const Json& resource : finding["Resources"]) {
    if (!ListsResource(merged, resource.value("Id", "")) && merged.size() < kMaxResources) {
      merged.push_back(resource);
    }
  }
  finding["Resources"] = std::move(merged);
}

// ASFF's limit, in characters, of a Description.
constexpr std::size_t kMaxDescription = 1024;
constexpr std::string_view kOtherRunsNote = " Also named in other runs: ";

// Returns the ids of `from`'s resources that `other` does not list.
std::vector<std::string> ResourcesMissingIn(const Json& from, const Json& other) {
  const Json& listed_resources = other.value("Resources", Json::array());
  std::vector<std::string> missing;
  for (const Json& resource : from.value("Resources", Json::array())) {
    const std::string id = resource.value("Id", "");
    if (!ListsResource(listed_resources, id)) {
      missing.push_back(id);
    }
  }
  return missing;
}

// Splits `description` into its text and the resource ids of its note on other runs.
std::pair<std::string, std::vector<std::string>> SplitOtherRunsNote(std::string description) {
  std::vector<std::string> ids;
  const auto note = description.find(kOtherRunsNote);
  if (note == std::string::npos) {
    return {std::move(description), ids};
  }
  std::string_view list = std::string_view(description).substr(note + kOtherRunsNote.size());
  if (list.ends_with('.')) {
    list.remove_suffix(1);
  }
  while (!list.empty()) {
    const auto comma = list.find(", ");
    ids.emplace_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 2);
  }
  description.resize(note);
  return {std::move(description), ids};
}

// Names in the description of `finding` the resources that another run added, so that a
// brute force that got into another account in an earlier run names both accounts. The
// description comes from the later run; the note lists what the other run found.
void NoteOtherRunResources(const Json& stored, bool stored_is_later, Json& finding) {
  auto [text, ids] = SplitOtherRunsNote(finding.value("Description", ""));
  const std::vector<std::string> added =
      stored_is_later ? ResourcesMissingIn(finding, stored) : ResourcesMissingIn(stored, finding);
  for (const std::string& id : added) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      ids.push_back(id);
    }
  }
  if (!ids.empty()) {
    text += fmt::format("{}{}.", kOtherRunsNote, fmt::join(ids, ", "));
  }
  finding["Description"] = CutCharacters(text, kMaxDescription);
}

// Carries the fields of `stored` into `finding` as MergeWithStored describes.
void CarryOverStored(const Json& stored, Json& finding) {
  MergeCount(stored, finding);
  finding["CreatedAt"] = stored.value("CreatedAt", finding["CreatedAt"].get<std::string>());
  const std::string first = stored.value("FirstObservedAt", "");
  if (!first.empty() && first < finding["FirstObservedAt"].get<std::string>()) {
    finding["FirstObservedAt"] = first;
  }
  const std::string last = stored.value("LastObservedAt", "");
  const bool stored_is_later = last > finding["LastObservedAt"].get<std::string>();
  if (stored_is_later) {
    finding["LastObservedAt"] = last;
    finding["Description"] = stored.value("Description", finding["Description"].get<std::string>());
  }
  NoteOtherRunResources(stored, stored_is_later, finding);
  MergeResources(stored, finding);
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
      std::cerr << fmt::format("error: {}: {}: {}\n", db_name, result.error_code, result.message);
    }
  }
  std::cerr << fmt::format("{}: {} created, {} updated, {} unchanged, {} rejected\n", db_name,
                           summary->created, summary->updated, summary->unchanged, summary->failed);
  return summary->failed == 0;
}

}  // namespace rampart::cli
