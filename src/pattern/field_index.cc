#include "pattern/field_index.h"

#include <algorithm>

#include "pattern/case_fold.h"

namespace rampart::pattern {
namespace {

void EraseOne(std::vector<std::uint32_t>& targets, std::uint32_t target) {
  const auto it = std::find(targets.begin(), targets.end(), target);
  if (it != targets.end()) {
    targets.erase(it);
  }
}

template <typename Map, typename Key>
void EraseFromMap(Map& map, const Key& key, std::uint32_t target) {
  const auto it = map.find(key);
  if (it == map.end()) {
    return;
  }
  EraseOne(it->second, target);
  if (it->second.empty()) {
    map.erase(it);
  }
}

KeyRange<double> ToKeyRange(const NumericRange& range) {
  return {range.low, range.low_inclusive, range.high, range.high_inclusive};
}

KeyRange<IpAddress> ToKeyRange(const IpRange& range) {
  return {range.first, true, range.last, true};
}

}  // namespace

void FieldIndex::AddPrimitive(const ValueMatcher& matcher, std::uint32_t target) {
  switch (matcher.kind) {
    case MatchKind::kString:
      exact_[matcher.text].push_back(target);
      break;
    case MatchKind::kNumber:
      numbers_[matcher.number].push_back(target);
      break;
    case MatchKind::kTrue:
      on_true_.push_back(target);
      break;
    case MatchKind::kFalse:
      on_false_.push_back(target);
      break;
    case MatchKind::kNull:
      on_null_.push_back(target);
      break;
    case MatchKind::kPrefix:
      prefixes_.Insert(matcher.text, target);
      break;
    case MatchKind::kSuffix:
      suffixes_.Insert(matcher.text, target, /*reversed=*/true);
      break;
    case MatchKind::kPrefixIgnoreCase:
      folded_prefixes_.Insert(matcher.text, target);
      break;
    case MatchKind::kSuffixIgnoreCase:
      folded_suffixes_.Insert(matcher.text, target, /*reversed=*/true);
      break;
    case MatchKind::kEqualsIgnoreCase:
      folded_exact_[matcher.text].push_back(target);
      break;
    case MatchKind::kWildcard:
      wildcard_entries_.emplace_back(matcher.text, target);
      break;
    case MatchKind::kNumericRange:
      numeric_.Add(ToKeyRange(matcher.range), target);
      break;
    case MatchKind::kCidr:
      (matcher.ip.v6 ? cidr_v6_ : cidr_v4_).Add(ToKeyRange(matcher.ip), target);
      break;
    case MatchKind::kExists:
    case MatchKind::kAbsent:
    case MatchKind::kAnythingBut:
      break;  // not primitives; handled by Add
  }
}

void FieldIndex::RemovePrimitive(const ValueMatcher& matcher, std::uint32_t target) {
  switch (matcher.kind) {
    case MatchKind::kString:
      EraseFromMap(exact_, matcher.text, target);
      break;
    case MatchKind::kNumber:
      EraseFromMap(numbers_, matcher.number, target);
      break;
    case MatchKind::kTrue:
      EraseOne(on_true_, target);
      break;
    case MatchKind::kFalse:
      EraseOne(on_false_, target);
      break;
    case MatchKind::kNull:
      EraseOne(on_null_, target);
      break;
    case MatchKind::kPrefix:
      prefixes_.Remove(matcher.text, target);
      break;
    case MatchKind::kSuffix:
      suffixes_.Remove(matcher.text, target, /*reversed=*/true);
      break;
    case MatchKind::kPrefixIgnoreCase:
      folded_prefixes_.Remove(matcher.text, target);
      break;
    case MatchKind::kSuffixIgnoreCase:
      folded_suffixes_.Remove(matcher.text, target, /*reversed=*/true);
      break;
    case MatchKind::kEqualsIgnoreCase:
      EraseFromMap(folded_exact_, matcher.text, target);
      break;
    case MatchKind::kWildcard: {
      const auto it = std::find(wildcard_entries_.begin(), wildcard_entries_.end(),
                                std::pair<std::string, std::uint32_t>(matcher.text, target));
      if (it != wildcard_entries_.end()) {
        wildcard_entries_.erase(it);
      }
      break;
    }
    case MatchKind::kNumericRange:
      numeric_.Remove(ToKeyRange(matcher.range), target);
      break;
    case MatchKind::kCidr:
      (matcher.ip.v6 ? cidr_v6_ : cidr_v4_).Remove(ToKeyRange(matcher.ip), target);
      break;
    case MatchKind::kExists:
    case MatchKind::kAbsent:
    case MatchKind::kAnythingBut:
      break;
  }
}

void FieldIndex::Add(const ValueMatcher& matcher, ConditionId condition) {
  ++matcher_count_;
  if (matcher.kind == MatchKind::kExists) {
    exists_.push_back(condition);
    return;
  }
  if (matcher.kind != MatchKind::kAnythingBut) {
    AddPrimitive(matcher, condition);
    return;
  }
  const std::string key = matcher.CanonicalKey();
  const auto found = anything_but_by_key_.find(key);
  if (found != anything_but_by_key_.end()) {
    anything_but_[found->second].conditions.push_back(condition);
    return;
  }
  std::uint32_t slot = 0;
  if (free_anything_but_.empty()) {
    slot = static_cast<std::uint32_t>(anything_but_.size());
    anything_but_.emplace_back();
  } else {
    slot = free_anything_but_.back();
    free_anything_but_.pop_back();
  }
  anything_but_[slot] = {key, matcher, {condition}};
  anything_but_by_key_.emplace(key, slot);
  for (const ValueMatcher& excluded : matcher.excluded) {
    AddPrimitive(excluded, kExcludedFlag | slot);
  }
}

void FieldIndex::Remove(const ValueMatcher& matcher, ConditionId condition) {
  --matcher_count_;
  if (matcher.kind == MatchKind::kExists) {
    EraseOne(exists_, condition);
    return;
  }
  if (matcher.kind != MatchKind::kAnythingBut) {
    RemovePrimitive(matcher, condition);
    return;
  }
  const auto found = anything_but_by_key_.find(matcher.CanonicalKey());
  if (found == anything_but_by_key_.end()) {
    return;
  }
  const std::uint32_t slot = found->second;
  AnythingButSlot& entry = anything_but_[slot];
  EraseOne(entry.conditions, condition);
  if (entry.conditions.empty()) {
    for (const ValueMatcher& excluded : entry.matcher.excluded) {
      RemovePrimitive(excluded, kExcludedFlag | slot);
    }
    anything_but_by_key_.erase(found);
    entry = AnythingButSlot();
    free_anything_but_.push_back(slot);
  }
}

void FieldIndex::Build() {
  exact_table_.Build(exact_);
  folded_exact_table_.Build(folded_exact_);
  number_table_.Build(numbers_);
  prefixes_.Freeze();
  suffixes_.Freeze();
  folded_prefixes_.Freeze();
  folded_suffixes_.Freeze();
  needs_folding_ = !folded_exact_.empty() || !folded_prefixes_.empty() || !folded_suffixes_.empty();
  wildcards_.Clear();
  WildcardProgram program;
  std::size_t offset = 0;
  for (const auto& [text, target] : wildcard_entries_) {
    // The parser already validated the wildcard, so it parses again without a problem.
    if (ParseWildcard(text, program, offset) == WildcardProblem::kNone) {
      wildcards_.Add(program, target);
    }
  }
  wildcards_.Build();
  numeric_.Build();
  cidr_v4_.Build();
  cidr_v6_.Build();
}

void FieldIndex::MatchString(std::string_view text, FieldScratch& scratch) const {
  std::vector<std::uint32_t>& targets = scratch.targets;
  exact_table_.Find(text, targets);
  if (!prefixes_.empty()) {
    prefixes_.MatchPrefixes(text, targets);
  }
  if (!suffixes_.empty()) {
    suffixes_.MatchSuffixes(text, targets);
  }
  if (needs_folding_) {
    FoldCase(text, scratch.folded);
    folded_exact_table_.Find(scratch.folded, targets);
    if (!folded_prefixes_.empty()) {
      folded_prefixes_.MatchPrefixes(scratch.folded, targets);
    }
    if (!folded_suffixes_.empty()) {
      folded_suffixes_.MatchSuffixes(scratch.folded, targets);
    }
  }
  wildcards_.Match(text, targets);
  if (!cidr_v4_.empty() || !cidr_v6_.empty()) {
    if (const auto ip = ParseIpAddress(text)) {
      (ip->v6 ? cidr_v6_ : cidr_v4_).Query(ip->address, targets);
    }
  }
}

void FieldIndex::Evaluate(const EventValue& value, FieldScratch& scratch,
                          std::vector<ConditionId>& conditions) const {
  scratch.targets.clear();
  switch (value.type) {
    case ValueType::kString:
      MatchString(value.text, scratch);
      break;
    case ValueType::kNumber:
      number_table_.Find(FlatTargetMap::NumberKey(value.number), scratch.targets);
      numeric_.Query(value.number, scratch.targets);
      break;
    case ValueType::kTrue:
      scratch.targets.insert(scratch.targets.end(), on_true_.begin(), on_true_.end());
      break;
    case ValueType::kFalse:
      scratch.targets.insert(scratch.targets.end(), on_false_.begin(), on_false_.end());
      break;
    case ValueType::kNull:
      scratch.targets.insert(scratch.targets.end(), on_null_.begin(), on_null_.end());
      break;
  }
  conditions.insert(conditions.end(), exists_.begin(), exists_.end());
  AppendSatisfied(scratch, conditions);
}

// Copies plain targets to `conditions`, then adds the conditions of every anything-but slot
// whose excluded values did not match.
void FieldIndex::AppendSatisfied(FieldScratch& scratch,
                                 std::vector<ConditionId>& conditions) const {
  if (anything_but_by_key_.empty()) {
    conditions.insert(conditions.end(), scratch.targets.begin(), scratch.targets.end());
    return;
  }
  if (scratch.excluded_stamp.size() < anything_but_.size()) {
    scratch.excluded_stamp.resize(anything_but_.size(), 0);
  }
  if (++scratch.stamp == 0) {
    std::fill(scratch.excluded_stamp.begin(), scratch.excluded_stamp.end(), 0);
    scratch.stamp = 1;
  }
  for (const std::uint32_t target : scratch.targets) {
    if (target & kExcludedFlag) {
      scratch.excluded_stamp[target & ~kExcludedFlag] = scratch.stamp;
    } else {
      conditions.push_back(target);
    }
  }
  for (std::size_t slot = 0; slot < anything_but_.size(); ++slot) {
    if (scratch.excluded_stamp[slot] != scratch.stamp) {
      const auto& satisfied = anything_but_[slot].conditions;
      conditions.insert(conditions.end(), satisfied.begin(), satisfied.end());
    }
  }
}

std::size_t FieldIndex::MemoryUsage() const {
  std::size_t bytes = sizeof(*this);
  for (const auto& [text, targets] : exact_) {
    bytes += 64 + text.capacity() + targets.capacity() * 4;
  }
  for (const auto& [text, targets] : folded_exact_) {
    bytes += 64 + text.capacity() + targets.capacity() * 4;
  }
  bytes += numbers_.size() * 64 + exact_table_.MemoryUsage() + folded_exact_table_.MemoryUsage() +
           number_table_.MemoryUsage();
  bytes += prefixes_.MemoryUsage() + suffixes_.MemoryUsage() + folded_prefixes_.MemoryUsage() +
           folded_suffixes_.MemoryUsage() + wildcards_.MemoryUsage() + numeric_.MemoryUsage() +
           cidr_v4_.MemoryUsage() + cidr_v6_.MemoryUsage();
  bytes += anything_but_.capacity() * sizeof(AnythingButSlot) + exists_.capacity() * 4;
  return bytes;
}

}  // namespace rampart::pattern
