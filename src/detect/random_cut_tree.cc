#include "detect/random_cut_tree.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace rampart::detect {
namespace {

bool SamePoint(const double* a, const double* b, std::size_t dimensions) {
  for (std::size_t d = 0; d < dimensions; ++d) {
    if (a[d] != b[d]) {
      return false;
    }
  }
  return true;
}

// The score of a point separated from a subtree at `depth`, or seen at a leaf there.
double ScoreUnseen(int depth) { return 1.0 / (depth + 1.0); }

double ScoreSeen(int depth, double mass) { return 1.0 / (depth + std::log2(mass + 1.0)); }

// A sampled point's score is damped by how much of the tree its duplicates make up.
double Damp(double leaf_mass, double tree_mass) { return 1.0 - leaf_mass / (2.0 * tree_mass); }

}  // namespace

RandomCutTree::RandomCutTree(std::size_t dimensions, std::size_t capacity)
    : dimensions_(dimensions), capacity_(capacity) {
  const std::size_t nodes = 2 * capacity;
  parent_.assign(nodes, kNone);
  left_.assign(nodes, kNone);
  right_.assign(nodes, kNone);
  mass_.assign(nodes, 0);
  cut_dimension_.assign(nodes, 0);
  cut_value_.assign(nodes, 0.0);
  point_slot_.assign(nodes, kNone);
  boxes_.assign(nodes * 2 * dimensions, 0.0);
  points_.assign(capacity * dimensions, 0.0);
  for (std::size_t i = nodes; i > 0; --i) {
    free_nodes_.push_back(static_cast<std::int32_t>(i - 1));
  }
  for (std::size_t i = capacity; i > 0; --i) {
    free_slots_.push_back(static_cast<std::int32_t>(i - 1));
  }
  merged_min_.resize(dimensions);
  merged_max_.resize(dimensions);
}

const double* RandomCutTree::MinOf(std::int32_t node) const {
  return IsLeaf(node) ? PointOf(node) : BoxLow(node);
}

const double* RandomCutTree::MaxOf(std::int32_t node) const {
  return IsLeaf(node) ? PointOf(node) : BoxHigh(node);
}

std::int32_t RandomCutTree::NewNode() {
  const std::int32_t node = free_nodes_.back();
  free_nodes_.pop_back();
  left_[node] = kNone;
  right_[node] = kNone;
  parent_[node] = kNone;
  point_slot_[node] = kNone;
  mass_[node] = 0;
  return node;
}

std::int32_t RandomCutTree::NewLeaf(const double* point, std::int32_t parent) {
  const std::int32_t leaf = NewNode();
  const std::int32_t slot = free_slots_.back();
  free_slots_.pop_back();
  std::memcpy(points_.data() + static_cast<std::size_t>(slot) * dimensions_, point,
              dimensions_ * sizeof(double));
  point_slot_[leaf] = slot;
  parent_[leaf] = parent;
  mass_[leaf] = 1;
  return leaf;
}

void RandomCutTree::FreeNode(std::int32_t node) {
  if (IsLeaf(node) && point_slot_[node] != kNone) {
    free_slots_.push_back(point_slot_[node]);
    point_slot_[node] = kNone;
  }
  free_nodes_.push_back(node);
}

void RandomCutTree::ReplaceChild(std::int32_t parent, std::int32_t old_child,
                                 std::int32_t new_child) {
  if (parent == kNone) {
    root_ = new_child;
  } else if (left_[parent] == old_child) {
    left_[parent] = new_child;
  } else {
    right_[parent] = new_child;
  }
  if (new_child != kNone) {
    parent_[new_child] = parent;
  }
}

void RandomCutTree::SetBoxFromChildren(std::int32_t node) {
  const double* left_min = MinOf(left_[node]);
  const double* left_max = MaxOf(left_[node]);
  const double* right_min = MinOf(right_[node]);
  const double* right_max = MaxOf(right_[node]);
  double* box_min = BoxLow(node);
  double* box_max = BoxHigh(node);
  for (std::size_t d = 0; d < dimensions_; ++d) {
    box_min[d] = std::min(left_min[d], right_min[d]);
    box_max[d] = std::max(left_max[d], right_max[d]);
  }
}

void RandomCutTree::DrawCut(const double* low, const double* high, RandomEngine& engine,
                            std::int32_t& dimension, double& value) const {
  double total = 0.0;
  for (std::size_t d = 0; d < dimensions_; ++d) {
    total += high[d] - low[d];
  }
  double remaining = UniformUnit(engine) * total;
  std::size_t last_positive = 0;
  for (std::size_t d = 0; d < dimensions_; ++d) {
    const double range = high[d] - low[d];
    if (range <= 0.0) {
      continue;
    }
    last_positive = d;
    if (remaining < range) {
      dimension = static_cast<std::int32_t>(d);
      value = low[d] + remaining;
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

std::int32_t RandomCutTree::Insert(const double* point, RandomEngine& engine) {
  if (root_ == kNone) {
    root_ = NewLeaf(point, kNone);
    return root_;
  }
  std::int32_t node = root_;
  while (true) {
    if (IsLeaf(node) && SamePoint(point, PointOf(node), dimensions_)) {
      ++mass_[node];  // the ancestors' masses grew on the way down
      return node;
    }
    const double* node_min = MinOf(node);
    const double* node_max = MaxOf(node);
    for (std::size_t d = 0; d < dimensions_; ++d) {
      merged_min_[d] = std::min(node_min[d], point[d]);
      merged_max_[d] = std::max(node_max[d], point[d]);
    }
    std::int32_t dimension = 0;
    double value = 0.0;
    DrawCut(merged_min_.data(), merged_max_.data(), engine, dimension, value);

    const bool separates =
        IsLeaf(node) || value < node_min[dimension] || value >= node_max[dimension];
    if (separates) {
      // A new internal node takes `node`'s place, with the new leaf on one side.
      const std::int32_t parent = parent_[node];
      const std::int32_t branch = NewNode();
      const std::int32_t leaf = NewLeaf(point, branch);
      cut_dimension_[branch] = dimension;
      cut_value_[branch] = value;
      const bool point_left = point[dimension] <= value;
      left_[branch] = point_left ? leaf : node;
      right_[branch] = point_left ? node : leaf;
      ReplaceChild(parent, node, branch);
      parent_[node] = branch;
      mass_[branch] = mass_[node] + 1;
      std::copy(merged_min_.begin(), merged_min_.end(), BoxLow(branch));
      std::copy(merged_max_.begin(), merged_max_.end(), BoxHigh(branch));
      return leaf;
    }
    // The cut falls inside the node's box, so the point joins this subtree.
    std::copy(merged_min_.begin(), merged_min_.end(), BoxLow(node));
    std::copy(merged_max_.begin(), merged_max_.end(), BoxHigh(node));
    ++mass_[node];
    node = point[cut_dimension_[node]] <= cut_value_[node] ? left_[node] : right_[node];
  }
}

void RandomCutTree::Delete(std::int32_t leaf) {
  for (std::int32_t up = leaf; up != kNone; up = parent_[up]) {
    --mass_[up];
  }
  if (mass_[leaf] > 0) {
    return;
  }
  const std::int32_t parent = parent_[leaf];
  FreeNode(leaf);
  if (parent == kNone) {
    root_ = kNone;
    return;
  }
  const std::int32_t sibling = left_[parent] == leaf ? right_[parent] : left_[parent];
  const std::int32_t grandparent = parent_[parent];
  ReplaceChild(grandparent, parent, sibling);
  left_[parent] = kNone;  // mark as a leaf-less free node
  FreeNode(parent);
  for (std::int32_t up = grandparent; up != kNone; up = parent_[up]) {
    SetBoxFromChildren(up);
  }
}

std::int32_t RandomCutTree::FindLeaf(const double* point, int& depth) const {
  std::int32_t node = root_;
  depth = 0;
  const std::size_t box_bytes = 2 * dimensions_ * sizeof(double);
  while (!IsLeaf(node)) {
    // Scoring climbs back through these boxes; fetching them now overlaps the misses.
    const char* box = reinterpret_cast<const char*>(BoxLow(node));
    for (std::size_t offset = 0; offset < box_bytes; offset += 64) {
      __builtin_prefetch(box + offset);
    }
    node = point[cut_dimension_[node]] <= cut_value_[node] ? left_[node] : right_[node];
    ++depth;
  }
  return node;
}

double RandomCutTree::SeparationProbability(const double* point, std::int32_t node) const {
  const double* low = BoxLow(node);
  const double* high = BoxHigh(node);
  // Four partial sums break the chain of dependent additions, so the loop pipelines.
  double extension[4] = {0.0, 0.0, 0.0, 0.0};
  double span[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t d = 0;
  for (; d + 4 <= dimensions_; d += 4) {
    for (std::size_t lane = 0; lane < 4; ++lane) {
      const double value = point[d + lane];
      extension[lane] +=
          std::max(value - high[d + lane], 0.0) + std::max(low[d + lane] - value, 0.0);
      span[lane] += high[d + lane] - low[d + lane];
    }
  }
  for (; d < dimensions_; ++d) {
    extension[0] += std::max(point[d] - high[d], 0.0) + std::max(low[d] - point[d], 0.0);
    span[0] += high[d] - low[d];
  }
  const double total_extension = (extension[0] + extension[1]) + (extension[2] + extension[3]);
  const double total_span = (span[0] + span[1]) + (span[2] + span[3]);
  return total_extension == 0.0 ? 0.0 : total_extension / (total_span + total_extension);
}

double RandomCutTree::Score(const double* point) const {
  if (root_ == kNone) {
    return 0.0;
  }
  const double tree_mass = mass_[root_];
  int depth = 0;
  std::int32_t node = FindLeaf(point, depth);
  double score = 0.0;
  if (SamePoint(point, PointOf(node), dimensions_)) {
    score = Damp(mass_[node], tree_mass) * ScoreSeen(depth, mass_[node]);
  } else {
    score = ScoreUnseen(depth);
  }
  for (node = parent_[node], --depth; node != kNone; node = parent_[node], --depth) {
    const double probability = SeparationProbability(point, node);
    if (probability == 0.0) {
      break;  // the point lies inside this box, so inside every box above it too
    }
    score = (1.0 - probability) * score + probability * ScoreUnseen(depth);
  }
  return score * std::log2(tree_mass + 1.0);
}

Attribution RandomCutTree::Attribute(const double* point) const {
  Attribution result;
  result.high.assign(dimensions_, 0.0);
  result.low.assign(dimensions_, 0.0);
  if (root_ == kNone) {
    return result;
  }
  const double tree_mass = mass_[root_];
  int depth = 0;
  std::int32_t node = FindLeaf(point, depth);
  const double* leaf_point = PointOf(node);
  if (SamePoint(point, leaf_point, dimensions_)) {
    // Nothing sets the point apart, so the score is shared evenly.
    const double score = Damp(mass_[node], tree_mass) * ScoreSeen(depth, mass_[node]);
    const double share = score / (2.0 * static_cast<double>(dimensions_));
    std::fill(result.high.begin(), result.high.end(), share);
    std::fill(result.low.begin(), result.low.end(), share);
  } else {
    double distance = 0.0;
    for (std::size_t d = 0; d < dimensions_; ++d) {
      distance += std::abs(point[d] - leaf_point[d]);
    }
    const double score = ScoreUnseen(depth);
    for (std::size_t d = 0; d < dimensions_; ++d) {
      const double share = score * std::abs(point[d] - leaf_point[d]) / distance;
      (point[d] > leaf_point[d] ? result.high : result.low)[d] = share;
    }
  }
  for (node = parent_[node], --depth; node != kNone; node = parent_[node], --depth) {
    const double probability = SeparationProbability(point, node);
    if (probability == 0.0) {
      break;
    }
    const double* low = BoxLow(node);
    const double* high = BoxHigh(node);
    double extension = 0.0;
    double span = 0.0;
    for (std::size_t d = 0; d < dimensions_; ++d) {
      extension += std::max(point[d] - high[d], 0.0) + std::max(low[d] - point[d], 0.0);
      span += high[d] - low[d];
    }
    const double unseen = ScoreUnseen(depth) / (span + extension);
    for (std::size_t d = 0; d < dimensions_; ++d) {
      result.high[d] =
          (1.0 - probability) * result.high[d] + unseen * std::max(point[d] - high[d], 0.0);
      result.low[d] =
          (1.0 - probability) * result.low[d] + unseen * std::max(low[d] - point[d], 0.0);
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
  const std::size_t nodes = parent_.size();
  for (std::size_t i = 0; i < nodes; ++i) {
    writer.PutI32(parent_[i]);
    writer.PutI32(left_[i]);
    writer.PutI32(right_[i]);
    writer.PutI32(mass_[i]);
    writer.PutI32(cut_dimension_[i]);
    writer.PutF64(cut_value_[i]);
    writer.PutI32(point_slot_[i]);
  }
  for (double value : points_) {
    writer.PutF64(value);
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
  const std::size_t nodes = parent_.size();
  reader.GetI32(root_);
  for (std::size_t i = 0; i < nodes; ++i) {
    reader.GetI32(parent_[i]);
    reader.GetI32(left_[i]);
    reader.GetI32(right_[i]);
    reader.GetI32(mass_[i]);
    reader.GetI32(cut_dimension_[i]);
    reader.GetF64(cut_value_[i]);
    reader.GetI32(point_slot_[i]);
  }
  for (double& value : points_) {
    reader.GetF64(value);
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
  return reader.ok() && ValidateStructure() && (root_ == kNone || RecomputeBoxes(root_, 0));
}

// Checks that the arrays form one tree: every index in range, each node reached once from
// the root, parents matching, masses adding up, and free lists naming exactly the unused
// nodes and point slots. Decode runs it so that a malformed file cannot send Insert or
// Score out of bounds.
bool RandomCutTree::ValidateStructure() const {
  const auto nodes = static_cast<std::int32_t>(parent_.size());
  const auto slots = static_cast<std::int32_t>(capacity_);
  std::vector<char> node_used(parent_.size(), 0);
  std::vector<char> slot_used(capacity_, 0);
  std::vector<std::int32_t> stack;
  if (root_ != kNone) {
    if (root_ < 0 || root_ >= nodes || parent_[root_] != kNone) {
      return false;
    }
    stack.push_back(root_);
  }
  while (!stack.empty()) {
    const std::int32_t node = stack.back();
    stack.pop_back();
    if (node_used[node] != 0 || mass_[node] < 1) {
      return false;
    }
    node_used[node] = 1;
    if (left_[node] == kNone) {
      const std::int32_t slot = point_slot_[node];
      if (right_[node] != kNone || slot < 0 || slot >= slots || slot_used[slot] != 0) {
        return false;
      }
      slot_used[slot] = 1;
      continue;
    }
    const std::int32_t children[2] = {left_[node], right_[node]};
    std::int32_t child_mass = 0;
    for (std::int32_t child : children) {
      if (child < 0 || child >= nodes || parent_[child] != node || mass_[child] < 1) {
        return false;
      }
      child_mass += mass_[child];
      stack.push_back(child);
    }
    if (child_mass != mass_[node] || cut_dimension_[node] < 0 ||
        static_cast<std::size_t>(cut_dimension_[node]) >= dimensions_ ||
        point_slot_[node] != kNone) {
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
  if (depth > static_cast<int>(parent_.size())) {
    return false;
  }
  if (!RecomputeBoxes(left_[node], depth + 1) || !RecomputeBoxes(right_[node], depth + 1)) {
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
  std::vector<std::int32_t> counts(parent_.size(), 0);
  for (std::int32_t leaf : leaves) {
    if (leaf < 0 || static_cast<std::size_t>(leaf) >= parent_.size() || !IsLeaf(leaf) ||
        point_slot_[leaf] == kNone) {
      return false;
    }
    ++counts[leaf];
  }
  for (std::int32_t leaf : leaves) {
    if (counts[leaf] != mass_[leaf]) {
      return false;
    }
  }
  return true;
}

}  // namespace rampart::detect
