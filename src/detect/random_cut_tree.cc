#include "detect/random_cut_tree.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

// GCC builds an AVX2 copy of the marked functions beside the baseline one and picks one
// when the program loads, so the binary still runs on any x86-64. ThreadSanitizer builds go
// without: the loader runs the picking function before the sanitizer's runtime is ready, and
// the program crashes at start.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define RAMPART_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RAMPART_VECTOR_CLONES
#endif

namespace rampart::detect {
namespace {

bool SamePoint(const float* a, const float* b, std::size_t dimensions) {
  for (std::size_t d = 0; d < dimensions; ++d) {
    if (a[d] != b[d]) {
      return false;
    }
  }
  return true;
}

// The score of a point separated from a subtree at `depth`, or seen at a leaf there.
// 1 / (depth + 1) for the depths a tree of up to 2,048 points can have, so that a climb does
// not divide twice per level. A division at compile time rounds as one at run time does.
constexpr std::size_t kInverseDepths = 2048;
constexpr auto kInverseDepth = [] {
  std::array<double, kInverseDepths> inverse{};
  for (std::size_t depth = 0; depth < kInverseDepths; ++depth) {
    inverse[depth] = 1.0 / (static_cast<double>(depth) + 1.0);
  }
  return inverse;
}();

double ScoreUnseen(int depth) {
  const auto index = static_cast<std::size_t>(depth);
  return index < kInverseDepths ? kInverseDepth[index] : 1.0 / (depth + 1.0);
}

double ScoreSeen(int depth, double mass) { return 1.0 / (depth + std::log2(mass + 1.0)); }

// A sampled point's score is damped by how much of the tree its duplicates make up.
double Damp(double leaf_mass, double tree_mass) { return 1.0 - leaf_mass / (2.0 * tree_mass); }

using Lanes = float __attribute__((vector_size(32)));
using HalfLanes = float __attribute__((vector_size(16)));

// The helpers below are always inlined, so no call passes a 32-byte vector and the ABI
// warning about such calls does not apply.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
[[gnu::always_inline]] inline Lanes LoadLanes(const float* values) {
  Lanes lanes;
  std::memcpy(&lanes, values, sizeof(lanes));
  return lanes;
}

// Adds the eight lanes pairwise, (0 + 4) + (2 + 6) + ((1 + 5) + (3 + 7)), the same order in
// every clone.
[[gnu::always_inline]] inline float SumLanes(Lanes lanes) {
  const HalfLanes half = __builtin_shufflevector(lanes, lanes, 0, 1, 2, 3) +
                         __builtin_shufflevector(lanes, lanes, 4, 5, 6, 7);
  return (half[0] + half[2]) + (half[1] + half[3]);
}

// Returns how far `point` lies outside the box [low, high], summed over dimensions. A random
// cut of the box extended to the point separates the two with probability
// extension / (span + extension), where span is the sum of the box's ranges.
//
// The sums run in single precision in eight lanes, which the compiler turns into vector
// instructions. Inside the AVX2 clone of a caller, one instruction covers eight dimensions.
[[gnu::always_inline]] inline double Extension(const float* point, const float* low,
                                               const float* high, std::size_t dimensions) {
  const Lanes zero = {};
  Lanes extension = {};
  std::size_t d = 0;
  for (; d + 8 <= dimensions; d += 8) {
    const Lanes value = LoadLanes(point + d);
    const Lanes above = value - LoadLanes(high + d);
    const Lanes below = LoadLanes(low + d) - value;
    // At most one of the two is positive, because low <= high, so the larger of them
    // clipped at zero equals the sum of both clipped.
    const Lanes outside = above > below ? above : below;
    extension += outside > zero ? outside : zero;
  }
  for (; d < dimensions; ++d) {
    extension[0] += std::max(point[d] - high[d], 0.0F) + std::max(low[d] - point[d], 0.0F);
  }
  return SumLanes(extension);
}

// Returns the sum of the ranges of the box [low, high], in the lanes of Extension.
float Span(const float* low, const float* high, std::size_t dimensions) {
  Lanes span = {};
  std::size_t d = 0;
  for (; d + 8 <= dimensions; d += 8) {
    span += LoadLanes(high + d) - LoadLanes(low + d);
  }
  for (; d < dimensions; ++d) {
    span[0] += high[d] - low[d];
  }
  return SumLanes(span);
}
#pragma GCC diagnostic pop

double Probability(double extension, float span) {
  return extension == 0.0 ? 0.0 : extension / (span + extension);
}

}  // namespace

RandomCutTree::RandomCutTree(std::size_t dimensions, std::size_t capacity)
    : dimensions_(dimensions), capacity_(capacity) {
  const std::size_t nodes = 2 * capacity;
  nodes_.assign(nodes, Node{});
  boxes_.assign(capacity * 2 * dimensions, 0.0F);
  points_.assign(capacity * dimensions, 0.0F);
  for (std::size_t i = nodes; i > 0; --i) {
    free_nodes_.push_back(static_cast<std::int32_t>(i - 1));
  }
  for (std::size_t i = capacity; i > 0; --i) {
    free_slots_.push_back(static_cast<std::int32_t>(i - 1));
    free_boxes_.push_back(static_cast<std::int32_t>(i - 1));
  }
  merged_min_.resize(dimensions);
  merged_max_.resize(dimensions);
}

const float* RandomCutTree::MinOf(std::int32_t node) const {
  return IsLeaf(node) ? PointOf(node) : BoxLow(node);
}

const float* RandomCutTree::MaxOf(std::int32_t node) const {
  return IsLeaf(node) ? PointOf(node) : BoxHigh(node);
}

std::int32_t RandomCutTree::NewNode() {
  const std::int32_t node = free_nodes_.back();
  free_nodes_.pop_back();
  nodes_[node] = Node{};
  return node;
}

std::int32_t RandomCutTree::NewLeaf(const float* point, std::int32_t parent) {
  const std::int32_t leaf = NewNode();
  const std::int32_t slot = free_slots_.back();
  free_slots_.pop_back();
  std::memcpy(points_.data() + static_cast<std::size_t>(slot) * dimensions_, point,
              dimensions_ * sizeof(float));
  nodes_[leaf].slot = slot;
  nodes_[leaf].parent = parent;
  nodes_[leaf].mass = 1;
  return leaf;
}

std::int32_t RandomCutTree::NewBranch() {
  const std::int32_t branch = NewNode();
  nodes_[branch].slot = free_boxes_.back();
  free_boxes_.pop_back();
  return branch;
}

// Frees `node` and its point slot (a leaf) or box slot (an internal node).
void RandomCutTree::FreeNode(std::int32_t node) {
  if (nodes_[node].slot != kNone) {
    (IsLeaf(node) ? free_slots_ : free_boxes_).push_back(nodes_[node].slot);
    nodes_[node].slot = kNone;
  }
  free_nodes_.push_back(node);
}

void RandomCutTree::ReplaceChild(std::int32_t parent, std::int32_t old_child,
                                 std::int32_t new_child) {
  if (parent == kNone) {
    root_ = new_child;
  } else if (nodes_[parent].left == old_child) {
    nodes_[parent].left = new_child;
  } else {
    nodes_[parent].right = new_child;
  }
  if (new_child != kNone) {
    nodes_[new_child].parent = parent;
  }
}

void RandomCutTree::SetBoxFromChildren(std::int32_t node) {
  const Node& branch = nodes_[node];
  const float* left_min = MinOf(branch.left);
  const float* left_max = MaxOf(branch.left);
  const float* right_min = MinOf(branch.right);
  const float* right_max = MaxOf(branch.right);
  float* box_min = BoxLow(node);
  float* box_max = BoxHigh(node);
  for (std::size_t d = 0; d < dimensions_; ++d) {
    box_min[d] = std::min(left_min[d], right_min[d]);
    box_max[d] = std::max(left_max[d], right_max[d]);
  }
  SetSpan(node);
}

void RandomCutTree::SetSpan(std::int32_t node) {
  nodes_[node].span = Span(BoxLow(node), BoxHigh(node), dimensions_);
}

void RandomCutTree::DrawCut(const float* low, const float* high, RandomEngine& engine,
                            std::int32_t& dimension, float& value) const {
  double total = 0.0;
  for (std::size_t d = 0; d < dimensions_; ++d) {
    total += static_cast<double>(high[d]) - low[d];
  }
  double remaining = UniformUnit(engine) * total;
  std::size_t last_positive = 0;
  for (std::size_t d = 0; d < dimensions_; ++d) {
    const double range = static_cast<double>(high[d]) - low[d];
    if (range <= 0.0) {
      continue;
    }
    last_positive = d;
    if (remaining < range) {
      dimension = static_cast<std::int32_t>(d);
      value = static_cast<float>(low[d] + remaining);
      if (value >= high[d]) {  // rounding reached the top, which would cut nothing off
        value = low[d];
      }
      return;
    }
    remaining -= range;
  }
  // Rounding left `remaining` past the last range: cut the last dimension that has one.
  dimension = static_cast<std::int32_t>(last_positive);
  value = low[last_positive];
}

std::int32_t RandomCutTree::InsertPoint(const float* point, RandomEngine& engine) {
  if (root_ == kNone) {
    root_ = NewLeaf(point, kNone);
    return root_;
  }
  std::int32_t node = root_;
  while (true) {
    if (IsLeaf(node) && SamePoint(point, PointOf(node), dimensions_)) {
      ++nodes_[node].mass;  // the ancestors' masses grew on the way down
      return node;
    }
    const float* node_min = MinOf(node);
    const float* node_max = MaxOf(node);
    for (std::size_t d = 0; d < dimensions_; ++d) {
      merged_min_[d] = std::min(node_min[d], point[d]);
      merged_max_[d] = std::max(node_max[d], point[d]);
    }
    std::int32_t dimension = 0;
    float value = 0.0F;
    DrawCut(merged_min_.data(), merged_max_.data(), engine, dimension, value);

    const bool separates =
        IsLeaf(node) || value < node_min[dimension] || value >= node_max[dimension];
    if (separates) {
      // A new internal node takes `node`'s place, with the new leaf on one side.
      const std::int32_t parent = nodes_[node].parent;
      const std::int32_t branch = NewBranch();
      const std::int32_t leaf = NewLeaf(point, branch);
      const bool point_left = point[dimension] <= value;
      nodes_[branch].cut_dimension = dimension;
      nodes_[branch].cut_value = value;
      nodes_[branch].left = point_left ? leaf : node;
      nodes_[branch].right = point_left ? node : leaf;
      ReplaceChild(parent, node, branch);
      nodes_[node].parent = branch;
      nodes_[branch].mass = nodes_[node].mass + 1;
      std::copy(merged_min_.begin(), merged_min_.end(), BoxLow(branch));
      std::copy(merged_max_.begin(), merged_max_.end(), BoxHigh(branch));
      SetSpan(branch);
      return leaf;
    }
    // The cut falls inside the node's box, so the point joins this subtree.
    std::copy(merged_min_.begin(), merged_min_.end(), BoxLow(node));
    std::copy(merged_max_.begin(), merged_max_.end(), BoxHigh(node));
    SetSpan(node);
    Node& inside = nodes_[node];
    ++inside.mass;
    node = point[inside.cut_dimension] <= inside.cut_value ? inside.left : inside.right;
  }
}

void RandomCutTree::DeletePoint(std::int32_t leaf) {
  for (std::int32_t up = leaf; up != kNone; up = nodes_[up].parent) {
    --nodes_[up].mass;
  }
  if (nodes_[leaf].mass > 0) {
    return;
  }
  const std::int32_t parent = nodes_[leaf].parent;
  FreeNode(leaf);
  if (parent == kNone) {
    root_ = kNone;
    return;
  }
  const Node& branch = nodes_[parent];
  const std::int32_t sibling = branch.left == leaf ? branch.right : branch.left;
  const std::int32_t grandparent = branch.parent;
  ReplaceChild(grandparent, parent, sibling);
  FreeNode(parent);
  for (std::int32_t up = grandparent; up != kNone; up = nodes_[up].parent) {
    SetBoxFromChildren(up);
  }
}

RandomCutTree::Descent RandomCutTree::Descend(const float* point) const {
  Descent descent{root_, 0};
  if (root_ == kNone) {
    return descent;
  }
  while (!IsLeaf(descent.leaf)) {
    PrefetchBox(descent.leaf);
    const Node& branch = nodes_[descent.leaf];
    descent.leaf = point[branch.cut_dimension] <= branch.cut_value ? branch.left : branch.right;
    ++descent.depth;
  }
  __builtin_prefetch(PointOf(descent.leaf));  // the climb starts by comparing the point with it
  return descent;
}

void RandomCutTree::DescendAll(const float* points, std::size_t count, Descent* descents) const {
  for (std::size_t i = 0; i < count; ++i) {
    descents[i] = Descent{root_, 0};
  }
  if (root_ == kNone) {
    return;
  }
  // Every step is a select without a branch: which side a point takes is as good as
  // random, and so is the level where it reaches its leaf, so branches on either would be
  // mispredicted often. A point at its leaf stays there while the others go on.
  std::int32_t moved = -1;
  while (moved != 0) {
    moved = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const std::int32_t node = descents[i].leaf;
      const Node& branch = nodes_[node];
      const std::int32_t internal = -static_cast<std::int32_t>(branch.left != kNone);
      const auto dimension = static_cast<std::size_t>(branch.cut_dimension & internal);
      const float value = points[i * dimensions_ + dimension];
      const std::int32_t right = -static_cast<std::int32_t>(!(value <= branch.cut_value));
      const std::int32_t child = branch.left ^ ((branch.left ^ branch.right) & right);
      descents[i].leaf = node ^ ((node ^ child) & internal);
      descents[i].depth += internal & 1;
      moved |= internal;
    }
  }
}

double RandomCutTree::SeparationProbability(const float* point, std::int32_t node) const {
  return Probability(Extension(point, BoxLow(node), BoxHigh(node), dimensions_), nodes_[node].span);
}

// Cloned for AVX2 with the box sums inlined: a call per box cost as much as its sums.
RAMPART_VECTOR_CLONES
void RandomCutTree::ClimbAll(const float* points, std::size_t count, const Descent* descents,
                             double* scores) const {
  std::int32_t node[kMaxGroup];
  int depth[kMaxGroup];
  double score[kMaxGroup];
  std::size_t active[kMaxGroup];
  std::size_t live = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::int32_t leaf = descents[i].leaf;
    if (leaf == kNone) {
      scores[i] += 0.0;
      continue;
    }
    score[i] = LeafScore(points + i * dimensions_, leaf, descents[i].depth);
    node[i] = nodes_[leaf].parent;
    depth[i] = descents[i].depth - 1;
    active[live++] = i;
  }
  while (live > 0) {
    std::size_t climbing = 0;
    for (std::size_t k = 0; k < live; ++k) {
      const std::size_t i = active[k];
      const double extension =
          node[i] == kNone
              ? 0.0
              : Extension(points + i * dimensions_, BoxLow(node[i]), BoxHigh(node[i]), dimensions_);
      if (extension == 0.0) {
        // At the root, or inside this box and so inside every box above it too.
        scores[i] += score[i] * normalizer_;
        continue;
      }
      const double probability = extension / (nodes_[node[i]].span + extension);
      score[i] = (1.0 - probability) * score[i] + probability * ScoreUnseen(depth[i]);
      node[i] = nodes_[node[i]].parent;
      --depth[i];
      active[climbing++] = i;
    }
    live = climbing;
  }
}

// The score at the leaf where a descent ended, before the climb mixes in the boxes above.
double RandomCutTree::LeafScore(const float* point, std::int32_t leaf, int depth) const {
  if (SamePoint(point, PointOf(leaf), dimensions_)) {
    const double tree_mass = nodes_[root_].mass;
    return Damp(nodes_[leaf].mass, tree_mass) * ScoreSeen(depth, nodes_[leaf].mass);
  }
  return ScoreUnseen(depth);
}

Attribution RandomCutTree::Attribute(const float* point) const {
  Attribution result;
  result.high.assign(dimensions_, 0.0);
  result.low.assign(dimensions_, 0.0);
  if (root_ == kNone) {
    return result;
  }
  const double tree_mass = nodes_[root_].mass;
  const Descent descent = Descend(point);
  int depth = descent.depth;
  std::int32_t node = descent.leaf;
  const float* leaf_point = PointOf(node);
  if (SamePoint(point, leaf_point, dimensions_)) {
    // Nothing sets the point apart, so the score is shared evenly.
    const double score = Damp(nodes_[node].mass, tree_mass) * ScoreSeen(depth, nodes_[node].mass);
    const double share = score / (2.0 * static_cast<double>(dimensions_));
    std::fill(result.high.begin(), result.high.end(), share);
    std::fill(result.low.begin(), result.low.end(), share);
  } else {
    double distance = 0.0;
    for (std::size_t d = 0; d < dimensions_; ++d) {
      distance += std::abs(static_cast<double>(point[d]) - leaf_point[d]);
    }
    const double score = ScoreUnseen(depth);
    for (std::size_t d = 0; d < dimensions_; ++d) {
      const double gap = static_cast<double>(point[d]) - leaf_point[d];
      (gap > 0.0 ? result.high : result.low)[d] = score * std::abs(gap) / distance;
    }
  }
  for (node = nodes_[node].parent, --depth; node != kNone; node = nodes_[node].parent, --depth) {
    const double probability = SeparationProbability(point, node);
    if (probability == 0.0) {
      break;
    }
    const float* low = BoxLow(node);
    const float* high = BoxHigh(node);
    // The score gains probability * ScoreUnseen(depth) here. Each dimension gets a share
    // in proportion to how far the point lies outside the box in it.
    double extension = 0.0;
    for (std::size_t d = 0; d < dimensions_; ++d) {
      const double value = point[d];
      extension += std::max(value - high[d], 0.0) + std::max(low[d] - value, 0.0);
    }
    const double unseen = probability * ScoreUnseen(depth) / extension;
    for (std::size_t d = 0; d < dimensions_; ++d) {
      const double value = point[d];
      result.high[d] =
          (1.0 - probability) * result.high[d] + unseen * std::max(value - high[d], 0.0);
      result.low[d] = (1.0 - probability) * result.low[d] + unseen * std::max(low[d] - value, 0.0);
    }
  }
  const double normalizer = std::log2(tree_mass + 1.0);
  for (std::size_t d = 0; d < dimensions_; ++d) {
    result.high[d] *= normalizer;
    result.low[d] *= normalizer;
    result.score += result.high[d] + result.low[d];
  }
  return result;
}

}  // namespace rampart::detect

namespace rampart::detect {

void RandomCutTree::Encode(ByteWriter& writer) const {
  writer.PutI32(root_);
  for (const Node& node : nodes_) {
    writer.PutI32(node.parent);
    writer.PutI32(node.left);
    writer.PutI32(node.right);
    writer.PutI32(node.mass);
    writer.PutI32(node.cut_dimension);
    writer.PutF32(node.cut_value);
    // Box slots are not part of the model: Decode assigns them while rebuilding the boxes.
    writer.PutI32(node.left == kNone ? node.slot : kNone);
  }
  for (float value : points_) {
    writer.PutF32(value);
  }
  writer.PutU32(static_cast<std::uint32_t>(free_nodes_.size()));
  for (std::int32_t node : free_nodes_) {
    writer.PutI32(node);
  }
  writer.PutU32(static_cast<std::uint32_t>(free_slots_.size()));
  for (std::int32_t slot : free_slots_) {
    writer.PutI32(slot);
  }
}

bool RandomCutTree::Decode(ByteReader& reader) {
  const std::size_t nodes = nodes_.size();
  reader.GetI32(root_);
  for (Node& node : nodes_) {
    reader.GetI32(node.parent);
    reader.GetI32(node.left);
    reader.GetI32(node.right);
    reader.GetI32(node.mass);
    reader.GetI32(node.cut_dimension);
    reader.GetF32(node.cut_value);
    reader.GetI32(node.slot);
  }
  for (float& value : points_) {
    reader.GetF32(value);
  }
  // The forest clamps what it inserts to +-kMaxValue; a larger or non-finite value makes
  // spans overflow, and scores infinite or NaN.
  const auto in_range = [](float value) { return std::abs(value) <= kMaxValue; };
  if (!std::all_of(points_.begin(), points_.end(), in_range) ||
      !std::all_of(nodes_.begin(), nodes_.end(),
                   [&](const Node& node) { return in_range(node.cut_value); })) {
    return false;
  }
  std::uint32_t count = 0;
  if (!reader.GetU32(count) || count > nodes) {
    return false;
  }
  free_nodes_.resize(count);
  for (std::int32_t& node : free_nodes_) {
    reader.GetI32(node);
  }
  if (!reader.GetU32(count) || count > capacity_) {
    return false;
  }
  free_slots_.resize(count);
  for (std::int32_t& slot : free_slots_) {
    reader.GetI32(slot);
  }
  free_boxes_.clear();
  for (std::size_t i = capacity_; i > 0; --i) {
    free_boxes_.push_back(static_cast<std::int32_t>(i - 1));
  }
  if (!reader.ok() || !ValidateStructure() || (root_ != kNone && !RecomputeBoxes(root_, 0))) {
    return false;
  }
  normalizer_ = std::log2(static_cast<double>(mass()) + 1.0);
  return true;
}

// Checks that the arrays form one tree: every index in range, each node reached once from
// the root, parents matching, masses adding up, and free lists naming exactly the unused
// nodes and point slots. Decode runs it so that a malformed file cannot send Insert or
// Score out of bounds.
bool RandomCutTree::ValidateStructure() const {
  const auto nodes = static_cast<std::int32_t>(nodes_.size());
  const auto slots = static_cast<std::int32_t>(capacity_);
  std::vector<char> node_used(nodes_.size(), 0);
  std::vector<char> slot_used(capacity_, 0);
  std::vector<std::int32_t> stack;
  if (root_ != kNone) {
    if (root_ < 0 || root_ >= nodes || nodes_[root_].parent != kNone) {
      return false;
    }
    stack.push_back(root_);
  }
  while (!stack.empty()) {
    const std::int32_t node = stack.back();
    stack.pop_back();
    const Node& current = nodes_[node];
    if (node_used[node] != 0 || current.mass < 1) {
      return false;
    }
    node_used[node] = 1;
    if (current.left == kNone) {
      const std::int32_t slot = current.slot;
      if (current.right != kNone || slot < 0 || slot >= slots || slot_used[slot] != 0) {
        return false;
      }
      slot_used[slot] = 1;
      continue;
    }
    const std::int32_t children[2] = {current.left, current.right};
    std::int32_t child_mass = 0;
    for (std::int32_t child : children) {
      if (child < 0 || child >= nodes || nodes_[child].parent != node || nodes_[child].mass < 1) {
        return false;
      }
      child_mass += nodes_[child].mass;
      stack.push_back(child);
    }
    if (child_mass != current.mass || current.cut_dimension < 0 ||
        static_cast<std::size_t>(current.cut_dimension) >= dimensions_ || current.slot != kNone) {
      return false;
    }
  }
  for (std::int32_t node : free_nodes_) {
    if (node < 0 || node >= nodes || node_used[node] != 0) {
      return false;
    }
    node_used[node] = 1;
  }
  for (std::int32_t slot : free_slots_) {
    if (slot < 0 || slot >= slots || slot_used[slot] != 0) {
      return false;
    }
    slot_used[slot] = 1;
  }
  return std::all_of(node_used.begin(), node_used.end(), [](char used) { return used != 0; }) &&
         std::all_of(slot_used.begin(), slot_used.end(), [](char used) { return used != 0; });
}

bool RandomCutTree::RecomputeBoxes(std::int32_t node, int depth) {
  if (IsLeaf(node)) {
    return true;
  }
  if (depth > static_cast<int>(nodes_.size()) || free_boxes_.empty()) {
    return false;
  }
  nodes_[node].slot = free_boxes_.back();
  free_boxes_.pop_back();
  if (!RecomputeBoxes(nodes_[node].left, depth + 1) ||
      !RecomputeBoxes(nodes_[node].right, depth + 1)) {
    return false;
  }
  SetBoxFromChildren(node);
  return true;
}

}  // namespace rampart::detect

namespace rampart::detect {

bool RandomCutTree::MatchesSample(const std::vector<std::int32_t>& leaves) const {
  if (leaves.size() != mass()) {
    return false;
  }
  std::vector<std::int32_t> counts(nodes_.size(), 0);
  for (std::int32_t leaf : leaves) {
    if (leaf < 0 || static_cast<std::size_t>(leaf) >= nodes_.size() || !IsLeaf(leaf) ||
        nodes_[leaf].slot == kNone) {
      return false;
    }
    ++counts[leaf];
  }
  for (std::int32_t leaf : leaves) {
    if (counts[leaf] != nodes_[leaf].mass) {
      return false;
    }
  }
  return true;
}

}  // namespace rampart::detect
