#include "pattern/byte_trie.h"

#include <algorithm>
#include <string>
#include <unordered_map>

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
  reversed_keys_ = reversed;
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

void ByteTrie::Freeze() {
  flat_nodes_.assign(1, FlatNode());
  flat_child_bytes_.clear();
  flat_children_.clear();
  flat_targets_.clear();
  key_lengths_.clear();
  by_length_ = FlatTargetMap();
  if (target_count_ == 0) {
    return;
  }
  FreezeHashed();
  if (!key_lengths_.empty()) {
    return;
  }

  // Breadth-first: `order` lists trie nodes in flat order; flat node i is nodes_[order[i]].
  std::vector<std::uint32_t> order = {0};
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Node& node = nodes_[order[i]];
    FlatNode& flat = flat_nodes_[i];
    flat.first_target = static_cast<std::uint32_t>(flat_targets_.size());
    flat.target_count = static_cast<std::uint32_t>(node.targets.size());
    flat_targets_.insert(flat_targets_.end(), node.targets.begin(), node.targets.end());
    flat.first_child = static_cast<std::uint32_t>(flat_children_.size());
    flat.child_count = static_cast<std::uint32_t>(node.children.size());
    for (const auto& [byte, child] : node.children) {
      flat_child_bytes_.push_back(byte);
      flat_children_.push_back(static_cast<std::uint32_t>(order.size()));
      order.push_back(child);
      flat_nodes_.emplace_back();  // may move `flat`, which is not used after this loop
    }
  }
}

// Collects every key with targets by a depth-first walk; uses the hash table when the keys
// have at most kMaxHashedLengths distinct lengths.
void ByteTrie::FreezeHashed() {
  std::unordered_map<std::string, std::vector<std::uint32_t>> keys;
  std::vector<std::pair<std::uint32_t, std::string>> stack = {{0, ""}};
  std::vector<std::size_t> lengths;
  while (!stack.empty()) {
    auto [node, key] = std::move(stack.back());
    stack.pop_back();
    if (!nodes_[node].targets.empty()) {
      if (std::find(lengths.begin(), lengths.end(), key.size()) == lengths.end()) {
        lengths.push_back(key.size());
        if (lengths.size() > kMaxHashedLengths) {
          return;
        }
      }
      std::string forwards = reversed_keys_ ? std::string(key.rbegin(), key.rend()) : key;
      keys[forwards] = nodes_[node].targets;
    }
    for (const auto& [byte, child] : nodes_[node].children) {
      stack.emplace_back(child, key + static_cast<char>(byte));
    }
  }
  std::sort(lengths.begin(), lengths.end());
  key_lengths_ = std::move(lengths);
  by_length_.Build(keys);
}

std::uint32_t ByteTrie::FlatChild(std::uint32_t node, std::uint8_t byte) const {
  const FlatNode& flat = flat_nodes_[node];
  const std::uint8_t* begin = flat_child_bytes_.data() + flat.first_child;
  const std::uint8_t* end = begin + flat.child_count;
  const std::uint8_t* it =
      flat.child_count > 8 ? std::lower_bound(begin, end, byte) : std::find(begin, end, byte);
  if (it == end || *it != byte) {
    return 0;
  }
  return flat_children_[flat.first_child + (it - begin)];
}

void ByteTrie::AppendTargets(std::uint32_t node, std::vector<std::uint32_t>& targets) const {
  const FlatNode& flat = flat_nodes_[node];
  targets.insert(targets.end(), flat_targets_.begin() + flat.first_target,
                 flat_targets_.begin() + flat.first_target + flat.target_count);
}

void ByteTrie::MatchPrefixes(std::string_view value, std::vector<std::uint32_t>& targets) const {
  if (!key_lengths_.empty()) {
    for (const std::size_t length : key_lengths_) {
      if (length > value.size()) {
        return;
      }
      by_length_.Find(value.substr(0, length), targets);
    }
    return;
  }
  if (flat_targets_.empty()) {
    return;
  }
  std::uint32_t node = 0;
  for (std::size_t i = 0;; ++i) {
    AppendTargets(node, targets);
    if (i == value.size()) {
      return;
    }
    node = FlatChild(node, static_cast<std::uint8_t>(value[i]));
    if (node == 0) {
      return;
    }
  }
}

void ByteTrie::MatchSuffixes(std::string_view value, std::vector<std::uint32_t>& targets) const {
  if (!key_lengths_.empty()) {
    for (const std::size_t length : key_lengths_) {
      if (length > value.size()) {
        return;
      }
      by_length_.Find(value.substr(value.size() - length), targets);
    }
    return;
  }
  if (flat_targets_.empty()) {
    return;
  }
  std::uint32_t node = 0;
  for (std::size_t i = value.size();; --i) {
    AppendTargets(node, targets);
    if (i == 0) {
      return;
    }
    node = FlatChild(node, static_cast<std::uint8_t>(value[i - 1]));
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
  bytes += by_length_.MemoryUsage() + flat_nodes_.capacity() * sizeof(FlatNode) +
           flat_child_bytes_.capacity() +
           (flat_children_.capacity() + flat_targets_.capacity()) * 4;
  return bytes;
}

}  // namespace rampart::pattern
