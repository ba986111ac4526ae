// Compiling rules into the matcher: conditions shared across rules, field indexes, and the
// choice of the condition that triggers each alternative.
#include "pattern/matcher.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "pattern/matcher_internal.h"

namespace rampart::pattern {
namespace {

// Expected share of values a matcher accepts, coarsely: exact values are rare, ranges and
// affixes broader, exists and anything-but accept nearly everything.
int MatcherCost(MatchKind kind) {
  switch (kind) {
    case MatchKind::kString:
    case MatchKind::kNumber:
    case MatchKind::kEqualsIgnoreCase:
      return 1;
    case MatchKind::kExists:
    case MatchKind::kAnythingBut:
    case MatchKind::kAbsent:
      return 3;
    default:
      return 2;
  }
}

template <typename T>
std::uint32_t Allocate(std::vector<T>& slots, std::vector<std::uint32_t>& free_slots) {
  if (free_slots.empty()) {
    slots.emplace_back();
    return static_cast<std::uint32_t>(slots.size() - 1);
  }
  const std::uint32_t slot = free_slots.back();
  free_slots.pop_back();
  return slot;
}

class Compiler {
 public:
  explicit Compiler(Matcher::Impl& data) : data_(data) {}

  void AddRule(const std::string& name, const Pattern& pattern);
  void RemoveRule(RuleId rule);
  void BuildDirtyFields();

 private:
  ConditionId AcquireCondition(const FieldCondition& source);
  void ReleaseCondition(ConditionId id);
  void ChooseKey(SubRuleId id);

  Matcher::Impl& data_;
  std::set<FieldId> dirty_;
};

ConditionId Compiler::AcquireCondition(const FieldCondition& source) {
  std::string key = source.CanonicalKey();
  const auto found = data_.condition_by_key.find(key);
  if (found != data_.condition_by_key.end()) {
    ++data_.conditions[found->second].references;
    return found->second;
  }
  const ConditionId id = Allocate(data_.conditions, data_.free_conditions);
  if (data_.keyed.size() < data_.conditions.size()) {
    data_.keyed.resize(data_.conditions.size());
    data_.has_keyed.resize(data_.conditions.size(), 0);
  }
  Condition& condition = data_.conditions[id];
  condition = Condition();
  condition.source = source;
  condition.key = key;
  condition.references = 1;

  condition.field = data_.paths.Acquire(source.path);
  if (data_.fields.size() <= condition.field) {
    data_.fields.resize(condition.field + 1);
    data_.absent_conditions.resize(condition.field + 1, 0);
  }
  auto& index = data_.fields[condition.field];
  if (!index) {
    index = std::make_unique<FieldIndex>();
  }
  for (const ValueMatcher& matcher : source.any_of) {
    condition.cost = std::max(condition.cost, MatcherCost(matcher.kind));
  }

  if (source.absent()) {
    ++data_.absent_conditions[condition.field];
  } else {
    for (const ValueMatcher& matcher : source.any_of) {
      index->Add(matcher, id);
    }
    dirty_.insert(condition.field);
  }
  data_.condition_by_key.emplace(std::move(key), id);
  return id;
}

void Compiler::ReleaseCondition(ConditionId id) {
  Condition& condition = data_.conditions[id];
  if (--condition.references > 0) {
    return;
  }
  const FieldId field = condition.field;
  if (condition.source.absent()) {
    --data_.absent_conditions[field];
  } else {
    for (const ValueMatcher& matcher : condition.source.any_of) {
      data_.fields[field]->Remove(matcher, id);
    }
    dirty_.insert(field);
  }
  data_.paths.Release(condition.source.path);
  data_.condition_by_key.erase(condition.key);
  condition = Condition();
  data_.free_conditions.push_back(id);
}

// Picks the condition most likely to be rare as the trigger of an alternative. It prefers the
// cheapest kind of matcher, then the condition used by the fewest alternatives, because one
// shared by many rules (such as a common source) is rarely selective. The last tie-break is
// the condition that already triggers the fewest alternatives.
void Compiler::ChooseKey(SubRuleId id) {
  SubRule& sub_rule = data_.sub_rules[id];
  ConditionId best = kNone;
  for (const ConditionId candidate : sub_rule.positive) {
    if (best == kNone) {
      best = candidate;
      continue;
    }
    const Condition& a = data_.conditions[candidate];
    const Condition& b = data_.conditions[best];
    const auto rank = [this](ConditionId id, const Condition& condition) {
      return std::tuple(condition.cost, condition.references, data_.keyed[id].size());
    };
    if (rank(candidate, a) < rank(best, b)) {
      best = candidate;
    }
  }
  sub_rule.key = best;
  if (best == kNone) {
    data_.always.push_back(id);
  } else {
    const bool single = sub_rule.positive.size() == 1 && sub_rule.absent.empty();
    data_.keyed[best].push_back({id, sub_rule.rule, single});
    data_.has_keyed[best] = 1;
  }
}

void Compiler::AddRule(const std::string& name, const Pattern& pattern) {
  const RuleId rule = Allocate(data_.rules, data_.free_rules);
  data_.rules[rule] = {name, {}, true};
  data_.rule_by_name.emplace(name, rule);
  for (const Conjunction& alternative : pattern.alternatives) {
    const SubRuleId id = Allocate(data_.sub_rules, data_.free_sub_rules);
    SubRule sub_rule;
    sub_rule.rule = rule;
    for (const FieldCondition& source : alternative.conditions) {
      const ConditionId condition = AcquireCondition(source);
      auto& list = source.absent() ? sub_rule.absent : sub_rule.positive;
      if (std::find(list.begin(), list.end(), condition) == list.end()) {
        list.push_back(condition);
      } else {
        ReleaseCondition(condition);
      }
    }
    data_.sub_rules[id] = std::move(sub_rule);
    data_.rules[rule].sub_rules.push_back(id);
    ChooseKey(id);
  }
}

void Compiler::RemoveRule(RuleId rule) {
  RuleEntry& entry = data_.rules[rule];
  for (const SubRuleId id : entry.sub_rules) {
    SubRule& sub_rule = data_.sub_rules[id];
    if (sub_rule.key == kNone) {
      data_.always.erase(std::find(data_.always.begin(), data_.always.end(), id));
    } else {
      std::erase_if(data_.keyed[sub_rule.key],
                    [id](const KeyedAlternative& entry) { return entry.sub_rule == id; });
      data_.has_keyed[sub_rule.key] = !data_.keyed[sub_rule.key].empty();
    }
    for (const ConditionId condition : sub_rule.positive) {
      ReleaseCondition(condition);
    }
    for (const ConditionId condition : sub_rule.absent) {
      ReleaseCondition(condition);
    }
    sub_rule = SubRule();
    data_.free_sub_rules.push_back(id);
  }
  data_.rule_by_name.erase(entry.name);
  entry = RuleEntry();
  data_.free_rules.push_back(rule);
}

void Compiler::BuildDirtyFields() {
  for (const FieldId field : dirty_) {
    data_.fields[field]->Build();
  }
  dirty_.clear();
}

}  // namespace

Matcher::Matcher() : impl_(std::make_unique<Impl>()) {}
Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

Status Matcher::AddRule(std::string_view name, const Pattern& pattern) {
  return AddRules({{std::string(name), pattern}});
}

Status Matcher::AddRules(const std::vector<std::pair<std::string, Pattern>>& rules) {
  std::set<std::string_view> names;
  for (const auto& [name, pattern] : rules) {
    if (impl_->rule_by_name.contains(name) || !names.insert(name).second) {
      return Status(
          StatusCode::kAlreadyExists,
          fmt::format("a rule named \"{}\" already exists; rule names must be unique", name));
    }
  }
  Compiler compiler(*impl_);
  for (const auto& [name, pattern] : rules) {
    compiler.AddRule(name, pattern);
  }
  compiler.BuildDirtyFields();
  return Status::Ok();
}

bool Matcher::RemoveRule(std::string_view name) {
  const auto found = impl_->rule_by_name.find(std::string(name));
  if (found == impl_->rule_by_name.end()) {
    return false;
  }
  Compiler compiler(*impl_);
  compiler.RemoveRule(found->second);
  compiler.BuildDirtyFields();
  return true;
}

std::size_t Matcher::rule_count() const { return impl_->rule_by_name.size(); }

const std::string& Matcher::rule_name(RuleId id) const { return impl_->rules.at(id).name; }

std::optional<RuleId> Matcher::FindRule(std::string_view name) const {
  const auto found = impl_->rule_by_name.find(std::string(name));
  if (found == impl_->rule_by_name.end()) {
    return std::nullopt;
  }
  return found->second;
}

std::size_t Matcher::MemoryUsage() const {
  std::size_t bytes = sizeof(Impl) + impl_->paths.MemoryUsage();
  for (const auto& field : impl_->fields) {
    bytes += field ? field->MemoryUsage() : sizeof(field);
  }
  for (const Condition& condition : impl_->conditions) {
    bytes += sizeof(Condition) + condition.key.capacity() * 2;
  }
  for (const auto& keyed : impl_->keyed) {
    bytes += sizeof(keyed) + keyed.capacity() * sizeof(KeyedAlternative);
  }
  bytes += impl_->condition_by_key.size() * 32;
  for (const SubRule& sub_rule : impl_->sub_rules) {
    bytes += sizeof(SubRule) + (sub_rule.positive.capacity() + sub_rule.absent.capacity()) * 4;
  }
  for (const RuleEntry& rule : impl_->rules) {
    bytes += sizeof(RuleEntry) + rule.name.capacity() + rule.sub_rules.capacity() * 4 + 48;
  }
  return bytes;
}

}  // namespace rampart::pattern
