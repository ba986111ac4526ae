// One tree of a Random Cut Forest (Guha, Mishra, Roy and Schrijvers, "Robust Random Cut
// Forest Based Anomaly Detection on Streams", ICML 2016): a random cut tree over a sample of
// points that supports insertion and deletion, with the bounding box of every subtree.
#pragma once

#include <cmath>
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
// Points, bounding boxes and cut values are single precision. That is half the memory of
// doubles, so more of a forest's boxes stay in cache while scoring. Nodes live in one flat array
// indexed by int32; a leaf keeps its point and a mass (how many sampled points equal it). Not
// thread-safe.
class RandomCutTree {
 public:
  static constexpr std::int32_t kNone = -1;
  // The largest magnitude of a point's value or a cut. The forest clamps larger values to it:
  // past about 3.4e38 a float is infinite, and sums of ranges near that overflow.
  static constexpr float kMaxValue = 1e30F;

  // The leaf where a point would sit, and that leaf's depth (the root is depth 0).
  struct Descent {
    std::int32_t leaf = kNone;
    int depth = 0;
  };

  RandomCutTree(std::size_t dimensions, std::size_t capacity);

  // Inserts `point` and returns the leaf that holds it (a new leaf, or the leaf of an equal
  // point whose mass grows). The caller must not insert more than `capacity` distinct
  // points before deleting.
  std::int32_t Insert(const float* point, RandomEngine& engine) {
    const std::int32_t leaf = InsertPoint(point, engine);
    normalizer_ = std::log2(static_cast<double>(mass()) + 1.0);
    return leaf;
  }

  // Removes one unit of mass from `leaf`, and the leaf itself when its mass reaches zero.
  void Delete(std::int32_t leaf) {
    DeletePoint(leaf);
    normalizer_ = std::log2(static_cast<double>(mass()) + 1.0);
  }

  // Returns this tree's anomaly score of `point`, as the Java Random Cut Forest library
  // defines it (an approximation of collusive displacement, CoDisp): descend to the leaf
  // where the point would sit, then climb back mixing in, at each node, the probability
  // that a random cut separates the point from the node's box. Normalized by
  // log2(mass + 1) so forests of different sample sizes compare.
  double Score(const float* point) const {
    const Descent descent = Descend(point);
    double score = 0.0;
    ClimbAll(point, 1, &descent, &score);
    return score;
  }

  // The two halves of Score, for up to kMaxGroup points of dimensions() values each at a
  // time. Both move every point one level before any point moves again, so the work of
  // different points overlaps in the processor. A descent step has no branch on the data,
  // which would be mispredicted at every other level. An empty tree gives leaf kNone, which
  // ClimbAll scores 0. ClimbAll adds each point's score to scores[i].
  static constexpr std::size_t kMaxGroup = 8;
  // Descend also starts fetching the boxes on the point's path, for a caller that descends
  // several trees before climbing any.
  Descent Descend(const float* point) const;
  void DescendAll(const float* points, std::size_t count, Descent* descents) const;
  void ClimbAll(const float* points, std::size_t count, const Descent* descents,
                double* scores) const;

  // Returns Score(point) with its split by dimension.
  Attribution Attribute(const float* point) const;

  std::size_t mass() const {
    return root_ == kNone ? 0 : static_cast<std::size_t>(nodes_[root_].mass);
  }
  std::size_t dimensions() const { return dimensions_; }

  // Returns true when `leaves` names every sampled point once per unit of mass: each entry
  // a leaf in use, and each leaf named as often as its mass.
  bool MatchesSample(const std::vector<std::int32_t>& leaves) const;

  void Encode(ByteWriter& writer) const;
  // Reads what Encode wrote and rebuilds the bounding boxes. Returns false on malformed input.
  bool Decode(ByteReader& reader);

 private:
  // A node of 32 bytes, so the fields a descent reads share one cache line.
  struct alignas(32) Node {
    std::int32_t parent = kNone;
    std::int32_t left = kNone;  // kNone for a leaf
    std::int32_t right = kNone;
    std::int32_t mass = 0;
    std::int32_t cut_dimension = 0;  // internal: go left when x[d] <= cut_value
    // A leaf's slot in points_; an internal node's slot in boxes_. Only internal nodes
    // have boxes, so boxes_ needs capacity slots, not one per node.
    std::int32_t slot = kNone;
    float cut_value = 0.0F;
    // An internal node's box: the sum of its ranges over all dimensions, which every climb
    // through the node needs.
    float span = 0.0F;
  };
  static_assert(sizeof(Node) == 32, "a node fills one 32-byte half of a cache line");

  std::int32_t InsertPoint(const float* point, RandomEngine& engine);
  void DeletePoint(std::int32_t leaf);
  bool IsLeaf(std::int32_t node) const { return nodes_[node].left == kNone; }
  const float* PointOf(std::int32_t leaf) const {
    return points_.data() + static_cast<std::size_t>(nodes_[leaf].slot) * dimensions_;
  }
  float* BoxLow(std::int32_t node) {
    return boxes_.data() + static_cast<std::size_t>(nodes_[node].slot) * 2 * dimensions_;
  }
  float* BoxHigh(std::int32_t node) { return BoxLow(node) + dimensions_; }
  const float* BoxLow(std::int32_t node) const {
    return boxes_.data() + static_cast<std::size_t>(nodes_[node].slot) * 2 * dimensions_;
  }
  const float* BoxHigh(std::int32_t node) const { return BoxLow(node) + dimensions_; }
  // Starts fetching an internal node's box.
  void PrefetchBox(std::int32_t node) const {
    const char* box = reinterpret_cast<const char*>(BoxLow(node));
    const std::size_t box_bytes = 2 * dimensions_ * sizeof(float);
    for (std::size_t offset = 0; offset < box_bytes; offset += 64) {
      __builtin_prefetch(box + offset);
    }
  }
  const float* MinOf(std::int32_t node) const;
  const float* MaxOf(std::int32_t node) const;
  std::int32_t NewNode();
  std::int32_t NewLeaf(const float* point, std::int32_t parent);
  std::int32_t NewBranch();
  void FreeNode(std::int32_t node);
  void ReplaceChild(std::int32_t parent, std::int32_t old_child, std::int32_t new_child);
  void SetBoxFromChildren(std::int32_t node);
  void SetSpan(std::int32_t node);
  bool RecomputeBoxes(std::int32_t node, int depth);
  double SeparationProbability(const float* point, std::int32_t node) const;
  double LeafScore(const float* point, std::int32_t leaf, int depth) const;
  void DrawCut(const float* low, const float* high, RandomEngine& engine, std::int32_t& dimension,
               float& value) const;
  bool ValidateStructure() const;

  std::size_t dimensions_;
  std::size_t capacity_;
  std::int32_t root_ = kNone;
  double normalizer_ = 0.0;  // log2(mass() + 1), which scales every score of the tree
  std::vector<Node> nodes_;
  // Internal nodes' bounding boxes: for box slot s, the lows at s * 2 * dimensions_ and the
  // highs right after them, so one box is one contiguous run of memory.
  std::vector<float> boxes_;
  std::vector<float> points_;  // capacity_ slots of dimensions_ values
  std::vector<std::int32_t> free_nodes_;
  std::vector<std::int32_t> free_slots_;  // point slots
  std::vector<std::int32_t> free_boxes_;  // box slots
  std::vector<float> merged_min_;         // scratch for Insert
  std::vector<float> merged_max_;
};

}  // namespace rampart::detect
