#include "pattern/wildcard.h"

#include <bit>
#include <map>
#include <string>

namespace rampart::pattern {

WildcardProblem ParseWildcard(std::string_view text, WildcardProgram& program,
                              std::size_t& error_offset) {
  program.literal.clear();
  program.star_after.assign(1, false);
  bool previous_was_star = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '*') {
      if (previous_was_star) {
        error_offset = i;
        return WildcardProblem::kConsecutiveStars;
      }
      program.star_after.back() = true;
      previous_was_star = true;
      continue;
    }
    char literal = c;
    if (c == '\\') {
      if (i + 1 >= text.size() || (text[i + 1] != '*' && text[i + 1] != '\\')) {
        error_offset = i;
        return WildcardProblem::kBadEscape;
      }
      literal = text[++i];
    }
    program.literal += literal;
    program.star_after.push_back(false);
    previous_was_star = false;
  }
  return WildcardProblem::kNone;
}

void WildcardAutomaton::Build(const std::vector<WildcardProgram>& programs,
                              const std::vector<std::uint32_t>& targets,
                              std::size_t max_dfa_states) {
  *this = WildcardAutomaton();
  if (programs.empty()) {
    return;
  }
  // Program k owns bits base..base+m, where m is its number of literal bytes.
  std::size_t bits = 0;
  for (const WildcardProgram& program : programs) {
    bits += program.literal.size() + 1;
  }
  words_ = (bits + 63) / 64;
  loops_.assign(words_, 0);
  start_.assign(words_, 0);
  finals_.assign(words_, 0);
  const auto set = [](Bits& mask, std::size_t bit) { mask[bit / 64] |= 1ULL << (bit % 64); };

  std::vector<Bits> byte_masks(256, Bits(words_, 0));
  std::size_t base = 0;
  for (std::size_t k = 0; k < programs.size(); ++k) {
    const WildcardProgram& program = programs[k];
    set(start_, base);
    for (std::size_t j = 0; j <= program.literal.size(); ++j) {
      if (program.star_after[j]) {
        set(loops_, base + j);
      }
      if (j > 0) {
        set(byte_masks[static_cast<unsigned char>(program.literal[j - 1])], base + j);
      }
    }
    const auto final_bit = static_cast<std::uint32_t>(base + program.literal.size());
    set(finals_, final_bit);
    final_targets_[final_bit] = targets[k];
    base += program.literal.size() + 1;
  }

  // Byte classes: bytes that enter exactly the same set of states behave alike.
  std::map<Bits, std::uint16_t> classes;
  classes[Bits(words_, 0)] = 0;
  class_masks_.assign(1, Bits(words_, 0));
  for (int b = 0; b < 256; ++b) {
    auto [it, inserted] =
        classes.emplace(byte_masks[b], static_cast<std::uint16_t>(classes.size()));
    if (inserted) {
      class_masks_.push_back(byte_masks[b]);
    }
    byte_class_[b] = it->second;
  }
  class_count_ = class_masks_.size();
  if (!BuildDfa(max_dfa_states)) {
    transitions_.clear();
    accept_offsets_.clear();
    accept_targets_.clear();
  }
}

void WildcardAutomaton::Step(const Bits& current, std::uint16_t byte_class, Bits& next) const {
  const Bits& mask = class_masks_[byte_class];
  std::uint64_t carry = 0;
  for (std::size_t w = 0; w < words_; ++w) {
    const std::uint64_t shifted = (current[w] << 1) | carry;
    carry = current[w] >> 63;
    next[w] = (shifted & mask[w]) | (current[w] & loops_[w]);
  }
}

void WildcardAutomaton::AppendAccepted(const Bits& state,
                                       std::vector<std::uint32_t>& targets) const {
  for (std::size_t w = 0; w < words_; ++w) {
    for (std::uint64_t accepted = state[w] & finals_[w]; accepted != 0; accepted &= accepted - 1) {
      const auto bit = static_cast<std::uint32_t>(w * 64 + std::countr_zero(accepted));
      targets.push_back(final_targets_.at(bit));
    }
  }
}

bool WildcardAutomaton::BuildDfa(std::size_t max_dfa_states) {
  std::vector<Bits> states = {Bits(words_, 0), start_};
  std::map<Bits, std::uint32_t> ids = {{states[0], 0}, {states[1], 1}};
  Bits next(words_, 0);
  for (std::size_t s = 0; s < states.size(); ++s) {
    transitions_.resize((s + 1) * class_count_, 0);
    for (std::size_t c = 0; c < class_count_; ++c) {
      Step(states[s], static_cast<std::uint16_t>(c), next);
      auto [it, inserted] = ids.emplace(next, static_cast<std::uint32_t>(states.size()));
      if (inserted) {
        if (states.size() >= max_dfa_states) {
          return false;
        }
        states.push_back(next);
      }
      transitions_[s * class_count_ + c] = it->second;
    }
  }
  for (const Bits& state : states) {
    accept_offsets_.push_back(static_cast<std::uint32_t>(accept_targets_.size()));
    AppendAccepted(state, accept_targets_);
  }
  accept_offsets_.push_back(static_cast<std::uint32_t>(accept_targets_.size()));
  return true;
}

void WildcardAutomaton::Match(std::string_view value, std::vector<std::uint32_t>& targets) const {
  if (words_ == 0) {
    return;
  }
  if (has_dfa()) {
    std::uint32_t state = 1;
    for (const char c : value) {
      state = transitions_[state * class_count_ + byte_class_[static_cast<unsigned char>(c)]];
      if (state == 0) {
        return;
      }
    }
    targets.insert(targets.end(), accept_targets_.begin() + accept_offsets_[state],
                   accept_targets_.begin() + accept_offsets_[state + 1]);
    return;
  }
  thread_local Bits current;
  thread_local Bits next;
  current = start_;
  next.assign(words_, 0);
  for (const char c : value) {
    Step(current, byte_class_[static_cast<unsigned char>(c)], next);
    current.swap(next);
  }
  AppendAccepted(current, targets);
}

std::size_t WildcardAutomaton::MemoryUsage() const {
  std::size_t bytes = sizeof(*this) + (class_masks_.size() + 3) * words_ * 8;
  bytes += final_targets_.size() * 32 + transitions_.capacity() * 4;
  bytes += accept_offsets_.capacity() * 4 + accept_targets_.capacity() * 4;
  return bytes;
}

void WildcardSet::Add(const WildcardProgram& program, std::uint32_t target) {
  programs_.push_back(program);
  targets_.push_back(target);
}

void WildcardSet::Clear() { *this = WildcardSet(); }

void WildcardSet::Build(std::size_t max_dfa_states) {
  all_.Build(programs_, targets_, max_dfa_states);
  indexed_ = !programs_.empty() && !all_.has_dfa();
  if (indexed_) {
    all_ = WildcardAutomaton();
    BuildIndex(max_dfa_states);
  }
}

void WildcardSet::BuildIndex(std::size_t max_dfa_states) {
  std::unordered_map<std::string, std::vector<std::uint32_t>> exact;
  std::unordered_map<std::string, std::uint32_t> groups;  // literal prefix -> group
  std::vector<WildcardProgram> floating;
  std::vector<std::uint32_t> floating_targets;
  for (std::size_t k = 0; k < programs_.size(); ++k) {
    const WildcardProgram& program = programs_[k];
    // The stars cut the literal into segments: "2*0*1*7" into 2, 0, 1, 7 and "*218" into
    // "" and 218.
    Segmented pattern{{}, targets_[k]};
    std::size_t from = 0;
    for (std::size_t j = 0; j <= program.literal.size(); ++j) {
      if (program.star_after[j]) {
        pattern.segments.push_back(program.literal.substr(from, j - from));
        from = j;
      }
    }
    pattern.segments.push_back(program.literal.substr(from));
    const std::string& prefix = pattern.segments.front();
    const std::string& suffix = pattern.segments.back();
    if (pattern.segments.size() == 1) {
      exact[prefix].push_back(targets_[k]);
    } else if (prefix.empty() && suffix.empty()) {
      floating.push_back(program);
      floating_targets.push_back(targets_[k]);
    } else {
      auto [group, added] =
          groups.emplace(prefix, static_cast<std::uint32_t>(group_suffixes_.size()));
      if (added) {
        prefix_groups_.Insert(prefix, group->second);
        group_suffixes_.emplace_back();
      }
      group_suffixes_[group->second].Insert(suffix, static_cast<std::uint32_t>(anchored_.size()),
                                            /*reversed=*/true);
      anchored_.push_back(std::move(pattern));
    }
  }
  exact_.Build(exact);
  prefix_groups_.Freeze();
  for (ByteTrie& suffixes : group_suffixes_) {
    suffixes.Freeze();
  }
  floating_.Build(floating, floating_targets, max_dfa_states);
}

// Greedy search is exact for patterns whose only wildcard is '*': placing each middle
// segment at its leftmost possible position never rules out a later one.
bool WildcardSet::Verify(const Segmented& pattern, std::string_view value) const {
  const std::string& prefix = pattern.segments.front();
  const std::string& suffix = pattern.segments.back();
  if (value.size() < prefix.size() + suffix.size() || !value.starts_with(prefix) ||
      !value.ends_with(suffix)) {
    return false;
  }
  std::string_view middle =
      value.substr(prefix.size(), value.size() - prefix.size() - suffix.size());
  for (std::size_t i = 1; i + 1 < pattern.segments.size(); ++i) {
    const auto at = middle.find(pattern.segments[i]);
    if (at == std::string_view::npos) {
      return false;
    }
    middle.remove_prefix(at + pattern.segments[i].size());
  }
  return true;
}

void WildcardSet::Match(std::string_view value, std::vector<std::uint32_t>& targets) const {
  if (!indexed_) {
    all_.Match(value, targets);
    return;
  }
  exact_.Find(value, targets);
  thread_local std::vector<std::uint32_t> groups;
  thread_local std::vector<std::uint32_t> candidates;
  groups.clear();
  candidates.clear();
  prefix_groups_.MatchPrefixes(value, groups);
  for (const std::uint32_t group : groups) {
    group_suffixes_[group].MatchSuffixes(value, candidates);
  }
  for (const std::uint32_t candidate : candidates) {
    if (Verify(anchored_[candidate], value)) {
      targets.push_back(anchored_[candidate].target);
    }
  }
  floating_.Match(value, targets);
}

std::size_t WildcardSet::MemoryUsage() const {
  std::size_t bytes = sizeof(*this) + all_.MemoryUsage() + floating_.MemoryUsage();
  for (const WildcardProgram& program : programs_) {
    bytes += program.literal.capacity() + program.star_after.capacity() / 8;
  }
  for (const Segmented& pattern : anchored_) {
    for (const std::string& segment : pattern.segments) {
      bytes += sizeof(segment) + segment.capacity();
    }
  }
  bytes += exact_.MemoryUsage() + prefix_groups_.MemoryUsage();
  for (const ByteTrie& suffixes : group_suffixes_) {
    bytes += suffixes.MemoryUsage();
  }
  return bytes;
}

}  // namespace rampart::pattern
