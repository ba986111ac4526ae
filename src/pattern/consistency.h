// Array consistency: whether the conditions of one alternative can be met by values that
// never come from two different elements of the same array.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "pattern/event_reader.h"

namespace rampart::pattern {

// A value that satisfies positive condition number `bit` of an alternative.
struct Witness {
  std::uint32_t chain = 0;
  std::uint64_t bit = 0;
};

// Reusable buffers for ConsistentChoiceExists; one per thread.
struct ConsistencyScratch {
  struct Group {
    std::uint32_t array = 0;
    bool has_absent = false;
    std::vector<std::uint64_t> masks;  // non-empty masks that one element can provide
  };
  struct NodeState {
    std::uint64_t base = 0;  // conditions met by values at exactly this chain
    bool absent_here = false;
    bool absent_below = false;
    std::vector<Group> groups;  // one per array directly below this chain
  };
  std::vector<std::uint32_t> stamp;
  std::uint32_t current = 0;
  std::vector<NodeState> nodes;
  std::vector<std::uint32_t> relevant;
  std::vector<std::uint64_t> combined;
  std::vector<std::uint64_t> next;
};

// Returns whether one witness per condition (all bits of `full_mask`) can be chosen so that
// any two chosen witnesses lie in the same element of every array they share. Values in
// `absent_chains` belong to fields the alternative requires to be missing, and each must be
// hidden: it must lie in another element than the chosen witnesses of some array they share.
//
// It runs bottom-up over the tree of array elements. A node combines the witnesses at its
// own chain with, for each array below it, the conditions that a single element can provide.
// Time is linear in the number of chain nodes involved times the number of distinct
// condition sets per node, which is small for alternatives of a few conditions.
bool ConsistentChoiceExists(const std::vector<ChainNode>& chains,
                            std::span<const Witness> witnesses,
                            std::span<const std::uint32_t> absent_chains, std::uint64_t full_mask,
                            ConsistencyScratch& scratch);

}  // namespace rampart::pattern
