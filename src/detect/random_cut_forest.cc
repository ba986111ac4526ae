#include "detect/random_cut_forest.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "detect/byte_codec.h"

namespace rampart::detect {
namespace {

constexpr std::size_t kMaxTrees = 1000;
constexpr std::size_t kMaxSamples = 2048;
constexpr std::size_t kMaxFeatureDim = 10000;
constexpr std::size_t kMaxShingleSize = 1000;
constexpr std::size_t kMaxDimensions = 10000;
// Trees keep about 12 bytes per sample and dimension (points and bounding boxes in single
// precision), so this caps a forest at about 400 MB, also one decoded from a model file.
constexpr std::size_t kMaxForestValues = std::size_t{1} << 25;

bool HeavierFirst(const auto& a, const auto& b) { return a.weight < b.weight; }

// Trees scored together: all of a group descend before any climbs, so the fetches of the
// boxes that the climbs read overlap across trees.
constexpr std::size_t kTreeGroup = 8;

// A point converted to the single precision that the trees keep. Up to 128 dimensions it
// lives on the stack.
class FloatPoint {
 public:
  FloatPoint(const double* values, std::size_t count) {
    data_ = inline_;
    if (count > kInline) {
      heap_.resize(count);
      data_ = heap_.data();
    }
    for (std::size_t d = 0; d < count; ++d) {
      data_[d] = static_cast<float>(values[d]);
    }
  }
  FloatPoint(const FloatPoint&) = delete;
  FloatPoint& operator=(const FloatPoint&) = delete;

  const float* data() const { return data_; }

 private:
  static constexpr std::size_t kInline = 128;
  float inline_[kInline];
  std::vector<float> heap_;
  float* data_;
};

}  // namespace

Status ValidateOptions(const RandomCutForestOptions& options) {
  auto out_of_range = [](std::string_view name, double value, std::size_t high) {
    return InvalidArgument(
        fmt::format("random cut forest: {} {} is outside 1..{}", name, value, high));
  };
  if (options.num_trees < 1 || options.num_trees > kMaxTrees) {
    return out_of_range("num_trees", static_cast<double>(options.num_trees), kMaxTrees);
  }
  if (options.num_samples_per_tree < 1 || options.num_samples_per_tree > kMaxSamples) {
    return out_of_range("num_samples_per_tree", static_cast<double>(options.num_samples_per_tree),
                        kMaxSamples);
  }
  if (options.feature_dim < 1 || options.feature_dim > kMaxFeatureDim) {
    return out_of_range("feature_dim", static_cast<double>(options.feature_dim), kMaxFeatureDim);
  }
  if (options.shingle_size < 1 || options.shingle_size > kMaxShingleSize) {
    return out_of_range("shingle_size", static_cast<double>(options.shingle_size), kMaxShingleSize);
  }
  if (options.feature_dim * options.shingle_size > kMaxDimensions) {
    return InvalidArgument(
        fmt::format("random cut forest: feature_dim {} times shingle_size {} exceeds {} dimensions",
                    options.feature_dim, options.shingle_size, kMaxDimensions));
  }
  const std::size_t values =
      options.num_trees * options.num_samples_per_tree * options.feature_dim * options.shingle_size;
  if (values > kMaxForestValues) {
    return InvalidArgument(fmt::format(
        "random cut forest: num_trees {} x num_samples_per_tree {} x {} dimensions is {} values, "
        "more than {}; use fewer trees, smaller samples or fewer dimensions",
        options.num_trees, options.num_samples_per_tree, options.feature_dim * options.shingle_size,
        values, kMaxForestValues));
  }
  if (!(options.time_decay >= 0.0 && options.time_decay <= 1.0)) {
    return InvalidArgument(fmt::format(
        "random cut forest: time_decay {} is outside 0..1 (a rate per point)", options.time_decay));
  }
  return Status::Ok();
}

RandomCutForest::RandomCutForest(const RandomCutForestOptions& options, RandomEngine engine)
    : options_(options),
      engine_(std::move(engine)),
      shingle_(options.feature_dim, options.shingle_size) {
  trees_.reserve(options.num_trees);
  for (std::size_t i = 0; i < options.num_trees; ++i) {
    trees_.push_back({RandomCutTree(dimensions(), options.num_samples_per_tree), {}});
    trees_.back().heap.reserve(options.num_samples_per_tree);
  }
}

Result<RandomCutForest> RandomCutForest::Create(const RandomCutForestOptions& options,
                                                RandomEngine engine) {
  RAMPART_RETURN_IF_ERROR(ValidateOptions(options));
  return RandomCutForest(options, std::move(engine));
}

void RandomCutForest::Update(const double* values) {
  const FloatPoint point(values, dimensions());
  ++sequence_;
  // Weights follow the Java Random Cut Forest library's sampler: log(-log u) - lambda t.
  // A tree keeps the points of smallest weight, so newer points win against older ones.
  const double decay = options_.time_decay * static_cast<double>(sequence_);
  for (TreeState& state : trees_) {
    const double weight = std::log(-std::log(UniformOpenUnit(engine_))) - decay;
    const bool full = state.heap.size() >= options_.num_samples_per_tree;
    if (full && !(weight < state.heap.front().weight)) {
      continue;
    }
    if (full) {
      std::pop_heap(state.heap.begin(), state.heap.end(), HeavierFirst<Sampled, Sampled>);
      state.tree.Delete(state.heap.back().leaf);
      state.heap.pop_back();
    }
    const std::int32_t leaf = state.tree.Insert(point.data(), engine_);
    state.heap.push_back({weight, leaf});
    std::push_heap(state.heap.begin(), state.heap.end(), HeavierFirst<Sampled, Sampled>);
  }
}

double RandomCutForest::Score(const double* values) const {
  const FloatPoint point(values, dimensions());
  RandomCutTree::Descent descents[kTreeGroup];
  double sum = 0.0;
  for (std::size_t first = 0; first < trees_.size(); first += kTreeGroup) {
    const std::size_t count = std::min(kTreeGroup, trees_.size() - first);
    for (std::size_t i = 0; i < count; ++i) {
      descents[i] = trees_[first + i].tree.Descend(point.data());
    }
    for (std::size_t i = 0; i < count; ++i) {
      sum += trees_[first + i].tree.ScoreFrom(point.data(), descents[i]);
    }
  }
  return sum / static_cast<double>(trees_.size());
}

Attribution RandomCutForest::Attribute(const double* values) const {
  const FloatPoint point(values, dimensions());
  Attribution total;
  total.high.assign(dimensions(), 0.0);
  total.low.assign(dimensions(), 0.0);
  const double scale = 1.0 / static_cast<double>(trees_.size());
  for (const TreeState& state : trees_) {
    const Attribution part = state.tree.Attribute(point.data());
    for (std::size_t d = 0; d < dimensions(); ++d) {
      total.high[d] += part.high[d] * scale;
      total.low[d] += part.low[d] * scale;
    }
    total.score += part.score * scale;
  }
  return total;
}

double RandomCutForest::ScoreAndUpdate(const double* record) {
  if (!shingle_.Push(record)) {
    return 0.0;
  }
  const std::vector<double>& point = shingle_.point();
  const double score = Score(point.data());
  Update(point.data());
  return score;
}

std::vector<double> RandomCutForest::ScoreAll(const Matrix& points) const {
  std::vector<double> scores(points.rows, 0.0);
  if (points.cols != dimensions()) {
    return scores;
  }
  for (std::size_t row = 0; row < points.rows; ++row) {
    scores[row] = Score(points.Row(row));
  }
  return scores;
}

std::string RandomCutForest::Encode() const {
  ByteWriter writer;
  writer.PutU64(options_.num_trees);
  writer.PutU64(options_.num_samples_per_tree);
  writer.PutU64(options_.feature_dim);
  writer.PutU64(options_.shingle_size);
  writer.PutF64(options_.time_decay);
  writer.PutU64(sequence_);
  std::ostringstream engine_state;
  engine_state << engine_;
  writer.PutString(engine_state.str());
  writer.PutU64(shingle_.seen());
  writer.PutU64(shingle_.next());
  writer.PutF64Array(shingle_.ring());
  for (const TreeState& state : trees_) {
    writer.PutU32(static_cast<std::uint32_t>(state.heap.size()));
    for (const Sampled& sampled : state.heap) {
      writer.PutF64(sampled.weight);
      writer.PutI32(sampled.leaf);
    }
    state.tree.Encode(writer);
  }
  return writer.Take();
}

Result<RandomCutForest> RandomCutForest::Decode(std::string_view payload) {
  ByteReader reader(payload);
  RandomCutForestOptions options;
  std::uint64_t values[4] = {};
  for (std::uint64_t& value : values) {
    reader.GetU64(value);
  }
  reader.GetF64(options.time_decay);
  options.num_trees = values[0];
  options.num_samples_per_tree = values[1];
  options.feature_dim = values[2];
  options.shingle_size = values[3];
  if (!reader.ok()) {
    return InvalidArgument("random cut forest payload is truncated inside its options");
  }
  RAMPART_RETURN_IF_ERROR(ValidateOptions(options));

  std::uint64_t sequence = 0;
  std::string engine_text;
  reader.GetU64(sequence);
  reader.GetString(engine_text, 1 << 16);
  RandomEngine engine;
  std::istringstream engine_state(engine_text);
  engine_state >> engine;
  if (!reader.ok() || engine_state.fail()) {
    return InvalidArgument("random cut forest payload has an invalid random engine state");
  }

  RandomCutForest forest(options, std::move(engine));
  forest.sequence_ = sequence;
  std::uint64_t seen = 0;
  std::uint64_t next = 0;
  std::vector<double> ring;
  reader.GetU64(seen);
  reader.GetU64(next);
  reader.GetF64Array(ring, kMaxDimensions);
  if (!reader.ok() || !forest.shingle_.Restore(seen, next, ring)) {
    return InvalidArgument("random cut forest payload has an invalid shingle state");
  }
  for (std::size_t index = 0; index < forest.trees_.size(); ++index) {
    TreeState& state = forest.trees_[index];
    std::uint32_t count = 0;
    if (!reader.GetU32(count) || count > options.num_samples_per_tree) {
      return InvalidArgument(fmt::format("random cut forest tree {}: invalid sample size", index));
    }
    state.heap.resize(count);
    std::vector<std::int32_t> leaves;
    for (Sampled& sampled : state.heap) {
      reader.GetF64(sampled.weight);
      reader.GetI32(sampled.leaf);
      leaves.push_back(sampled.leaf);
    }
    if (!state.tree.Decode(reader) || !state.tree.MatchesSample(leaves) ||
        !std::is_heap(state.heap.begin(), state.heap.end(), HeavierFirst<Sampled, Sampled>)) {
      return InvalidArgument(
          fmt::format("random cut forest tree {}: the tree or its sample is malformed", index));
    }
  }
  if (reader.remaining() != 0) {
    return InvalidArgument(
        fmt::format("random cut forest payload has {} bytes past its end", reader.remaining()));
  }
  return forest;
}

}  // namespace rampart::detect
