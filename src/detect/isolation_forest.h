// Isolation Forest (Liu, Ting and Zhou, "Isolation Forest", ICDM 2008): an ensemble of
// random trees in which anomalies, being few and different, end on short paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/matrix.h"
#include "detect/random.h"

namespace rampart::detect {

struct IsolationForestOptions {
  static constexpr std::size_t kMaxTrees = 10000;
  static constexpr std::size_t kMaxSampleSize = 65536;

  std::size_t num_trees = 100;  // 1..kMaxTrees
  std::size_t sample_size =
      256;  // rows drawn without replacement per tree (psi), 2..kMaxSampleSize
  // Height limit of each tree; 0 means ceil(log2(psi)), the limit the 2008 paper uses.
  std::size_t max_depth = 0;
};

// Returns c(n), the average path length of an unsuccessful search in a binary search tree
// of n points: 2 H(n-1) - 2 (n-1) / n, with c(2) = 1 and c(n) = 0 for n < 2.
double AveragePathLength(double n);

// A fitted forest. Each tree is stored as a complete binary tree of depth max_depth in
// flat arrays, so scoring walks exactly max_depth levels without branches: a leaf above
// the last level becomes a chain of pass-through nodes that always go left, and each
// bottom slot holds the path length e + c(size) of the leaf it stands for. Immutable after
// Fit, so scoring is thread-safe.
class IsolationForest {
 public:
  // Fits on every row of `data`. Fails when `data` has no rows or no columns, or when an
  // option is out of range (num_trees 1..10000, sample_size 2..65536, max_depth <= 20).
  static Result<IsolationForest> Fit(const Matrix& data, const IsolationForestOptions& options,
                                     RandomEngine& engine);

  // Returns the anomaly score 2^(-E[h(x)] / c(psi)) of one row of feature_count() values:
  // near 1 for anomalies, well below 0.5 for normal rows.
  double Score(const double* row) const;

  // Scores every row of `data`, which must have feature_count() columns.
  std::vector<double> ScoreAll(const Matrix& data) const;

  std::size_t feature_count() const { return feature_count_; }
  std::size_t num_trees() const { return num_trees_; }
  std::size_t max_depth() const { return max_depth_; }
  std::size_t sample_size() const { return sample_size_; }

  // Encodes the forest for a model file; Decode reads it back with identical scores.
  std::string Encode() const;
  static Result<IsolationForest> Decode(std::string_view payload);

 private:
  class Builder;

  std::size_t InternalSlots() const { return (std::size_t{1} << max_depth_) - 1; }
  std::size_t LeafSlots() const { return std::size_t{1} << max_depth_; }
  void AccumulatePathLengths(const Matrix& data, std::size_t first, std::size_t count,
                             double* sums) const;

  std::size_t num_trees_ = 0;
  std::size_t sample_size_ = 0;  // psi actually used: min(options.sample_size, rows)
  std::size_t max_depth_ = 0;
  std::size_t feature_count_ = 0;
  std::vector<std::int32_t> split_features_;  // num_trees * InternalSlots()
  std::vector<double> split_values_;          // go right when x[feature] > value
  std::vector<double> leaf_path_lengths_;     // num_trees * LeafSlots()
};

}  // namespace rampart::detect
