// One tree of a Random Cut Forest (Guha, Mishra, Roy and Schrijvers, "Robust Random Cut
// Forest Based Anomaly Detection on Streams", ICML 2016): a random cut tree over a sample of
// points that supports insertion and deletion, with the bounding box of every subtree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "detect/byte_codec.h"
#include "detect/random.h"

namespace rampart::detect {

// The tree's contribution to a point's anomaly score, and that contribution split by
// dimension and direction: high[d] when the point lies above the data in dimension d,
// low[d] when below. Sum of high and low over all dimensions equals score.
struct Attribution {
  double score = 0.0;
  std::vector<double> high;
  std::vector<double> low;
};

// A random cut tree holding at most `capacity` distinct points of `dimensions` values.
// Nodes live in flat arrays indexed by int32; a leaf keeps its point and a mass (how many
// sampled points equal it). Not thread-safe.
class RandomCutTree {
 public:
  static constexpr std::int32_t kNone = -1;

  RandomCutTree(std::size_t dimensions, std::size_t capacity);

  // Inserts `point` and returns the leaf that holds it (a new leaf, or the leaf of an equal
  // point whose mass grows). The caller must not insert more than `capacity` distinct
  // points before deleting.
  std::int32_t Insert(const double* point, RandomEngine& engine);

  // Removes one unit of mass from `leaf`, and the leaf itself when its mass reaches zero.
  void Delete(std::int32_t leaf);

  // Returns this tree's anomaly score of `point`, as the Java Random Cut Forest library
  // defines it (an approximation of collusive displacement, CoDisp): descend to the leaf
  // where the point would sit, then climb back mixing in, at each node, the probability
  // that a random cut separates the point from the node's box. Normalized by
  // log2(mass + 1) so forests of different sample sizes compare.
  double Score(const double* point) const;

  // Returns Score(point) with its split by dimension.
  Attribution Attribute(const double* point) const;

  std::size_t mass() const { return root_ == kNone ? 0 : static_cast<std::size_t>(mass_[root_]); }
  std::size_t dimensions() const { return dimensions_; }

  // Returns true when `leaves` names every sampled point once per unit of mass: each entry
  // a leaf in use, and each leaf named as often as its mass.
  bool MatchesSample(const std::vector<std::int32_t>& leaves) const;

  void Encode(ByteWriter& writer) const;
  // Reads what Encode wrote and rebuilds the bounding boxes. Returns false on malformed input.
  bool Decode(ByteReader& reader);

 private:
  bool IsLeaf(std::int32_t node) const { return left_[node] == kNone; }
  const double* PointOf(std::int32_t leaf) const {
    return points_.data() + static_cast<std::size_t>(point_slot_[leaf]) * dimensions_;
  }
  double* BoxLow(std::int32_t node) {
    return boxes_.data() + static_cast<std::size_t>(node) * 2 * dimensions_;
  }
  double* BoxHigh(std::int32_t node) { return BoxLow(node) + dimensions_; }
  const double* BoxLow(std::int32_t node) const {
    return boxes_.data() + static_cast<std::size_t>(node) * 2 * dimensions_;
  }
  const double* BoxHigh(std::int32_t node) const { return BoxLow(node) + dimensions_; }
  const double* MinOf(std::int32_t node) const;
  const double* MaxOf(std::int32_t node) const;
  std::int32_t NewNode();
  std::int32_t NewLeaf(const double* point, std::int32_t parent);
  void FreeNode(std::int32_t node);
  void ReplaceChild(std::int32_t parent, std::int32_t old_child, std::int32_t new_child);
  void SetBoxFromChildren(std::int32_t node);
  bool RecomputeBoxes(std::int32_t node, int depth);
  // Descends from the root following cuts to the leaf where `point` would sit.
  std::int32_t FindLeaf(const double* point, int& depth) const;
  double SeparationProbability(const double* point, std::int32_t node) const;
  void DrawCut(const double* low, const double* high, RandomEngine& engine, std::int32_t& dimension,
               double& value) const;
  bool ValidateStructure() const;

  std::size_t dimensions_;
  std::size_t capacity_;
  std::int32_t root_ = kNone;
  // Per node (internal or leaf).
  std::vector<std::int32_t> parent_;
  std::vector<std::int32_t> left_;  // kNone for a leaf
  std::vector<std::int32_t> right_;
  std::vector<std::int32_t> mass_;
  std::vector<std::int32_t> cut_dimension_;  // internal: go left when x[d] <= cut_value
  std::vector<double> cut_value_;
  std::vector<std::int32_t> point_slot_;  // leaf: index into points_
  // Internal nodes' bounding boxes: for node n, the lows at n * 2 * dimensions_ and the
  // highs right after them, so one box is one contiguous run of memory.
  std::vector<double> boxes_;
  std::vector<double> points_;  // capacity_ slots of dimensions_ values
  std::vector<std::int32_t> free_nodes_;
  std::vector<std::int32_t> free_slots_;
  std::vector<double> merged_min_;  // scratch for Insert
  std::vector<double> merged_max_;
};

}  // namespace rampart::detect
