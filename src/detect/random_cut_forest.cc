#include "detect/random_cut_forest.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "detect/byte_codec.h"

namespace rampart::detect {
namespace {

constexpr std::size_t kMaxTrees = RandomCutForestOptions::kMaxTrees;
constexpr std::size_t kMaxSamples = RandomCutForestOptions::kMaxSamples;
constexpr std::size_t kMaxFeatureDim = 10000;
constexpr std::size_t kMaxShingleSize = 1000;
constexpr std::size_t kMaxDimensions = 10000;
// Trees keep about 12 bytes per sample and dimension (points and bounding boxes in single
// precision), so this caps a forest at about 400 MB, also one decoded from a model file.
constexpr std::size_t kMaxForestValues = std::size_t{1} << 25;
// A text-encoded std::mt19937_64 state is 313 numbers of at most 20 digits.
constexpr std::size_t kMaxEngineText = 8192;

bool HeavierFirst(const auto& a, const auto& b) { return a.weight < b.weight; }

// Points a tree scores together, level by level (RandomCutTree::DescendAll and ClimbAll).
constexpr std::size_t kGroup = RandomCutTree::kMaxGroup;

// Points per batch of tree-by-tree work: enough to use each tree many times while it is in
// cache, few enough that the batch's points (at most 128 KB) stay there too.
std::size_t BatchPoints(std::size_t dimensions) {
  constexpr std::size_t kBatchValues = 32768;
  return std::clamp<std::size_t>(kBatchValues / dimensions, 1, 1024);
}

// Adds each tree's score of `count` points (tree.dimensions() values each) to scores[i].
void ScoreRange(const RandomCutTree& tree, const float* points, std::size_t count, double* scores) {
  const std::size_t dims = tree.dimensions();
  RandomCutTree::Descent descents[kGroup];
  for (std::size_t first = 0; first < count; first += kGroup) {
    const std::size_t group = std::min(kGroup, count - first);
    tree.DescendAll(points + first * dims, group, descents);
    tree.ClimbAll(points + first * dims, group, descents, scores + first);
  }
}

// A point's weight in the Java Random Cut Forest library's sampler: log(-log u) - lambda t.
// A tree keeps the points of smallest weight, so newer points win against older ones.
double WeightOf(double u, double time_decay, std::uint64_t sequence) {
  return std::log(-std::log(u)) - time_decay * static_cast<double>(sequence);
}

double DrawWeight(RandomEngine& engine, double time_decay, std::uint64_t sequence) {
  return WeightOf(UniformOpenUnit(engine), time_decay, sequence);
}

// Converts a value to the single precision that the trees keep. Values beyond +-1e30 become
// +-1e30: past about 3.4e38 a float is infinite, and sums of ranges near that overflow, which
// would make every score NaN. A value that large lies outside any sample, so it still scores
// as an outlier.
float ToTreeValue(double value) {
  constexpr double kLargest = RandomCutTree::kMaxValue;
  return static_cast<float>(std::clamp(value, -kLargest, kLargest));
}

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
      data_[d] = ToTreeValue(values[d]);
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

void RandomCutForest::AddToSample(TreeState& state, const float* point, double weight,
                                  std::size_t capacity) {
  if (state.heap.size() >= capacity) {
    std::pop_heap(state.heap.begin(), state.heap.end(), HeavierFirst<Sampled, Sampled>);
    state.tree.Delete(state.heap.back().leaf);
    state.heap.pop_back();
  }
  const std::int32_t leaf = state.tree.Insert(point, state.engine);
  state.heap.push_back({weight, leaf});
  std::push_heap(state.heap.begin(), state.heap.end(), HeavierFirst<Sampled, Sampled>);
}

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

RandomCutForest::RandomCutForest(const RandomCutForestOptions& options, RandomEngine& engine)
    : options_(options), shingle_(options.feature_dim, options.shingle_size) {
  trees_.reserve(options.num_trees);
  for (std::size_t i = 0; i < options.num_trees; ++i) {
    trees_.push_back(
        {RandomCutTree(dimensions(), options.num_samples_per_tree), {}, RandomEngine(engine())});
    trees_.back().heap.reserve(options.num_samples_per_tree);
  }
}

Result<RandomCutForest> RandomCutForest::Create(const RandomCutForestOptions& options,
                                                RandomEngine engine) {
  RAMPART_RETURN_IF_ERROR(ValidateOptions(options));
  return RandomCutForest(options, engine);
}

void RandomCutForest::Run(const float* points, std::size_t count, double* scores) {
  if (count == 1 && scores != nullptr) {
    // One point gains nothing from going tree by tree; scoring it across trees first
    // overlaps the trees' memory reads. Each tree still scores the point before its sample
    // can take it, so the result is the same.
    ScoreAcrossTrees(points, scores);
    scores = nullptr;
  }
  for (TreeState& state : trees_) {
    RunTree(state, points, count, scores);
  }
  sequence_ += count;
}

void RandomCutForest::RunTree(TreeState& state, const float* points, std::size_t count,
                              double* scores) const {
  const std::size_t dims = dimensions();
  const std::size_t capacity = options_.num_samples_per_tree;
  std::size_t next = 0;
  while (next < count) {
    // Weights come first: until the sample takes a point, the tree does not change, so the
    // points before it are scored together.
    double weight = 0.0;
    const std::size_t next_taken = FindTaken(state, next, count, weight);
    const std::size_t end = std::min(next_taken + 1, count);
    if (scores != nullptr) {
      ScoreRange(state.tree, points + next * dims, end - next, scores + next);
    }
    if (next_taken < count) {
      AddToSample(state, points + next_taken * dims, weight, capacity);
    }
    next = end;
  }
}

std::size_t RandomCutForest::FindTaken(TreeState& state, std::size_t first, std::size_t count,
                                       double& weight) const {
  const double decay = options_.time_decay;
  if (state.heap.size() < options_.num_samples_per_tree) {
    weight = DrawWeight(state.engine, decay, sequence_ + first + 1);
    return first;
  }
  // A point is taken when log(-log u) - decay t < front. Every t of this batch is at most
  // `last`, so a draw u <= exp(-exp(front + decay last)) cannot be taken, and most draws are
  // settled without a logarithm. The margin keeps rounding from turning away a point the
  // exact test would take.
  const double front = state.heap.front().weight;
  const double last = static_cast<double>(sequence_ + count);
  const double surely_not = std::exp(-std::exp(front + decay * last)) * (1.0 - 1e-9);
  for (std::size_t index = first; index < count; ++index) {
    const double u = UniformOpenUnit(state.engine);
    if (u <= surely_not) {
      continue;
    }
    weight = WeightOf(u, decay, sequence_ + index + 1);
    if (weight < front) {
      return index;
    }
  }
  return count;
}

void RandomCutForest::Update(const double* values) {
  const FloatPoint point(values, dimensions());
  Run(point.data(), 1, nullptr);
}

void RandomCutForest::UpdateAll(const Matrix& points) {
  if (points.cols != dimensions()) {
    return;
  }
  std::vector<float> batch;
  const std::size_t batch_points = BatchPoints(dimensions());
  for (std::size_t first = 0; first < points.rows; first += batch_points) {
    const std::size_t count = std::min(batch_points, points.rows - first);
    ToFloats(points, first, count, batch);
    Run(batch.data(), count, nullptr);
  }
}

double RandomCutForest::Score(const double* values) const {
  const FloatPoint point(values, dimensions());
  double sum = 0.0;
  ScoreAcrossTrees(point.data(), &sum);
  return sum / static_cast<double>(trees_.size());
}

void RandomCutForest::ScoreAcrossTrees(const float* point, double* sum) const {
  RandomCutTree::Descent descents[kGroup];
  for (std::size_t first = 0; first < trees_.size(); first += kGroup) {
    const std::size_t group = std::min(kGroup, trees_.size() - first);
    for (std::size_t i = 0; i < group; ++i) {
      descents[i] = trees_[first + i].tree.Descend(point);
    }
    for (std::size_t i = 0; i < group; ++i) {
      trees_[first + i].tree.ClimbAll(point, 1, &descents[i], sum);
    }
  }
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
  return ScoreAndUpdateAll(record, 1).front();
}

std::vector<double> RandomCutForest::ScoreAndUpdateAll(const double* records, std::size_t count) {
  std::vector<double> scores(count, 0.0);
  const std::size_t batch_points = BatchPoints(dimensions());
  std::vector<float> batch;
  std::vector<std::size_t> rows;  // the record whose shingle completed each batch point
  auto flush = [&] {
    std::vector<double> sums(rows.size(), 0.0);
    Run(batch.data(), rows.size(), sums.data());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      scores[rows[i]] = sums[i] / static_cast<double>(trees_.size());
    }
    batch.clear();
    rows.clear();
  };
  for (std::size_t row = 0; row < count; ++row) {
    if (!shingle_.Push(records + row * options_.feature_dim)) {
      continue;
    }
    for (double value : shingle_.point()) {
      batch.push_back(ToTreeValue(value));
    }
    rows.push_back(row);
    if (rows.size() == batch_points) {
      flush();
    }
  }
  flush();
  return scores;
}

std::vector<double> RandomCutForest::ScoreAll(const Matrix& points) const {
  std::vector<double> scores(points.rows, 0.0);
  if (points.cols != dimensions()) {
    return scores;
  }
  std::vector<float> batch;
  const std::size_t batch_points = BatchPoints(dimensions());
  for (std::size_t first = 0; first < points.rows; first += batch_points) {
    const std::size_t count = std::min(batch_points, points.rows - first);
    ToFloats(points, first, count, batch);
    for (const TreeState& state : trees_) {
      ScoreRange(state.tree, batch.data(), count, scores.data() + first);
    }
  }
  for (double& score : scores) {
    score /= static_cast<double>(trees_.size());
  }
  return scores;
}

void RandomCutForest::ToFloats(const Matrix& rows, std::size_t first, std::size_t count,
                               std::vector<float>& out) const {
  out.resize(count * rows.cols);
  for (std::size_t row = 0; row < count; ++row) {
    const double* values = rows.Row(first + row);
    for (std::size_t col = 0; col < rows.cols; ++col) {
      out[row * rows.cols + col] = ToTreeValue(values[col]);
    }
  }
}

std::string RandomCutForest::Encode() const {
  ByteWriter writer;
  writer.PutU64(options_.num_trees);
  writer.PutU64(options_.num_samples_per_tree);
  writer.PutU64(options_.feature_dim);
  writer.PutU64(options_.shingle_size);
  writer.PutF64(options_.time_decay);
  writer.PutU64(sequence_);
  writer.PutU64(shingle_.seen());
  writer.PutU64(shingle_.next());
  writer.PutF64Array(shingle_.ring());
  for (const TreeState& state : trees_) {
    std::ostringstream engine_state;
    engine_state << state.engine;
    writer.PutString(engine_state.str());
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
  reader.GetU64(sequence);
  RandomEngine seeds;
  RandomCutForest forest(options, seeds);
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
    std::string engine_text;
    reader.GetString(engine_text, kMaxEngineText);
    std::istringstream engine_state(engine_text);
    engine_state >> state.engine;
    if (!reader.ok() || engine_state.fail()) {
      return InvalidArgument(
          fmt::format("random cut forest tree {}: invalid random engine state", index));
    }
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
