#include "pattern/byte_trie.h"

#include <algorithm>

namespace rampart::pattern {

ByteTrie::ByteTrie() : nodes_(1) {}

std::uint32_t ByteTrie::Child(std::uint32_t node, std::uint8_t byte) const {
  const auto& children = nodes_[node].children;
  if (children.size() > 8) {
    const auto it =
        std::lower_bound(children.begin(), children.end(), byte,
                         [](const auto& entry, std::uint8_t b) { return entry.first < b; });
    return (it != children.end() && it->first == byte) ? it->second : 0;
  }
  for (const auto& [child_byte, child] : children) {
    if (child_byte == byte) {
      return child;
    }
    if (child_byte > byte) {
      break;
    }
  }
  return 0;
}

std::uint32_t ByteTrie::FindOrAddChild(std::uint32_t node, std::uint8_t byte) {
  auto& children = nodes_[node].children;
  auto it = std::lower_bound(children.begin(), children.end(), byte,
                             [](const auto& entry, std::uint8_t b) { return entry.first < b; });
  if (it != children.end() && it->first == byte) {
    return it->second;
  }
  const auto child = static_cast<std::uint32_t>(nodes_.size());
  children.insert(it, {byte, child});
  nodes_.emplace_back();  // invalidates `children`; not used after this line
  return child;
}

void ByteTrie::Insert(std::string_view key, std::uint32_t target, bool reversed) {
  std::uint32_t node = 0;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = reversed ? key[key.size() - 1 - i] : key[i];
    node = FindOrAddChild(node, static_cast<std::uint8_t>(c));
  }
  nodes_[node].targets.push_back(target);
  ++target_count_;
}

std::uint32_t ByteTrie::Find(std::string_view key, bool reversed) const {
  std::uint32_t node = 0;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = reversed ? key[key.size() - 1 - i] : key[i];
    node = Child(node, static_cast<std::uint8_t>(c));
    if (node == 0) {
      return 0;
    }
  }
  return node;
}

bool ByteTrie::Remove(std::string_view key, std::uint32_t target, bool reversed) {
  const std::uint32_t node = Find(key, reversed);
  if (node == 0 && !key.empty()) {
    return false;
  }
  auto& targets = nodes_[node].targets;
  const auto it = std::find(targets.begin(), targets.end(), target);
  if (it == targets.end()) {
    return false;
  }
  targets.erase(it);
  --target_count_;
  return true;
}

void ByteTrie::MatchPrefixes(std::string_view value, std::vector<std::uint32_t>& targets) const {
  std::uint32_t node = 0;
  std::size_t i = 0;
  while (true) {
    const auto& here = nodes_[node].targets;
    targets.insert(targets.end(), here.begin(), here.end());
    if (i == value.size()) {
      return;
    }
    node = Child(node, static_cast<std::uint8_t>(value[i++]));
    if (node == 0) {
      return;
    }
  }
}

void ByteTrie::MatchSuffixes(std::string_view value, std::vector<std::uint32_t>& targets) const {
  std::uint32_t node = 0;
  std::size_t i = value.size();
  while (true) {
    const auto& here = nodes_[node].targets;
    targets.insert(targets.end(), here.begin(), here.end());
    if (i == 0) {
      return;
    }
    node = Child(node, static_cast<std::uint8_t>(value[--i]));
    if (node == 0) {
      return;
    }
  }
}

std::size_t ByteTrie::MemoryUsage() const {
  std::size_t bytes = sizeof(*this) + nodes_.capacity() * sizeof(Node);
  for (const Node& node : nodes_) {
    bytes += node.children.capacity() * sizeof(node.children[0]) + node.targets.capacity() * 4;
  }
  return bytes;
}

}  // namespace rampart::pattern
