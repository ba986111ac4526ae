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
  std::vector<SubRuleId> keyed;  // alternatives checked when this condition is met
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
  std::vector<std::uint32_t> condition_epoch;       // condition met in this event
  std::vector<std::uint32_t> condition_free_epoch;  // ... by a value outside arrays of objects
  std::vector<std::uint32_t> field_epoch;           // field had a leaf value
  std::vector<std::uint32_t> field_free_epoch;      // ... outside arrays of objects
  std::vector<std::uint32_t> rule_epoch;            // rule already reported
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
