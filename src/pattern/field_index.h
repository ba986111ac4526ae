// The value index of one field path: every matcher that rules attach to the path. A value is
// tested against all of them at a cost that does not grow with their number, because each
// kind has its own structure: hash tables for exact values, tries for prefixes and suffixes,
// one automaton or index for the wildcards, and range indexes for numbers and CIDR blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pattern/byte_trie.h"
#include "pattern/event_reader.h"
#include "pattern/flat_map.h"
#include "pattern/ip_address.h"
#include "pattern/pattern.h"
#include "pattern/range_index.h"
#include "pattern/wildcard.h"

namespace rampart::pattern {

using ConditionId = std::uint32_t;

// Per-thread buffers for FieldIndex::Evaluate.
struct FieldScratch {
  std::string folded;
  std::vector<std::uint32_t> targets;
  std::vector<std::uint32_t> excluded_stamp;  // per anything-but slot
  std::uint32_t stamp = 0;
};

class FieldIndex {
 public:
  // Adds or removes one matcher of `condition`. Call Build() before the next Evaluate.
  void Add(const ValueMatcher& matcher, ConditionId condition);
  void Remove(const ValueMatcher& matcher, ConditionId condition);
  void Build();

  bool empty() const { return matcher_count_ == 0; }

  // Appends every condition that `value` satisfies (possibly more than once).
  void Evaluate(const EventValue& value, FieldScratch& scratch,
                std::vector<ConditionId>& conditions) const;

  std::size_t MemoryUsage() const;

 private:
  // Targets with this bit set name an anything-but slot whose excluded values matched.
  static constexpr std::uint32_t kExcludedFlag = 0x80000000u;

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  using StringTargets =
      std::unordered_map<std::string, std::vector<std::uint32_t>, StringHash, std::equal_to<>>;

  // One distinct anything-but matcher and the conditions that use it.
  struct AnythingButSlot {
    std::string key;
    ValueMatcher matcher;
    std::vector<ConditionId> conditions;
  };

  void AddPrimitive(const ValueMatcher& matcher, std::uint32_t target);
  void RemovePrimitive(const ValueMatcher& matcher, std::uint32_t target);
  void MatchString(std::string_view text, FieldScratch& scratch) const;
  void AppendSatisfied(FieldScratch& scratch, std::vector<ConditionId>& conditions) const;

  std::size_t matcher_count_ = 0;
  // The maps below are the source of truth for Add and Remove; Build copies them into
  // the flat tables that Evaluate reads.
  StringTargets exact_;
  FlatTargetMap exact_table_;
  FlatTargetMap folded_exact_table_;
  FlatTargetMap number_table_;
  std::unordered_map<double, std::vector<std::uint32_t>> numbers_;
  std::vector<std::uint32_t> on_true_;
  std::vector<std::uint32_t> on_false_;
  std::vector<std::uint32_t> on_null_;
  std::vector<ConditionId> exists_;
  ByteTrie prefixes_;
  ByteTrie suffixes_;  // keys stored reversed
  StringTargets folded_exact_;
  ByteTrie folded_prefixes_;
  ByteTrie folded_suffixes_;  // keys stored reversed
  bool needs_folding_ = false;
  std::vector<std::pair<std::string, std::uint32_t>> wildcard_entries_;
  WildcardSet wildcards_;
  RangeIndex<double> numeric_;
  RangeIndex<IpAddress> cidr_v4_;
  RangeIndex<IpAddress> cidr_v6_;
  std::vector<AnythingButSlot> anything_but_;  // slots with no conditions are free
  std::unordered_map<std::string, std::uint32_t> anything_but_by_key_;
  std::vector<std::uint32_t> free_anything_but_;
};

}  // namespace rampart::pattern
