// The data of a Matcher, shared by the compiler (matcher.cc) and the matching code
// (match.cc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "pattern/consistency.h"
#include "pattern/event_reader.h"
#include "pattern/field_index.h"
#include "pattern/matcher.h"
#include "pattern/path_trie.h"

namespace rampart::pattern {

using SubRuleId = std::uint32_t;
inline constexpr std::uint32_t kNone = UINT32_MAX;

// A distinct (path, matchers) condition, shared by every alternative that uses it.
struct Condition {
  FieldCondition source;
  std::string key;
  FieldId field = kNoField;
  std::uint32_t references = 0;  // alternatives using it; 0 means the slot is free
  int cost = 0;                  // how many values it is expected to match (lower is rarer)
};

// An alternative to check when its key condition is met.
struct KeyedAlternative {
  SubRuleId sub_rule = kNone;
  RuleId rule = kNone;
  bool single = false;  // the key is its only condition, so meeting it is enough
};

// One alternative of one rule.
struct SubRule {
  RuleId rule = kNone;
  std::vector<ConditionId> positive;
  std::vector<ConditionId> absent;
  ConditionId key = kNone;  // kNone: checked for every event
};

struct RuleEntry {
  std::string name;
  std::vector<SubRuleId> sub_rules;
  bool live = false;
};

struct Matcher::Impl {
  PathTrie paths;
  std::vector<std::unique_ptr<FieldIndex>> fields;  // by FieldId
  std::vector<std::uint32_t> absent_conditions;     // by FieldId
  std::vector<Condition> conditions;
  // By ConditionId, kept apart from the conditions so that matching reads less memory.
  // has_keyed[c] is 1 when keyed[c] is not empty, so matching need not load the list.
  std::vector<std::vector<KeyedAlternative>> keyed;
  std::vector<std::uint8_t> has_keyed;
  std::vector<ConditionId> free_conditions;
  std::unordered_map<std::string, ConditionId> condition_by_key;
  std::vector<SubRule> sub_rules;
  std::vector<SubRuleId> free_sub_rules;
  std::vector<SubRuleId> always;  // alternatives with no positive condition
  std::vector<RuleEntry> rules;
  std::vector<RuleId> free_rules;
  std::unordered_map<std::string, RuleId> rule_by_name;
};

struct MatchState::Impl final : ValueSink {
  void OnValue(FieldId field, const EventValue& value, std::uint32_t chain) override;
  void Begin(const Matcher::Impl& matcher);
  void Hit(ConditionId condition, std::uint32_t chain);

  EventReader reader;
  const Matcher::Impl* matcher = nullptr;
  std::uint32_t epoch = 0;
  // Per condition: the last event that met it, and the last that met it with a value
  // outside arrays of objects. Both sit side by side, so one cache line serves both.
  struct ConditionMark {
    std::uint32_t met = 0;
    std::uint32_t met_free = 0;
  };
  std::vector<ConditionMark> condition_marks;
  std::vector<std::uint32_t> field_epoch;       // field had a leaf value
  std::vector<std::uint32_t> field_free_epoch;  // ... outside arrays of objects
  std::vector<std::uint32_t> rule_epoch;        // rule already reported
  std::vector<ConditionId> met;
  std::vector<std::pair<ConditionId, std::uint32_t>> chained_hits;
  std::vector<std::pair<FieldId, std::uint32_t>> absent_values;
  std::vector<ChainNode> chains;
  std::vector<ConditionId> evaluated;
  FieldScratch field_scratch;
  ConsistencyScratch consistency;
  std::vector<Witness> witnesses;
  std::vector<std::uint32_t> absent_chains;
};

}  // namespace rampart::pattern
