// The field paths that rules name, as a trie of member names. The event reader walks it
// beside the event and skips every member that no rule names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rampart::pattern {

using FieldId = std::uint32_t;
inline constexpr FieldId kNoField = UINT32_MAX;

class PathTrie {
 public:
  struct Child {
    std::string name;
    std::uint32_t node;
  };

  struct Node {
    FieldId field = kNoField;            // leaf values at this path are matched as this field
    std::uint32_t references = 0;        // Acquire calls for this path and paths below it
    std::uint32_t field_references = 0;  // Acquire calls for exactly this path
    std::vector<Child> children;
    // Built when a node has many children; maps a member name to its index in `children`.
    std::unordered_map<std::string_view, std::uint32_t> by_name;
  };

  PathTrie();

  // Adds one reference to `path` and returns its field id (allocated on first use).
  FieldId Acquire(const std::vector<std::string>& path);
  // Drops one reference; the path's field id is freed when no reference remains.
  void Release(const std::vector<std::string>& path);

  const Node& node(std::uint32_t index) const { return nodes_[index]; }
  static constexpr std::uint32_t kRoot = 0;

  // Returns the child of `node` for member `name`, or kMissing; `position` receives the
  // child's index in the parent's `children`.
  static constexpr std::uint32_t kMissing = UINT32_MAX;
  std::uint32_t FindChild(std::uint32_t node, std::string_view name,
                          std::uint32_t* position = nullptr) const;

  // One past the largest field id in use: the size of per-field tables.
  std::size_t field_capacity() const { return next_field_; }

  std::size_t MemoryUsage() const;

 private:
  void AddChild(std::uint32_t parent, const std::string& name, std::uint32_t child);
  void RemoveChild(std::uint32_t parent, std::uint32_t child);
  void Reindex(Node& node);

  std::vector<Node> nodes_;
  std::vector<std::uint32_t> free_nodes_;
  std::vector<FieldId> free_fields_;
  FieldId next_field_ = 0;
};

}  // namespace rampart::pattern
