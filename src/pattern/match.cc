// Matching one event: read the named fields, collect the conditions their values meet, then
// check the alternatives those conditions trigger.
#include <algorithm>

#include "pattern/matcher.h"
#include "pattern/matcher_internal.h"

namespace rampart::pattern {
namespace {

template <typename T>
void GrowTo(std::vector<T>& table, std::size_t size) {
  if (table.size() < size) {
    table.resize(size, 0);
  }
}

// Whether an alternative holds, given what the event's values met.
class AlternativeCheck {
 public:
  AlternativeCheck(const Matcher::Impl& matcher, MatchState::Impl& state)
      : matcher_(matcher), state_(state) {}

  bool Holds(const SubRule& sub_rule);

 private:
  bool HoldsWithArrays(const SubRule& sub_rule);

  const Matcher::Impl& matcher_;
  MatchState::Impl& state_;
};

bool AlternativeCheck::Holds(const SubRule& sub_rule) {
  const std::uint32_t epoch = state_.epoch;
  std::size_t only_in_arrays = 0;
  for (const ConditionId condition : sub_rule.positive) {
    const MatchState::Impl::ConditionMark& mark = state_.condition_marks[condition];
    if (mark.met != epoch) {
      return false;
    }
    only_in_arrays += mark.met_free != epoch;
  }
  bool absent_in_arrays = false;
  for (const ConditionId condition : sub_rule.absent) {
    const FieldId field = matcher_.conditions[condition].field;
    if (field < state_.field_free_epoch.size() && state_.field_free_epoch[field] == epoch) {
      return false;  // a value outside arrays is visible from every element
    }
    absent_in_arrays = absent_in_arrays ||
                       (field < state_.field_epoch.size() && state_.field_epoch[field] == epoch);
  }
  // Values outside arrays combine with anything, so one condition met only inside arrays
  // cannot conflict with the others.
  if (only_in_arrays <= 1 && !absent_in_arrays) {
    return true;
  }
  return HoldsWithArrays(sub_rule);
}

bool AlternativeCheck::HoldsWithArrays(const SubRule& sub_rule) {
  const std::uint32_t epoch = state_.epoch;
  state_.witnesses.clear();
  for (std::size_t i = 0; i < sub_rule.positive.size(); ++i) {
    if (state_.condition_marks[sub_rule.positive[i]].met_free == epoch) {
      state_.witnesses.push_back({0, 1ULL << i});
    }
  }
  for (const auto& [condition, chain] : state_.chained_hits) {
    const auto it = std::find(sub_rule.positive.begin(), sub_rule.positive.end(), condition);
    if (it != sub_rule.positive.end()) {
      state_.witnesses.push_back({chain, 1ULL << (it - sub_rule.positive.begin())});
    }
  }
  state_.absent_chains.clear();
  for (const auto& [field, chain] : state_.absent_values) {
    for (const ConditionId condition : sub_rule.absent) {
      if (matcher_.conditions[condition].field == field) {
        state_.absent_chains.push_back(chain);
        break;
      }
    }
  }
  const std::size_t count = sub_rule.positive.size();
  const std::uint64_t full = count >= 64 ? ~0ULL : (1ULL << count) - 1;
  return ConsistentChoiceExists(state_.chains, state_.witnesses, state_.absent_chains, full,
                                state_.consistency);
}

}  // namespace

MatchState::MatchState() : impl_(std::make_unique<Impl>()) {}
MatchState::~MatchState() = default;

void MatchState::Impl::Begin(const Matcher::Impl& data) {
  matcher = &data;
  if (++epoch == 0) {
    for (auto* table : {&field_epoch, &field_free_epoch, &rule_epoch}) {
      std::fill(table->begin(), table->end(), 0);
    }
    std::fill(condition_marks.begin(), condition_marks.end(), ConditionMark());
    epoch = 1;
  }
  if (condition_marks.size() < data.conditions.size()) {
    condition_marks.resize(data.conditions.size());
  }
  GrowTo(field_epoch, data.fields.size());
  GrowTo(field_free_epoch, data.fields.size());
  GrowTo(rule_epoch, data.rules.size());
  met.clear();
  chained_hits.clear();
  absent_values.clear();
}

void MatchState::Impl::Hit(ConditionId condition, std::uint32_t chain) {
  ConditionMark& mark = condition_marks[condition];
  if (mark.met != epoch) {
    mark.met = epoch;
    if (matcher->has_keyed[condition]) {
      met.push_back(condition);
    }
  }
  if (chain == 0) {
    mark.met_free = epoch;
  } else {
    chained_hits.emplace_back(condition, chain);
  }
}

void MatchState::Impl::OnValue(FieldId field, const EventValue& value, std::uint32_t chain) {
  if (field >= matcher->fields.size()) {
    return;
  }
  field_epoch[field] = epoch;
  if (chain == 0) {
    field_free_epoch[field] = epoch;
  } else if (matcher->absent_conditions[field] > 0) {
    absent_values.emplace_back(field, chain);
  }
  const FieldIndex* index = matcher->fields[field].get();
  if (index == nullptr || index->empty()) {
    return;
  }
  evaluated.clear();
  index->Evaluate(value, field_scratch, evaluated);
  for (const ConditionId condition : evaluated) {
    Hit(condition, chain);
  }
}

Status Matcher::Match(std::string_view event_json, MatchState& state,
                      std::vector<RuleId>& matches) const {
  return MatchText(event_json, 0, state, matches);
}

Status Matcher::MatchPadded(std::string_view event_json, std::size_t capacity, MatchState& state,
                            std::vector<RuleId>& matches) const {
  if (capacity < event_json.size() + EventReader::kPadding) {
    return InvalidArgument("MatchPadded needs 64 readable bytes after the event text");
  }
  return MatchText(event_json, capacity, state, matches);
}

Status Matcher::MatchText(std::string_view event_json, std::size_t capacity, MatchState& state,
                          std::vector<RuleId>& matches) const {
  MatchState::Impl& scratch = *state.impl_;
  scratch.Begin(*impl_);
  RAMPART_RETURN_IF_ERROR(
      capacity == 0
          ? scratch.reader.Read(event_json, impl_->paths, scratch, scratch.chains)
          : scratch.reader.Read(event_json, capacity, impl_->paths, scratch, scratch.chains));
  AlternativeCheck check(*impl_, scratch);
  const auto consider = [&](SubRuleId id) {
    const SubRule& sub_rule = impl_->sub_rules[id];
    if (scratch.rule_epoch[sub_rule.rule] != scratch.epoch && check.Holds(sub_rule)) {
      scratch.rule_epoch[sub_rule.rule] = scratch.epoch;
      matches.push_back(sub_rule.rule);
    }
  };
  for (const ConditionId condition : scratch.met) {
    for (const KeyedAlternative& entry : impl_->keyed[condition]) {
      if (entry.single) {
        if (scratch.rule_epoch[entry.rule] != scratch.epoch) {
          scratch.rule_epoch[entry.rule] = scratch.epoch;
          matches.push_back(entry.rule);
        }
      } else {
        consider(entry.sub_rule);
      }
    }
  }
  for (const SubRuleId id : impl_->always) {
    consider(id);
  }
  return Status::Ok();
}

Result<bool> PatternMatches(const Pattern& pattern, std::string_view event_json) {
  Matcher matcher;
  RAMPART_RETURN_IF_ERROR(matcher.AddRule("pattern", pattern));
  MatchState state;
  std::vector<RuleId> matches;
  RAMPART_RETURN_IF_ERROR(matcher.Match(event_json, state, matches));
  return !matches.empty();
}

}  // namespace rampart::pattern
