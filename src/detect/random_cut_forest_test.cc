#include "detect/random_cut_forest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace rampart::detect {
namespace {

// A sine wave with small noise, one value per record.
std::vector<double> SineSeries(std::size_t count, std::uint64_t seed) {
  RandomEngine engine(seed);
  std::normal_distribution<double> noise(0.0, 0.05);
  std::vector<double> series(count);
  for (std::size_t i = 0; i < count; ++i) {
    series[i] = std::sin(static_cast<double>(i) * 2.0 * M_PI / 50.0) + noise(engine);
  }
  return series;
}

RandomCutForestOptions SmallOptions() {
  RandomCutForestOptions options;
  options.num_trees = 30;
  options.num_samples_per_tree = 64;
  options.shingle_size = 4;
  options.time_decay = 1e-3;
  return options;
}

TEST(RandomCutForest, SpikeScoresHigh) {
  auto forest = RandomCutForest::Create(SmallOptions(), RandomEngine(1));
  ASSERT_TRUE(forest.has_value()) << forest.status().ToString();
  std::vector<double> series = SineSeries(3000, 2);
  series[2500] = 6.0;
  double normal_max = 0.0;
  double spike = 0.0;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const double score = forest->ScoreAndUpdate(&series[i]);
    if (i == 2500) {
      spike = score;
    } else if (i > 1000 && (i < 2500 || i > 2504)) {
      normal_max = std::max(normal_max, score);
    }
  }
  EXPECT_GT(spike, 2.0 * normal_max) << "spike " << spike << ", normal max " << normal_max;
  EXPECT_EQ(forest->points_seen(), 2997u);  // the first 3 records only fill the shingle
}

TEST(RandomCutForest, SampleStaysFull) {
  RandomCutForestOptions options = SmallOptions();
  options.shingle_size = 1;
  auto forest = RandomCutForest::Create(options, RandomEngine(4));
  ASSERT_TRUE(forest);
  const std::vector<double> series = SineSeries(5000, 3);
  for (double value : series) {
    forest->ScoreAndUpdate(&value);
  }
  // Every tree was full long ago and has traded points since; a damaged tree would fail
  // to decode, which checks structure, masses and sample membership.
  auto decoded = RandomCutForest::Decode(forest->Encode());
  ASSERT_TRUE(decoded.has_value()) << decoded.status().ToString();
}

TEST(RandomCutForest, DuplicatePointsKeepMasses) {
  RandomCutForestOptions options = SmallOptions();
  options.shingle_size = 1;
  options.time_decay = 0.0;
  auto forest = RandomCutForest::Create(options, RandomEngine(2));
  ASSERT_TRUE(forest);
  // Three values repeated many times: leaves gain mass instead of siblings.
  for (int i = 0; i < 1000; ++i) {
    const double value = static_cast<double>(i % 3);
    forest->Update(&value);
  }
  const double seen = 1.0;
  const double unseen = 7.5;
  EXPECT_LT(forest->Score(&seen), forest->Score(&unseen));
  auto decoded = RandomCutForest::Decode(forest->Encode());
  ASSERT_TRUE(decoded.has_value()) << decoded.status().ToString();
  EXPECT_EQ(decoded->Score(&unseen), forest->Score(&unseen));
}

TEST(RandomCutForest, SameSeedSameScores) {
  const std::vector<double> series = SineSeries(800, 5);
  auto first = RandomCutForest::Create(SmallOptions(), RandomEngine(7));
  auto second = RandomCutForest::Create(SmallOptions(), RandomEngine(7));
  auto other = RandomCutForest::Create(SmallOptions(), RandomEngine(8));
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  ASSERT_TRUE(other.has_value());
  double difference = 0.0;
  for (double value : series) {
    const double a = first->ScoreAndUpdate(&value);
    EXPECT_EQ(a, second->ScoreAndUpdate(&value));
    difference += std::abs(a - other->ScoreAndUpdate(&value));
  }
  EXPECT_GT(difference, 0.0);
}

TEST(RandomCutForest, AttributionSumsToScore) {
  auto forest = RandomCutForest::Create(SmallOptions(), RandomEngine(3));
  ASSERT_TRUE(forest);
  const std::vector<double> series = SineSeries(1500, 9);
  for (double value : series) {
    forest->ScoreAndUpdate(&value);
  }
  const std::vector<double> seen = forest->last_point();
  std::vector<double> spike = seen;
  spike[3] = 5.0;  // the newest record of the shingle jumps up
  for (const std::vector<double>& point : {seen, spike}) {
    const Attribution attribution = forest->Attribute(point.data());
    double sum = 0.0;
    for (std::size_t d = 0; d < point.size(); ++d) {
      sum += attribution.high[d] + attribution.low[d];
    }
    EXPECT_NEAR(attribution.score, forest->Score(point.data()), 1e-9);
    EXPECT_NEAR(sum, attribution.score, 1e-9);
  }
  const Attribution attribution = forest->Attribute(spike.data());
  EXPECT_GT(attribution.high[3], 0.5 * attribution.score);
}

TEST(RandomCutForest, DecodeKeepsScoresAndUpdates) {
  const std::vector<double> series = SineSeries(1200, 11);
  auto forest = RandomCutForest::Create(SmallOptions(), RandomEngine(5));
  ASSERT_TRUE(forest);
  for (std::size_t i = 0; i < 600; ++i) {
    forest->ScoreAndUpdate(&series[i]);
  }
  auto copy = RandomCutForest::Decode(forest->Encode());
  ASSERT_TRUE(copy.has_value()) << copy.status().ToString();
  for (std::size_t i = 600; i < series.size(); ++i) {
    EXPECT_EQ(copy->ScoreAndUpdate(&series[i]), forest->ScoreAndUpdate(&series[i])) << i;
  }
}

TEST(RandomCutForest, DecodeRejectsDamage) {
  auto forest = RandomCutForest::Create(SmallOptions(), RandomEngine(5));
  ASSERT_TRUE(forest);
  const std::vector<double> series = SineSeries(300, 1);
  for (double value : series) {
    forest->ScoreAndUpdate(&value);
  }
  const std::string payload = forest->Encode();
  EXPECT_FALSE(RandomCutForest::Decode(payload.substr(0, payload.size() / 2)).has_value());
  std::string bad_trees = payload;
  bad_trees[0] = 0;  // num_trees 0
  EXPECT_FALSE(RandomCutForest::Decode(bad_trees).has_value());
}

// A model file edited to hold an infinite point decodes no more: its scores were infinite.
TEST(RandomCutForest, DecodeRejectsValuesOutOfRange) {
  auto forest = RandomCutForest::Create(SmallOptions(), RandomEngine(5));
  ASSERT_TRUE(forest);
  for (int i = 0; i < 50; ++i) {
    const double value = i == 20 ? 12345.5 : std::sin(i / 3.0);
    forest->ScoreAndUpdate(&value);
  }
  const std::string payload = forest->Encode();
  const float marker = 12345.5F;
  const std::string marker_bytes(reinterpret_cast<const char*>(&marker), sizeof(marker));
  const std::size_t at = payload.find(marker_bytes);
  ASSERT_NE(at, std::string::npos);
  ASSERT_TRUE(RandomCutForest::Decode(payload).has_value());
  for (const float bad :
       {std::numeric_limits<float>::infinity(), 3e38F, std::numeric_limits<float>::quiet_NaN()}) {
    std::string edited = payload;
    edited.replace(at, sizeof(bad), reinterpret_cast<const char*>(&bad), sizeof(bad));
    EXPECT_FALSE(RandomCutForest::Decode(edited).has_value()) << bad;
  }
}

// Past about 3.4e38 a value has no single-precision form. Unless such values are clamped,
// every score is NaN and the largest spike of a series is never reported.
TEST(RandomCutForest, HugeValuesScoreAsOutliers) {
  RandomCutForestOptions options = SmallOptions();
  options.feature_dim = 2;
  options.shingle_size = 1;
  auto forest = RandomCutForest::Create(options, RandomEngine(3));
  ASSERT_TRUE(forest);
  const std::vector<double> series = SineSeries(400, 4);
  for (std::size_t i = 0; i + 1 < series.size(); ++i) {
    forest->Update(&series[i]);
  }
  const double usual[2] = {0.5, 0.5};
  const double normal = forest->Score(usual);
  for (double huge : {1e30, 3.5e38, 1e300, -1e300}) {
    const double point[2] = {huge, 0.0};
    const double score = forest->Score(point);
    EXPECT_TRUE(std::isfinite(score)) << huge;
    EXPECT_GT(score, 2.0 * normal) << huge;
  }
  const double record[2] = {1e300, 1e300};
  EXPECT_TRUE(std::isfinite(forest->ScoreAndUpdate(record)));
  EXPECT_TRUE(std::isfinite(forest->Score(usual)));  // also if a sample took the huge point
}

TEST(RandomCutForest, RejectsBadOptions) {
  RandomCutForestOptions options;
  options.num_trees = 0;
  auto forest = RandomCutForest::Create(options, RandomEngine(1));
  ASSERT_FALSE(forest.has_value());
  EXPECT_NE(forest.status().message().find("num_trees 0"), std::string::npos);
  options = {};
  options.time_decay = -1.0;
  EXPECT_FALSE(RandomCutForest::Create(options, RandomEngine(1)).has_value());
}

TEST(RandomCutForest, RejectsForestsTooLargeForMemory) {
  RandomCutForestOptions options;
  options.num_trees = 1000;
  options.num_samples_per_tree = 2048;
  options.feature_dim = 100;
  options.shingle_size = 1;
  auto forest = RandomCutForest::Create(options, RandomEngine(1));
  ASSERT_FALSE(forest.has_value());
  EXPECT_NE(forest.status().message().find("is 204800000 values, more than 33554432"),
            std::string::npos)
      << forest.status().message();

  // A model payload with the options of such a forest fails before anything is allocated.
  auto small = RandomCutForest::Create(RandomCutForestOptions{}, RandomEngine(1));
  ASSERT_TRUE(small.has_value());
  std::string payload = small->Encode();
  const std::uint64_t header[4] = {1000, 2048, 100, 1};
  for (int field = 0; field < 4; ++field) {
    for (int byte = 0; byte < 8; ++byte) {
      payload[field * 8 + byte] = static_cast<char>((header[field] >> (8 * byte)) & 0xff);
    }
  }
  auto decoded = RandomCutForest::Decode(payload);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.status().message().find("more than 33554432"), std::string::npos)
      << decoded.status().message();
}

TEST(Shingle, KeepsOldestFirst) {
  Shingle shingle(2, 3);
  const double records[4][2] = {{1, 10}, {2, 20}, {3, 30}, {4, 40}};
  EXPECT_FALSE(shingle.Push(records[0]));
  EXPECT_FALSE(shingle.Push(records[1]));
  EXPECT_TRUE(shingle.Push(records[2]));
  EXPECT_EQ(shingle.point(), (std::vector<double>{1, 10, 2, 20, 3, 30}));
  EXPECT_TRUE(shingle.Push(records[3]));
  EXPECT_EQ(shingle.point(), (std::vector<double>{2, 20, 3, 30, 4, 40}));
}

}  // namespace
}  // namespace rampart::detect
