#include "pattern/path_trie.h"

#include <algorithm>

namespace rampart::pattern {
namespace {

// Nodes with more children than this get a hash index instead of a linear scan.
constexpr std::size_t kLinearScanChildren = 8;

}  // namespace

PathTrie::PathTrie() : nodes_(1) {}

std::uint32_t PathTrie::FindChild(std::uint32_t node, std::string_view name,
                                  std::uint32_t* position) const {
  const Node& parent = nodes_[node];
  std::uint32_t index = 0;
  if (!parent.by_name.empty()) {
    const auto it = parent.by_name.find(name);
    if (it == parent.by_name.end()) {
      return kMissing;
    }
    index = it->second;
  } else {
    while (index < parent.children.size() && parent.children[index].name != name) {
      ++index;
    }
    if (index == parent.children.size()) {
      return kMissing;
    }
  }
  if (position != nullptr) {
    *position = index;
  }
  return parent.children[index].node;
}

void PathTrie::Reindex(Node& node) {
  node.by_name.clear();
  if (node.children.size() <= kLinearScanChildren) {
    return;
  }
  for (std::uint32_t i = 0; i < node.children.size(); ++i) {
    node.by_name.emplace(node.children[i].name, i);
  }
}

void PathTrie::AddChild(std::uint32_t parent, const std::string& name, std::uint32_t child) {
  nodes_[parent].children.push_back({name, child});
  Reindex(nodes_[parent]);
}

void PathTrie::RemoveChild(std::uint32_t parent, std::uint32_t child) {
  auto& children = nodes_[parent].children;
  children.erase(std::find_if(children.begin(), children.end(),
                              [child](const Child& entry) { return entry.node == child; }));
  Reindex(nodes_[parent]);
}

FieldId PathTrie::Acquire(const std::vector<std::string>& path) {
  std::uint32_t node = kRoot;
  ++nodes_[node].references;
  for (const std::string& name : path) {
    std::uint32_t child = FindChild(node, name);
    if (child == kMissing) {
      if (free_nodes_.empty()) {
        child = static_cast<std::uint32_t>(nodes_.size());
        nodes_.emplace_back();
      } else {
        child = free_nodes_.back();
        free_nodes_.pop_back();
      }
      AddChild(node, name, child);
    }
    node = child;
    ++nodes_[node].references;
  }
  Node& leaf = nodes_[node];
  ++leaf.field_references;
  if (leaf.field == kNoField) {
    if (free_fields_.empty()) {
      leaf.field = next_field_++;
    } else {
      leaf.field = free_fields_.back();
      free_fields_.pop_back();
    }
  }
  return leaf.field;
}

void PathTrie::Release(const std::vector<std::string>& path) {
  std::vector<std::uint32_t> chain = {kRoot};
  for (const std::string& name : path) {
    chain.push_back(FindChild(chain.back(), name));
  }
  Node& leaf = nodes_[chain.back()];
  if (--leaf.field_references == 0) {
    free_fields_.push_back(leaf.field);
    leaf.field = kNoField;
  }
  for (std::size_t i = chain.size(); i-- > 0;) {
    Node& node = nodes_[chain[i]];
    --node.references;
    if (i > 0 && node.references == 0) {
      RemoveChild(chain[i - 1], chain[i]);
      node = Node();
      free_nodes_.push_back(chain[i]);
    }
  }
}

std::size_t PathTrie::MemoryUsage() const {
  std::size_t bytes = sizeof(*this) + nodes_.capacity() * sizeof(Node);
  for (const Node& node : nodes_) {
    bytes += node.children.capacity() * sizeof(Child) + node.by_name.size() * 48;
    for (const Child& child : node.children) {
      bytes += child.name.capacity();
    }
  }
  return bytes;
}

}  // namespace rampart::pattern
