// A byte trie whose nodes carry targets, for prefix and suffix matching of many keys at once:
// one walk over the value finds every key that is a prefix (or, read backwards, a suffix).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace rampart::pattern {

class ByteTrie {
 public:
  ByteTrie();

  // Adds `target` under `key`; with `reversed`, the key is stored back to front, for suffixes.
  void Insert(std::string_view key, std::uint32_t target, bool reversed = false);
  // Removes one `target` under `key`; returns false when it was not there.
  bool Remove(std::string_view key, std::uint32_t target, bool reversed = false);

  // Appends the targets of every key that is a prefix of `value` (an empty key included).
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

  std::uint32_t Child(std::uint32_t node, std::uint8_t byte) const;  // 0 when absent
  std::uint32_t FindOrAddChild(std::uint32_t node, std::uint8_t byte);
  std::uint32_t Find(std::string_view key, bool reversed) const;

  std::vector<Node> nodes_;  // nodes_[0] is the root; no child ever has index 0
  std::size_t target_count_ = 0;
};

}  // namespace rampart::pattern
