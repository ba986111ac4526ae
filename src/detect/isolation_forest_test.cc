#include "detect/isolation_forest.h"

#include <gtest/gtest.h>

#include <cmath>

#include "detect/roc.h"

namespace rampart::detect {
namespace {

// 1,000 points from a Gaussian around the origin and 10 far-away points.
LabelledData GaussianWithOutliers(std::uint64_t seed) {
  RandomEngine engine(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  LabelledData data;
  data.features = Matrix(1010, 2);
  for (std::size_t row = 0; row < 1010; ++row) {
    const bool outlier = row >= 1000;
    for (std::size_t col = 0; col < 2; ++col) {
      data.features.At(row, col) = outlier ? 8.0 + normal(engine) : normal(engine);
    }
    data.labels.push_back(outlier ? 1 : 0);
  }
  return data;
}

TEST(AveragePathLength, MatchesDefinition) {
  EXPECT_EQ(AveragePathLength(0), 0.0);
  EXPECT_EQ(AveragePathLength(1), 0.0);
  EXPECT_EQ(AveragePathLength(2), 1.0);
  // 2 (ln 255 + gamma) - 2 * 255 / 256, computed by hand.
  EXPECT_NEAR(AveragePathLength(256), 10.244770920116851, 1e-9);
}

TEST(IsolationForest, SeparatesOutliers) {
  const LabelledData data = GaussianWithOutliers(7);
  RandomEngine engine(1);
  auto forest = IsolationForest::Fit(data.features, {}, engine);
  ASSERT_TRUE(forest.has_value()) << forest.status().ToString();
  EXPECT_EQ(forest->max_depth(), 8u);
  EXPECT_EQ(forest->sample_size(), 256u);

  const std::vector<double> scores = forest->ScoreAll(data.features);
  EXPECT_GT(RocAuc(scores, data.labels), 0.99);
  for (std::size_t row = 1000; row < 1010; ++row) {
    EXPECT_GT(scores[row], 0.6) << "outlier row " << row;
  }
  for (double score : scores) {
    EXPECT_GT(score, 0.0);
    EXPECT_LT(score, 1.0);
  }
}

TEST(IsolationForest, SameSeedSameScores) {
  const LabelledData data = GaussianWithOutliers(3);
  RandomEngine first_engine(42);
  RandomEngine second_engine(42);
  RandomEngine other_engine(43);
  auto first = IsolationForest::Fit(data.features, {}, first_engine);
  auto second = IsolationForest::Fit(data.features, {}, second_engine);
  auto other = IsolationForest::Fit(data.features, {}, other_engine);
  ASSERT_TRUE(first && second && other);
  EXPECT_EQ(first->ScoreAll(data.features), second->ScoreAll(data.features));
  EXPECT_NE(first->ScoreAll(data.features), other->ScoreAll(data.features));
}

TEST(IsolationForest, ScoreMatchesScoreAll) {
  const LabelledData data = GaussianWithOutliers(5);
  RandomEngine engine(9);
  auto forest = IsolationForest::Fit(data.features, {}, engine);
  ASSERT_TRUE(forest);
  const std::vector<double> scores = forest->ScoreAll(data.features);
  EXPECT_EQ(forest->Score(data.features.Row(17)), scores[17]);
  EXPECT_EQ(forest->Score(data.features.Row(1005)), scores[1005]);
}

TEST(IsolationForest, ConstantDataScoresEvenly) {
  Matrix constant(300, 3);
  std::fill(constant.values.begin(), constant.values.end(), 4.0);
  RandomEngine engine(1);
  auto forest = IsolationForest::Fit(constant, {}, engine);
  ASSERT_TRUE(forest);
  // Every tree is a single leaf of 256 rows, so E[h] = c(256) and the score is 2^-1.
  EXPECT_NEAR(forest->Score(constant.Row(0)), 0.5, 1e-12);
}

// A sample of one row would give a tree that cannot split and a model file that is rejected
// when loaded, so training stops first.
TEST(IsolationForest, RejectsSingleRow) {
  Matrix one(1, 2);
  RandomEngine engine(1);
  auto forest = IsolationForest::Fit(one, {}, engine);
  ASSERT_FALSE(forest.has_value());
  EXPECT_NE(forest.status().message().find("1 row"), std::string::npos)
      << forest.status().message();
}

TEST(IsolationForest, SmallDataUsesAllRows) {
  Matrix small(20, 1);
  for (std::size_t row = 0; row < 20; ++row) {
    small.At(row, 0) = static_cast<double>(row);
  }
  RandomEngine engine(1);
  auto forest = IsolationForest::Fit(small, {}, engine);
  ASSERT_TRUE(forest);
  EXPECT_EQ(forest->sample_size(), 20u);
  EXPECT_EQ(forest->max_depth(), 5u);  // ceil(log2 20)
}

TEST(IsolationForest, RejectsBadOptions) {
  Matrix data(10, 2);
  RandomEngine engine(1);
  IsolationForestOptions no_trees;
  no_trees.num_trees = 0;
  EXPECT_FALSE(IsolationForest::Fit(data, no_trees, engine).has_value());
  IsolationForestOptions tiny_sample;
  tiny_sample.sample_size = 1;
  EXPECT_FALSE(IsolationForest::Fit(data, tiny_sample, engine).has_value());
  EXPECT_FALSE(IsolationForest::Fit(Matrix(), {}, engine).has_value());
}

TEST(IsolationForest, EncodeDecodeKeepsScores) {
  const LabelledData data = GaussianWithOutliers(11);
  RandomEngine engine(2);
  auto forest = IsolationForest::Fit(data.features, {}, engine);
  ASSERT_TRUE(forest);
  auto decoded = IsolationForest::Decode(forest->Encode());
  ASSERT_TRUE(decoded.has_value()) << decoded.status().ToString();
  EXPECT_EQ(decoded->ScoreAll(data.features), forest->ScoreAll(data.features));
}

TEST(IsolationForest, DecodeRejectsTruncatedPayload) {
  const LabelledData data = GaussianWithOutliers(11);
  RandomEngine engine(2);
  auto forest = IsolationForest::Fit(data.features, {}, engine);
  ASSERT_TRUE(forest);
  const std::string payload = forest->Encode();
  auto decoded = IsolationForest::Decode(payload.substr(0, payload.size() - 8));
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.status().message().find("expected"), std::string::npos);
}

// A leaf path length that is not a number, as a damaged file can hold, would score its whole
// leaf NaN; the file is rejected instead.
TEST(IsolationForest, DecodeRejectsNanPathLength) {
  const LabelledData data = GaussianWithOutliers(11);
  RandomEngine engine(2);
  auto forest = IsolationForest::Fit(data.features, {}, engine);
  ASSERT_TRUE(forest);
  std::string payload = forest->Encode();
  // All eight bytes 0xFF make a NaN in either byte order: every exponent bit is set.
  payload.replace(payload.size() - 8, 8, std::string(8, '\xFF'));
  auto decoded = IsolationForest::Decode(payload);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.status().message().find("leaf path length"), std::string::npos)
      << decoded.status().ToString();
}

}  // namespace
}  // namespace rampart::detect
