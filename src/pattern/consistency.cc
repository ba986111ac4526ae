#include "pattern/consistency.h"

#include <algorithm>

namespace rampart::pattern {
namespace {

// Keeps only masks that no other mask in `masks` contains.
void KeepMaximal(std::vector<std::uint64_t>& masks) {
  std::sort(masks.begin(), masks.end());
  masks.erase(std::unique(masks.begin(), masks.end()), masks.end());
  std::vector<std::uint64_t> kept;
  for (std::size_t i = 0; i < masks.size(); ++i) {
    bool covered = false;
    for (std::size_t j = 0; j < masks.size() && !covered; ++j) {
      covered = j != i && (masks[i] & masks[j]) == masks[i];
    }
    if (!covered) {
      kept.push_back(masks[i]);
    }
  }
  masks.swap(kept);
}

// Adds `mask` to `masks` unless a mask there contains it, dropping masks it contains.
void AddMaximal(std::vector<std::uint64_t>& masks, std::uint64_t mask) {
  for (const std::uint64_t have : masks) {
    if ((have & mask) == mask) {
      return;
    }
  }
  std::erase_if(masks, [mask](std::uint64_t have) { return (have & mask) == have; });
  masks.push_back(mask);
}

// Marks `chain` and its ancestors as involved, creating their states on first touch.
ConsistencyScratch::NodeState& Touch(const std::vector<ChainNode>& chains, std::uint32_t chain,
                                     ConsistencyScratch& scratch) {
  std::uint32_t node = chain;
  while (scratch.stamp[node] != scratch.current) {
    scratch.stamp[node] = scratch.current;
    scratch.nodes[node] = ConsistencyScratch::NodeState();
    scratch.relevant.push_back(node);
    if (node == 0) {
      break;
    }
    node = chains[node].parent;
  }
  return scratch.nodes[chain];
}

// Computes the condition sets that `node`'s subtree can provide with every missing-field
// value in it hidden, into scratch.combined.
void CombineNode(const ConsistencyScratch::NodeState& state, ConsistencyScratch& scratch) {
  scratch.combined.clear();
  if (state.absent_here) {
    return;  // such a value shares every element with anything chosen below it
  }
  scratch.combined.push_back(state.base);
  for (const ConsistencyScratch::Group& group : state.groups) {
    scratch.next.clear();
    for (const std::uint64_t have : scratch.combined) {
      for (const std::uint64_t add : group.masks) {
        scratch.next.push_back(have | add);
      }
      if (!group.has_absent) {
        scratch.next.push_back(have);  // choosing no element leaves the array's values visible
      }
    }
    KeepMaximal(scratch.next);
    scratch.combined.swap(scratch.next);
    if (scratch.combined.empty()) {
      return;
    }
  }
}

}  // namespace

bool ConsistentChoiceExists(const std::vector<ChainNode>& chains,
                            std::span<const Witness> witnesses,
                            std::span<const std::uint32_t> absent_chains, std::uint64_t full_mask,
                            ConsistencyScratch& scratch) {
  if (scratch.stamp.size() < chains.size()) {
    scratch.stamp.resize(chains.size(), 0);
    scratch.nodes.resize(chains.size());
  }
  if (++scratch.current == 0) {
    std::fill(scratch.stamp.begin(), scratch.stamp.end(), 0);
    scratch.current = 1;
  }
  scratch.relevant.clear();
  Touch(chains, 0, scratch);
  for (const Witness& witness : witnesses) {
    Touch(chains, witness.chain, scratch).base |= witness.bit;
  }
  for (const std::uint32_t chain : absent_chains) {
    ConsistencyScratch::NodeState& state = Touch(chains, chain, scratch);
    state.absent_here = true;
    state.absent_below = true;
  }

  // Children always have larger chain numbers than their parents.
  std::sort(scratch.relevant.begin(), scratch.relevant.end(), std::greater<>());
  for (const std::uint32_t node : scratch.relevant) {
    CombineNode(scratch.nodes[node], scratch);
    if (node == 0) {
      return std::any_of(scratch.combined.begin(), scratch.combined.end(),
                         [full_mask](std::uint64_t mask) { return mask == full_mask; });
    }
    ConsistencyScratch::NodeState& parent = scratch.nodes[chains[node].parent];
    parent.absent_below = parent.absent_below || scratch.nodes[node].absent_below;
    auto group = std::find_if(parent.groups.begin(), parent.groups.end(),
                              [&](const auto& entry) { return entry.array == chains[node].array; });
    if (group == parent.groups.end()) {
      parent.groups.push_back({chains[node].array, false, {}});
      group = parent.groups.end() - 1;
    }
    group->has_absent = group->has_absent || scratch.nodes[node].absent_below;
    for (const std::uint64_t mask : scratch.combined) {
      if (mask != 0) {
        AddMaximal(group->masks, mask);
      }
    }
  }
  return false;
}

}  // namespace rampart::pattern
