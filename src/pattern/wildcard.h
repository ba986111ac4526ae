// Wildcard patterns ('*' matches any run of characters, "\*" a literal star, "\\" a literal
// backslash) and a set of them matched against one field's values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pattern/byte_trie.h"
#include "pattern/flat_map.h"

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

// Many wildcards compiled into one bit-parallel NFA (a Shift-And automaton whose stars are
// self-loops), turned into a DFA by subset construction while that stays under a state cap
// and simulated directly otherwise. Neither way backtracks: the time per value is linear in
// its length (times the NFA's 64-bit words when simulated).
class WildcardAutomaton {
 public:
  void Build(const std::vector<WildcardProgram>& programs,
             const std::vector<std::uint32_t>& targets, std::size_t max_dfa_states);

  bool empty() const { return finals_.empty(); }
  bool has_dfa() const { return !transitions_.empty(); }
  void Match(std::string_view value, std::vector<std::uint32_t>& targets) const;
  std::size_t MemoryUsage() const;

 private:
  using Bits = std::vector<std::uint64_t>;

  void Step(const Bits& current, std::uint16_t byte_class, Bits& next) const;
  void AppendAccepted(const Bits& state, std::vector<std::uint32_t>& targets) const;
  bool BuildDfa(std::size_t max_dfa_states);

  std::size_t words_ = 0;
  std::uint16_t byte_class_[256] = {};
  std::size_t class_count_ = 1;
  std::vector<Bits> class_masks_;  // per byte class: the states a byte of that class enters
  Bits loops_;                     // states with a self-loop on any byte
  Bits start_;
  Bits finals_;                                                     // accepting states
  std::unordered_map<std::uint32_t, std::uint32_t> final_targets_;  // accepting bit -> target

  // DFA: state 0 is dead, state 1 the start; transitions_[state * class_count_ + class].
  std::vector<std::uint32_t> transitions_;
  std::vector<std::uint32_t> accept_offsets_;  // per state, into accept_targets_; size states+1
  std::vector<std::uint32_t> accept_targets_;
};

// The wildcards of one field. A small set becomes one DFA. When the DFA would pass the
// state cap, the set is indexed instead. Wildcards without a star go to a hash table. The
// others are grouped in a trie by their literal prefix (the text before the first star), and
// each group keeps its wildcards' literal suffixes in a suffix trie. A value walks the prefix
// trie and then the suffix trie of each group it reaches. Greedy search for the middle
// segments then checks the few candidates found. Only wildcards that start and end with '*'
// go into an automaton.
class WildcardSet {
 public:
  void Add(const WildcardProgram& program, std::uint32_t target);
  void Clear();
  void Build(std::size_t max_dfa_states = 4096);

  bool empty() const { return programs_.empty(); }
  bool indexed() const { return indexed_; }

  // Appends the target of every wildcard that matches all of `value`. Needs Build().
  void Match(std::string_view value, std::vector<std::uint32_t>& targets) const;

  std::size_t MemoryUsage() const;

 private:
  // A wildcard split at its stars. It matches when the value starts with the first segment,
  // ends with the last, and contains the others in order between them.
  struct Segmented {
    std::vector<std::string> segments;
    std::uint32_t target = 0;
  };

  void BuildIndex(std::size_t max_dfa_states);
  bool Verify(const Segmented& pattern, std::string_view value) const;

  std::vector<WildcardProgram> programs_;
  std::vector<std::uint32_t> targets_;
  bool indexed_ = false;
  WildcardAutomaton all_;  // every wildcard, when not indexed_

  FlatTargetMap exact_;
  std::vector<Segmented> anchored_;
  ByteTrie prefix_groups_;                // targets are indexes into group_suffixes_
  std::vector<ByteTrie> group_suffixes_;  // targets are indexes into anchored_
  WildcardAutomaton floating_;
};

}  // namespace rampart::pattern
