// Random Cut Forest, with the parameters SageMaker's built-in algorithm exposes (num_trees,
// num_samples_per_tree, feature_dim) and streaming updates: each tree keeps a time-decayed
// reservoir sample of the points seen, so the forest follows a drifting stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/matrix.h"
#include "detect/random.h"
#include "detect/random_cut_tree.h"
#include "detect/shingle.h"

namespace rampart::detect {

struct RandomCutForestOptions {
  static constexpr std::size_t kMaxTrees = 1000;
  static constexpr std::size_t kMaxSamples = 2048;

  std::size_t num_trees = 100;             // 1..kMaxTrees
  std::size_t num_samples_per_tree = 256;  // 1..kMaxSamples
  std::size_t feature_dim = 1;             // values per input record, 1..10000
  std::size_t shingle_size = 1;            // records per point; points have
                                           // feature_dim * shingle_size values
  // Decay rate lambda of the reservoir sample, per point. A point of age a keeps its place
  // against a newer one with weight exp(-lambda a), so the sample spans roughly the last
  // 1/lambda points. 0 keeps a uniform sample of the whole stream, as batch training does.
  double time_decay = 1e-5;
};

// A forest of random cut trees over shingled points. Scores are averaged over trees; a
// score near 1 is typical for points like the sample and scores grow with isolation (the
// largest possible is log2(num_samples_per_tree + 1)). Not thread-safe.
class RandomCutForest {
 public:
  // Fails when an option is out of range. `engine`, seeded by the caller, seeds one engine
  // per tree.
  static Result<RandomCutForest> Create(const RandomCutForestOptions& options, RandomEngine engine);

  // Adds one record of feature_dim values to the shingle. Once the shingle is full, scores
  // the shingled point against the forest as it is, then adds the point to the samples,
  // and returns the score; before that returns 0.
  double ScoreAndUpdate(const double* record);

  // Adds `count` records of feature_dim values each, in order, and returns one score per
  // record: exactly what ScoreAndUpdate would return for each, leaving the same forest.
  // The work runs tree by tree over batches of points, so a tree stays in cache while it
  // scores a whole batch instead of being fetched again for every record.
  std::vector<double> ScoreAndUpdateAll(const double* records, std::size_t count);

  // Adds a point of dimensions() values to every tree's sample, without scoring it.
  void Update(const double* point);

  // Adds each row of `points` (dimensions() columns) as Update would, tree by tree.
  void UpdateAll(const Matrix& points);

  // Returns the anomaly score of a point of dimensions() values; 0 for an empty forest.
  double Score(const double* point) const;

  // Returns the score split by dimension: high[d] + low[d] over all d sums to score.
  Attribution Attribute(const double* point) const;

  // Scores each row of `points` (dimensions() columns) without changing the forest.
  std::vector<double> ScoreAll(const Matrix& points) const;

  const RandomCutForestOptions& options() const { return options_; }
  std::size_t dimensions() const { return options_.feature_dim * options_.shingle_size; }
  std::uint64_t points_seen() const { return sequence_; }
  // Returns the shingled point that the last ScoreAndUpdate call formed.
  const std::vector<double>& last_point() { return shingle_.point(); }

  // Encodes the whole state (trees, samples, engines and shingle), so a decoded forest
  // scores and updates exactly as this one would.
  std::string Encode() const;
  static Result<RandomCutForest> Decode(std::string_view payload);

 private:
  // One point of a tree's reservoir sample: smaller weights are kept.
  struct Sampled {
    double weight;
    std::int32_t leaf;
  };
  // Each tree draws its sampling weights and cuts from its own engine, so the trees are
  // independent and the order in which they process points does not change any result.
  struct TreeState {
    RandomCutTree tree;
    std::vector<Sampled> heap;  // max-heap on weight, so the front is evicted first
    RandomEngine engine;
  };

  RandomCutForest(const RandomCutForestOptions& options, RandomEngine& engine);

  // Scores `count` points (dimensions() floats each) and adds them to the samples. For each
  // tree and point in order, the tree's score of the point is added to scores[i] unless
  // scores is null. Then the point is offered to the tree's sample.
  void Run(const float* points, std::size_t count, double* scores);
  void RunTree(TreeState& state, const float* points, std::size_t count, double* scores) const;
  // Adds every tree's score of one point to *sum, in tree order. The trees go in groups:
  // all of a group descend, starting the fetches of the boxes their climbs read, before
  // any of them climbs.
  void ScoreAcrossTrees(const float* point, double* sum) const;
  // Draws the weights of points first, first + 1, ... of the batch until the tree's sample
  // takes one, and returns its index with its weight; returns count when none is taken.
  std::size_t FindTaken(TreeState& state, std::size_t first, std::size_t count,
                        double& weight) const;
  // Adds `point` with `weight` to the tree's sample, evicting the heaviest point when the
  // sample already contains `capacity` points.
  static void AddToSample(TreeState& state, const float* point, double weight,
                          std::size_t capacity);
  // Converts the points of `rows` to single precision in `out`.
  void ToFloats(const Matrix& rows, std::size_t first, std::size_t count,
                std::vector<float>& out) const;

  RandomCutForestOptions options_;
  std::vector<TreeState> trees_;
  Shingle shingle_;
  std::uint64_t sequence_ = 0;  // points added so far
};

// Checks the options against the limits in RandomCutForestOptions; the error names the
// option, its value and the allowed range.
Status ValidateOptions(const RandomCutForestOptions& options);

}  // namespace rampart::detect
