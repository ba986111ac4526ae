// The forest's batched, tree-by-tree path against the textbook order: every point scored by
// every tree, then offered to every tree's sample, one point after another.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "detect/random_cut_forest.h"

namespace rampart::detect {
namespace {

RandomCutForestOptions ShingledOptions() {
  RandomCutForestOptions options;
  options.num_trees = 20;
  options.num_samples_per_tree = 64;
  options.feature_dim = 2;
  options.shingle_size = 4;
  options.time_decay = 1e-3;  // high, so that the samples keep taking points
  return options;
}

// Two noisy waves with a burst of outliers, `feature_dim` 2.
std::vector<double> TwoSeries(std::size_t records) {
  RandomEngine engine(17);
  std::normal_distribution<double> noise(0.0, 0.1);
  std::vector<double> values;
  for (std::size_t t = 0; t < records; ++t) {
    const double phase = static_cast<double>(t) * 2.0 * M_PI / 40.0;
    const double burst = (t % 500 > 490) ? 6.0 : 0.0;
    values.push_back(std::sin(phase) + noise(engine) + burst);
    values.push_back(std::cos(phase) + noise(engine));
  }
  return values;
}

// A forest written out in the plain order, from the documented sampler. The weight of the
// t-th point is log(-log u) - time_decay * t, with u from the tree's own engine. A full
// sample takes the point when that weight is below its heaviest.
class ReferenceForest {
 public:
  ReferenceForest(const RandomCutForestOptions& options, RandomEngine seeds) : options_(options) {
    for (std::size_t i = 0; i < options.num_trees; ++i) {
      trees_.push_back(Tree{
          RandomCutTree(Dimensions(), options.num_samples_per_tree), {}, RandomEngine(seeds())});
    }
  }

  double ScoreAndUpdate(const std::vector<float>& point) {
    double sum = 0.0;
    for (const Tree& tree : trees_) {
      sum += tree.tree.Score(point.data());
    }
    ++sequence_;
    for (Tree& tree : trees_) {
      Offer(tree, point);
    }
    return sum / static_cast<double>(trees_.size());
  }

  std::size_t Dimensions() const { return options_.feature_dim * options_.shingle_size; }

 private:
  struct Tree {
    RandomCutTree tree;
    std::vector<std::pair<double, std::int32_t>> heap;  // max-heap on weight
    RandomEngine engine;
  };

  void Offer(Tree& tree, const std::vector<float>& point) {
    const double u = UniformOpenUnit(tree.engine);
    const double weight =
        std::log(-std::log(u)) - options_.time_decay * static_cast<double>(sequence_);
    if (tree.heap.size() >= options_.num_samples_per_tree) {
      if (!(weight < tree.heap.front().first)) {
        return;
      }
      std::pop_heap(tree.heap.begin(), tree.heap.end());
      tree.tree.Delete(tree.heap.back().second);
      tree.heap.pop_back();
    }
    tree.heap.emplace_back(weight, tree.tree.Insert(point.data(), tree.engine));
    std::push_heap(tree.heap.begin(), tree.heap.end());
  }

  RandomCutForestOptions options_;
  std::vector<Tree> trees_;
  std::uint64_t sequence_ = 0;
};

// The reference's scores of the same records, with the shingling done here.
std::vector<double> ReferenceScores(const std::vector<double>& values, std::uint64_t seed) {
  const RandomCutForestOptions options = ShingledOptions();
  ReferenceForest reference(options, RandomEngine(seed));
  const std::size_t records = values.size() / options.feature_dim;
  std::vector<double> scores(records, 0.0);
  for (std::size_t t = options.shingle_size - 1; t < records; ++t) {
    const std::size_t first = (t + 1 - options.shingle_size) * options.feature_dim;
    std::vector<float> point(reference.Dimensions());
    for (std::size_t d = 0; d < point.size(); ++d) {
      point[d] = static_cast<float>(values[first + d]);
    }
    scores[t] = reference.ScoreAndUpdate(point);
  }
  return scores;
}

TEST(RandomCutForestBatch, EveryBlockSizeGivesTheReferenceScores) {
  const std::vector<double> values = TwoSeries(3000);
  const std::vector<double> expected = ReferenceScores(values, 23);
  ASSERT_GT(*std::max_element(expected.begin(), expected.end()), 2.0);  // the bursts stand out

  std::string first_state;
  for (std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{1500}, std::size_t{3000}}) {
    auto forest = RandomCutForest::Create(ShingledOptions(), RandomEngine(23));
    ASSERT_TRUE(forest.has_value());
    for (std::size_t start = 0; start < 3000; start += block) {
      const std::size_t count = std::min(block, 3000 - start);
      const std::vector<double> scores = forest->ScoreAndUpdateAll(&values[start * 2], count);
      for (std::size_t i = 0; i < count; ++i) {
        ASSERT_EQ(scores[i], expected[start + i]) << "record " << start + i << ", block " << block;
      }
    }
    EXPECT_EQ(forest->points_seen(), 2997u);
    // The forests agree in every tree, sample and engine, not only in their scores.
    const std::string state = forest->Encode();
    if (first_state.empty()) {
      first_state = state;
    }
    EXPECT_EQ(state, first_state) << "block " << block;
  }
}

TEST(RandomCutForestBatch, SingleRecordsGiveTheReferenceScores) {
  const std::vector<double> values = TwoSeries(1200);
  const std::vector<double> expected = ReferenceScores(values, 5);
  auto forest = RandomCutForest::Create(ShingledOptions(), RandomEngine(5));
  ASSERT_TRUE(forest.has_value());
  for (std::size_t t = 0; t < 1200; ++t) {
    ASSERT_EQ(forest->ScoreAndUpdate(&values[t * 2]), expected[t]) << "record " << t;
  }
}

TEST(RandomCutForestBatch, RowsMatchOneByOne) {
  RandomCutForestOptions options = ShingledOptions();
  options.shingle_size = 1;
  options.time_decay = 0.0;
  const std::vector<double> values = TwoSeries(2500);
  Matrix rows(2500, 2);
  rows.values = values;

  auto batched = RandomCutForest::Create(options, RandomEngine(9));
  auto single = RandomCutForest::Create(options, RandomEngine(9));
  ASSERT_TRUE(batched.has_value());
  ASSERT_TRUE(single.has_value());
  batched->UpdateAll(rows);
  for (std::size_t row = 0; row < rows.rows; ++row) {
    single->Update(rows.Row(row));
  }
  EXPECT_EQ(batched->Encode(), single->Encode());

  const std::vector<double> scores = batched->ScoreAll(rows);
  ASSERT_EQ(scores.size(), rows.rows);
  for (std::size_t row = 0; row < rows.rows; ++row) {
    ASSERT_EQ(scores[row], single->Score(rows.Row(row))) << "row " << row;
  }
}

}  // namespace
}  // namespace rampart::detect
