// Findings of one import batch that share a ProductArn and Id.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/json.h"
#include "store/finding_store.h"

namespace rampart::store {

// A later finding of a batch with the key and UpdatedAt of an earlier one, but other content,
// would be ignored as not newer, and its content lost without a word. Such a finding fails
// with DuplicatedFindingIdentifier instead. An exact repeat stays unchanged, and a repeat
// with a newer UpdatedAt stays an update.
class BatchDuplicates {
 public:
  // Counts the key of one finding of the batch. Call for every finding before any Check.
  void Count(const Json& finding);

  // Returns the failed result of `finding`, at `path` in its batch, when an earlier finding of
  // the batch has its key and UpdatedAt and other content. Call in batch order, before the
  // store changes the finding.
  std::optional<ImportResult> Check(const Json& finding, std::string_view path);

 private:
  struct Earlier {
    std::string updated_at;
    std::string text;
  };
  std::unordered_map<std::string, int> counts_;  // by ProductArn, U+0000, Id
  std::unordered_map<std::string, Earlier> earlier_;
};

}  // namespace rampart::store
