#include "detect/isolation_forest.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "detect/byte_codec.h"

namespace rampart::detect {
namespace {

constexpr double kEulerGamma = 0.5772156649015329;
constexpr std::size_t kMaxTrees = IsolationForestOptions::kMaxTrees;
constexpr std::size_t kMaxSampleSize = IsolationForestOptions::kMaxSampleSize;
constexpr std::size_t kMaxDepth = 20;
constexpr std::size_t kMaxFeatures = 1 << 20;
constexpr std::size_t kScoreBlockRows = 512;

std::size_t CeilLog2(std::size_t n) {
  std::size_t depth = 0;
  while ((std::size_t{1} << depth) < n) {
    ++depth;
  }
  return depth;
}

// Draws `count` distinct row indices out of `total` with Floyd's algorithm, which touches
// only `count` values however large `total` is.
std::vector<std::size_t> SampleWithoutReplacement(std::size_t total, std::size_t count,
                                                  RandomEngine& engine) {
  std::vector<std::size_t> chosen;
  chosen.reserve(count);
  for (std::size_t j = total - count; j < total; ++j) {
    const std::size_t candidate = UniformIndex(engine, j + 1);
    if (std::find(chosen.begin(), chosen.end(), candidate) == chosen.end()) {
      chosen.push_back(candidate);
    } else {
      chosen.push_back(j);
    }
  }
  return chosen;
}

}  // namespace

double AveragePathLength(double n) {
  if (n < 2.0) {
    return 0.0;
  }
  if (n == 2.0) {
    return 1.0;
  }
  return 2.0 * (std::log(n - 1.0) + kEulerGamma) - 2.0 * (n - 1.0) / n;
}

// Grows one tree into the forest's arrays, recursing on slices of a row-index buffer.
class IsolationForest::Builder {
 public:
  Builder(IsolationForest& forest, const Matrix& data, std::size_t tree, RandomEngine& engine)
      : forest_(forest),
        data_(data),
        tree_(tree),
        engine_(engine),
        minimum_(data.cols),
        maximum_(data.cols) {}

  void Grow(std::vector<std::size_t>& rows) { GrowNode(rows.data(), rows.size(), 0, 0); }

 private:
  void GrowNode(std::size_t* rows, std::size_t count, std::size_t slot, std::size_t depth) {
    if (depth == forest_.max_depth_ || count <= 1) {
      MakeLeaf(slot, depth, count);
      return;
    }
    ComputeRanges(rows, count);
    std::vector<std::size_t> varying;
    for (std::size_t col = 0; col < data_.cols; ++col) {
      if (maximum_[col] > minimum_[col]) {
        varying.push_back(col);
      }
    }
    if (varying.empty()) {
      MakeLeaf(slot, depth, count);
      return;
    }

    const std::size_t feature = varying[UniformIndex(engine_, varying.size())];
    const double low = minimum_[feature];
    const double high = maximum_[feature];
    double value = low + UniformUnit(engine_) * (high - low);
    if (value >= high) {  // rounding can reach high, which would leave the right side empty
      value = low;
    }
    const std::size_t index = tree_ * forest_.InternalSlots() + slot;
    forest_.split_features_[index] = static_cast<std::int32_t>(feature);
    forest_.split_values_[index] = value;

    std::size_t* middle = std::partition(
        rows, rows + count, [&](std::size_t row) { return data_.At(row, feature) <= value; });
    const auto left_count = static_cast<std::size_t>(middle - rows);
    GrowNode(rows, left_count, 2 * slot + 1, depth + 1);
    GrowNode(middle, count - left_count, 2 * slot + 2, depth + 1);
  }

  void ComputeRanges(const std::size_t* rows, std::size_t count) {
    std::fill(minimum_.begin(), minimum_.end(), std::numeric_limits<double>::infinity());
    std::fill(maximum_.begin(), maximum_.end(), -std::numeric_limits<double>::infinity());
    for (std::size_t i = 0; i < count; ++i) {
      const double* row = data_.Row(rows[i]);
      for (std::size_t col = 0; col < data_.cols; ++col) {
        minimum_[col] = std::min(minimum_[col], row[col]);
        maximum_[col] = std::max(maximum_[col], row[col]);
      }
    }
  }

  // Turns the subtree under `slot` into pass-through nodes that lead to bottom slots all
  // holding this leaf's path length.
  void MakeLeaf(std::size_t slot, std::size_t depth, std::size_t count) {
    const double path_length = static_cast<double>(depth) + AveragePathLength(count);
    std::size_t first = slot;
    std::size_t width = 1;
    for (std::size_t level = depth; level < forest_.max_depth_; ++level) {
      for (std::size_t s = first; s < first + width; ++s) {
        const std::size_t index = tree_ * forest_.InternalSlots() + s;
        forest_.split_features_[index] = 0;
        forest_.split_values_[index] = std::numeric_limits<double>::infinity();
      }
      first = 2 * first + 1;
      width *= 2;
    }
    const std::size_t leaf_base = tree_ * forest_.LeafSlots() + (first - forest_.InternalSlots());
    std::fill_n(forest_.leaf_path_lengths_.begin() + static_cast<std::ptrdiff_t>(leaf_base), width,
                path_length);
  }

  IsolationForest& forest_;
  const Matrix& data_;
  std::size_t tree_;
  RandomEngine& engine_;
  std::vector<double> minimum_;
  std::vector<double> maximum_;
};

Result<IsolationForest> IsolationForest::Fit(const Matrix& data,
                                             const IsolationForestOptions& options,
                                             RandomEngine& engine) {
  if (data.rows == 0 || data.cols == 0) {
    return InvalidArgument("isolation forest: the training data has no rows or no columns");
  }
  if (data.rows < 2) {
    return InvalidArgument(
        "isolation forest: the training data has 1 row; a tree needs at least 2 to split");
  }
  if (options.num_trees < 1 || options.num_trees > kMaxTrees) {
    return InvalidArgument(fmt::format("isolation forest: num_trees {} is outside 1..{}",
                                       options.num_trees, kMaxTrees));
  }
  if (options.sample_size < 2 || options.sample_size > kMaxSampleSize) {
    return InvalidArgument(fmt::format("isolation forest: sample_size {} is outside 2..{}",
                                       options.sample_size, kMaxSampleSize));
  }
  if (options.max_depth > kMaxDepth) {
    return InvalidArgument(fmt::format("isolation forest: max_depth {} is larger than {}",
                                       options.max_depth, kMaxDepth));
  }

  IsolationForest forest;
  forest.num_trees_ = options.num_trees;
  forest.sample_size_ = std::min(options.sample_size, data.rows);
  forest.max_depth_ = options.max_depth != 0
                          ? options.max_depth
                          : std::max<std::size_t>(1, CeilLog2(forest.sample_size_));
  forest.feature_count_ = data.cols;
  forest.split_features_.assign(forest.num_trees_ * forest.InternalSlots(), 0);
  forest.split_values_.assign(forest.num_trees_ * forest.InternalSlots(), 0.0);
  forest.leaf_path_lengths_.assign(forest.num_trees_ * forest.LeafSlots(), 0.0);

  for (std::size_t tree = 0; tree < forest.num_trees_; ++tree) {
    std::vector<std::size_t> rows =
        SampleWithoutReplacement(data.rows, forest.sample_size_, engine);
    Builder(forest, data, tree, engine).Grow(rows);
  }
  return forest;
}

void IsolationForest::AccumulatePathLengths(const Matrix& data, std::size_t first,
                                            std::size_t count, double* sums) const {
  const std::size_t internal = InternalSlots();
  const std::size_t cols = data.cols;
  for (std::size_t tree = 0; tree < num_trees_; ++tree) {
    const std::int32_t* features = split_features_.data() + tree * internal;
    const double* values = split_values_.data() + tree * internal;
    const double* leaves = leaf_path_lengths_.data() + tree * LeafSlots();
    const double* row = data.Row(first);
    for (std::size_t i = 0; i < count; ++i, row += cols) {
      std::size_t slot = 0;
      for (std::size_t level = 0; level < max_depth_; ++level) {
        slot = 2 * slot + 1 + static_cast<std::size_t>(row[features[slot]] > values[slot]);
      }
      sums[i] += leaves[slot - internal];
    }
  }
}

double IsolationForest::Score(const double* row) const {
  Matrix single(1, feature_count_);
  std::copy(row, row + feature_count_, single.values.begin());
  return ScoreAll(single)[0];
}

std::vector<double> IsolationForest::ScoreAll(const Matrix& data) const {
  std::vector<double> scores(data.rows, 0.0);
  if (data.cols != feature_count_) {
    return scores;
  }
  for (std::size_t first = 0; first < data.rows; first += kScoreBlockRows) {
    const std::size_t count = std::min(kScoreBlockRows, data.rows - first);
    AccumulatePathLengths(data, first, count, scores.data() + first);
  }
  const double normalizer = AveragePathLength(static_cast<double>(sample_size_));
  const double trees = static_cast<double>(num_trees_);
  for (double& score : scores) {
    score = std::exp2(-(score / trees) / normalizer);
  }
  return scores;
}

std::string IsolationForest::Encode() const {
  ByteWriter writer;
  writer.PutU32(static_cast<std::uint32_t>(num_trees_));
  writer.PutU32(static_cast<std::uint32_t>(sample_size_));
  writer.PutU32(static_cast<std::uint32_t>(max_depth_));
  writer.PutU32(static_cast<std::uint32_t>(feature_count_));
  for (std::int32_t feature : split_features_) {
    writer.PutI32(feature);
  }
  for (double value : split_values_) {
    writer.PutF64(value);
  }
  for (double value : leaf_path_lengths_) {
    writer.PutF64(value);
  }
  return writer.Take();
}

Result<IsolationForest> IsolationForest::Decode(std::string_view payload) {
  ByteReader reader(payload);
  std::uint32_t num_trees = 0;
  std::uint32_t sample_size = 0;
  std::uint32_t max_depth = 0;
  std::uint32_t feature_count = 0;
  reader.GetU32(num_trees);
  reader.GetU32(sample_size);
  reader.GetU32(max_depth);
  reader.GetU32(feature_count);
  if (!reader.ok() || num_trees < 1 || num_trees > kMaxTrees || sample_size < 2 ||
      sample_size > kMaxSampleSize || max_depth < 1 || max_depth > kMaxDepth || feature_count < 1 ||
      feature_count > kMaxFeatures) {
    return InvalidArgument(fmt::format(
        "isolation forest header is invalid (trees {}, sample size {}, depth {}, features {})",
        num_trees, sample_size, max_depth, feature_count));
  }

  IsolationForest forest;
  forest.num_trees_ = num_trees;
  forest.sample_size_ = sample_size;
  forest.max_depth_ = max_depth;
  forest.feature_count_ = feature_count;
  const std::size_t internal = forest.num_trees_ * forest.InternalSlots();
  const std::size_t leaves = forest.num_trees_ * forest.LeafSlots();
  if (reader.remaining() != internal * 12 + leaves * 8) {
    return InvalidArgument(
        fmt::format("isolation forest body has {} bytes, expected {} for {} trees of depth {}",
                    reader.remaining(), internal * 12 + leaves * 8, num_trees, max_depth));
  }
  forest.split_features_.resize(internal);
  forest.split_values_.resize(internal);
  forest.leaf_path_lengths_.resize(leaves);
  for (std::int32_t& feature : forest.split_features_) {
    reader.GetI32(feature);
    if (feature < 0 || static_cast<std::size_t>(feature) >= forest.feature_count_) {
      return InvalidArgument(fmt::format("isolation forest split feature {} is outside 0..{}",
                                         feature, feature_count - 1));
    }
  }
  for (double& value : forest.split_values_) {
    reader.GetF64(value);
    if (std::isnan(value)) {
      return InvalidArgument("isolation forest split value is NaN");
    }
  }
  for (double& value : forest.leaf_path_lengths_) {
    reader.GetF64(value);
    // A path length is a depth plus c(n): finite and not negative. Another value would make
    // every score of its leaf NaN or infinite.
    if (!std::isfinite(value) || value < 0.0) {
      return InvalidArgument(
          fmt::format("isolation forest leaf path length {} is not a finite length", value));
    }
  }
  return forest;
}

}  // namespace rampart::detect
