// A byte trie whose nodes carry targets, for prefix and suffix matching of many keys at once:
// one walk over the value finds every key that is a prefix (or, read backwards, a suffix).
// When the keys have only a few distinct lengths, Freeze builds a hash table of them instead.
// Matching then looks up the value's prefix (or suffix) of each of those lengths, which
// touches less memory than a walk through a large trie.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "pattern/flat_map.h"

namespace rampart::pattern {

class ByteTrie {
 public:
  ByteTrie();

  // Adds `target` under `key`; with `reversed`, the key is stored back to front, for suffixes.
  void Insert(std::string_view key, std::uint32_t target, bool reversed = false);
  // Removes one `target` under `key`; returns false when it was not there.
  bool Remove(std::string_view key, std::uint32_t target, bool reversed = false);

  // Lays the trie out in flat arrays for matching; call after Insert and Remove.
  void Freeze();

  // Appends the targets of every key that is a prefix of `value` (an empty key included).
  // Needs Freeze().
  void MatchPrefixes(std::string_view value, std::vector<std::uint32_t>& targets) const;
  // Appends the targets of every reversed key that is a suffix of `value`.
  void MatchSuffixes(std::string_view value, std::vector<std::uint32_t>& targets) const;

  bool empty() const { return target_count_ == 0; }
  std::size_t MemoryUsage() const;

 private:
  struct Node {
    std::vector<std::pair<std::uint8_t, std::uint32_t>> children;  // sorted by byte
    std::vector<std::uint32_t> targets;
  };

  // A node of the frozen layout: its children and targets are runs of the flat arrays.
  struct FlatNode {
    std::uint32_t first_child = 0;
    std::uint32_t child_count = 0;
    std::uint32_t first_target = 0;
    std::uint32_t target_count = 0;
  };

  std::uint32_t Child(std::uint32_t node, std::uint8_t byte) const;      // 0 when absent
  std::uint32_t FlatChild(std::uint32_t node, std::uint8_t byte) const;  // 0 when absent
  std::uint32_t FindOrAddChild(std::uint32_t node, std::uint8_t byte);
  std::uint32_t Find(std::string_view key, bool reversed) const;
  void AppendTargets(std::uint32_t node, std::vector<std::uint32_t>& targets) const;
  void FreezeHashed();

  std::vector<Node> nodes_;  // nodes_[0] is the root; no child ever has index 0
  std::size_t target_count_ = 0;

  // Keys stored back to front (suffix keys) are kept forwards in by_length_.
  static constexpr std::size_t kMaxHashedLengths = 8;
  std::vector<std::size_t> key_lengths_;  // distinct, ascending; empty when walking the trie
  FlatTargetMap by_length_;
  bool reversed_keys_ = false;

  std::vector<FlatNode> flat_nodes_;  // breadth-first, so siblings are adjacent
  std::vector<std::uint8_t> flat_child_bytes_;
  std::vector<std::uint32_t> flat_children_;
  std::vector<std::uint32_t> flat_targets_;
};

}  // namespace rampart::pattern
