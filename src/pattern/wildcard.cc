#include "pattern/wildcard.h"

#include <map>
#include <string>
#include <unordered_map>

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

void WildcardSet::Add(const WildcardProgram& program, std::uint32_t target) {
  programs_.push_back(program);
  program_targets_.push_back(target);
}

void WildcardSet::Clear() { *this = WildcardSet(); }

void WildcardSet::Build(std::size_t max_dfa_states) {
  // Lay the programs out one after another: program k owns bits base..base+m (m literals).
  std::size_t bits = 0;
  for (const WildcardProgram& program : programs_) {
    bits += program.literal.size() + 1;
  }
  words_ = (bits + 63) / 64;
  loops_.assign(words_, 0);
  start_.assign(words_, 0);
  finals_.clear();

  // Byte classes: bytes that enter exactly the same set of states behave alike.
  std::vector<Bits> byte_masks(256, Bits(words_, 0));
  std::size_t base = 0;
  for (std::size_t k = 0; k < programs_.size(); ++k) {
    const WildcardProgram& program = programs_[k];
    const auto set = [](Bits& mask, std::size_t bit) { mask[bit / 64] |= 1ULL << (bit % 64); };
    set(start_, base);
    for (std::size_t j = 0; j <= program.literal.size(); ++j) {
      if (program.star_after[j]) {
        set(loops_, base + j);
      }
      if (j > 0) {
        set(byte_masks[static_cast<unsigned char>(program.literal[j - 1])], base + j);
      }
    }
    finals_.push_back(
        {static_cast<std::uint32_t>(base + program.literal.size()), program_targets_[k]});
    base += program.literal.size() + 1;
  }
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

  transitions_.clear();
  accept_offsets_.clear();
  accept_targets_.clear();
  if (!programs_.empty() && !BuildDfa(max_dfa_states)) {
    transitions_.clear();
    accept_offsets_.clear();
    accept_targets_.clear();
  }
}

void WildcardSet::Step(const Bits& current, std::uint16_t byte_class, Bits& next) const {
  const Bits& mask = class_masks_[byte_class];
  std::uint64_t carry = 0;
  for (std::size_t w = 0; w < words_; ++w) {
    const std::uint64_t shifted = (current[w] << 1) | carry;
    carry = current[w] >> 63;
    next[w] = (shifted & mask[w]) | (current[w] & loops_[w]);
  }
}

void WildcardSet::AppendAccepted(const Bits& state, std::vector<std::uint32_t>& targets) const {
  for (const Final& final : finals_) {
    if ((state[final.bit / 64] >> (final.bit % 64)) & 1) {
      targets.push_back(final.target);
    }
  }
}

bool WildcardSet::BuildDfa(std::size_t max_dfa_states) {
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

void WildcardSet::Match(std::string_view value, std::vector<std::uint32_t>& targets) const {
  if (finals_.empty()) {
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
  Bits current = start_;
  Bits next(words_, 0);
  for (const char c : value) {
    Step(current, byte_class_[static_cast<unsigned char>(c)], next);
    current.swap(next);
  }
  AppendAccepted(current, targets);
}

std::size_t WildcardSet::MemoryUsage() const {
  std::size_t bytes = sizeof(*this);
  for (const WildcardProgram& program : programs_) {
    bytes += program.literal.capacity() + program.star_after.capacity() / 8;
  }
  bytes += class_masks_.size() * words_ * 8 + 2 * words_ * 8;
  bytes += finals_.capacity() * sizeof(Final) + transitions_.capacity() * 4;
  bytes += accept_offsets_.capacity() * 4 + accept_targets_.capacity() * 4;
  return bytes;
}

}  // namespace rampart::pattern
