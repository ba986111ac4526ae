// Wildcard patterns ('*' matches any run of characters, "\*" a literal star, "\\" a literal
// backslash) and a set of them compiled into one automaton per field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::pattern {

// A wildcard as literal bytes: star_after[j] is true when a '*' follows the first j bytes
// (star_after[0] is a leading star). star_after has literal.size() + 1 entries.
struct WildcardProgram {
  std::string literal;
  std::vector<bool> star_after;
};

enum class WildcardProblem { kNone, kConsecutiveStars, kBadEscape };

// Parses a wildcard; on a problem, `error_offset` is the byte offset of the offending
// character in `text`.
WildcardProblem ParseWildcard(std::string_view text, WildcardProgram& program,
                              std::size_t& error_offset);

// Many wildcards over one field, matched in a single pass over the value.
//
// The wildcards form one bit-parallel NFA (a Shift-And automaton with self-loops for the
// stars). Build() turns it into a DFA by subset construction when that stays under
// `max_dfa_states`; otherwise Match() simulates the NFA, in time linear in the value length
// times the number of 64-bit words of NFA state. Neither path backtracks, and the DFA is
// never allowed to grow past the cap.
class WildcardSet {
 public:
  void Add(const WildcardProgram& program, std::uint32_t target);
  void Clear();
  void Build(std::size_t max_dfa_states = 4096);

  bool empty() const { return finals_.empty(); }
  bool has_dfa() const { return !transitions_.empty(); }

  // Appends the target of every wildcard that matches all of `value`. Needs Build().
  void Match(std::string_view value, std::vector<std::uint32_t>& targets) const;

  std::size_t MemoryUsage() const;

 private:
  using Bits = std::vector<std::uint64_t>;

  struct Final {
    std::uint32_t bit;
    std::uint32_t target;
  };

  void Step(const Bits& current, std::uint16_t byte_class, Bits& next) const;
  void AppendAccepted(const Bits& state, std::vector<std::uint32_t>& targets) const;
  bool BuildDfa(std::size_t max_dfa_states);

  std::vector<WildcardProgram> programs_;
  std::vector<std::uint32_t> program_targets_;

  std::size_t words_ = 0;
  std::uint16_t byte_class_[256] = {};
  std::size_t class_count_ = 1;
  std::vector<Bits> class_masks_;  // per byte class: the states a byte of that class enters
  Bits loops_;                     // states with a self-loop on any byte
  Bits start_;
  std::vector<Final> finals_;

  // DFA: state 0 is dead, state 1 the start; transitions_[state * class_count_ + class].
  std::vector<std::uint32_t> transitions_;
  std::vector<std::uint32_t> accept_offsets_;  // per state, into accept_targets_; size states+1
  std::vector<std::uint32_t> accept_targets_;
};

}  // namespace rampart::pattern
