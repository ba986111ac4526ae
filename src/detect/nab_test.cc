#include "detect/nab.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

namespace rampart::detect {
namespace {

const std::filesystem::path kNab = std::filesystem::path(RAMPART_SHARED_DATA) / "anomaly/nab";

TEST(NabScaledSigmoid, MatchesDefinition) {
  EXPECT_NEAR(NabScaledSigmoid(-1.0), 0.98661, 1e-5);
  EXPECT_NEAR(NabScaledSigmoid(-0.5), 0.84828, 1e-5);
  EXPECT_DOUBLE_EQ(NabScaledSigmoid(0.0), 0.0);
  EXPECT_NEAR(NabScaledSigmoid(1.0), -0.98661, 1e-5);
  EXPECT_DOUBLE_EQ(NabScaledSigmoid(3.0), -1.0);
}

TEST(NabProbationaryRows, CapsAt750) {
  EXPECT_EQ(NabProbationaryRows(1000), 150u);
  EXPECT_EQ(NabProbationaryRows(4032), 604u);
  EXPECT_EQ(NabProbationaryRows(22695), 750u);
}

// A file of 100 rows with one window over rows 40-49.
NabSeries TinySeries(std::vector<double> scores) {
  NabSeries series;
  series.name = "tiny.csv";
  for (int i = 0; i < 100; ++i) {
    series.timestamps.push_back(FromUnixMicros(std::int64_t{i} * 60'000'000));
  }
  series.windows = {{series.timestamps[40], series.timestamps[49]}};
  series.scores = std::move(scores);
  return series;
}

TEST(NabScoring, EarlyDetectionScoresNearOne) {
  std::vector<double> scores(100, 0.0);
  scores[40] = 1.0;  // the window's first row
  auto result = ScoreNabCorpus({TinySeries(scores)}, NabProfiles()[0], 1);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_DOUBLE_EQ(result->threshold, 1.0);
  // Position -(49 - 40 + 1) / 10 = -1, the best a detection can earn: exactly tp_weight.
  EXPECT_NEAR(result->raw_score, 1.0, 1e-12);
  EXPECT_NEAR(result->normalized, 100.0, 1e-9);
  EXPECT_DOUBLE_EQ(result->null_score, -1.0);
}

TEST(NabScoring, FalsePositiveCostsWeight) {
  std::vector<double> scores(100, 0.0);
  scores[45] = 0.9;  // inside the window, late
  scores[20] = 0.8;  // before any window: a full false positive
  const NabProfile standard = NabProfiles()[0];
  const std::vector<NabRow> rows = NabSweep(TinySeries(scores), standard, 0);
  const std::vector<NabThresholdScore> by_threshold = NabScoresByThreshold(rows, standard);
  ASSERT_EQ(by_threshold.size(), 4u);  // 1.1, 0.9, 0.8, 0.0
  EXPECT_DOUBLE_EQ(by_threshold[0].score, -1.0);
  const double late = NabScaledSigmoid(-(49.0 - 45.0 + 1.0) / 10.0) / NabScaledSigmoid(-1.0);
  EXPECT_NEAR(by_threshold[1].score, late, 1e-12);
  EXPECT_NEAR(by_threshold[2].score, late - 0.11, 1e-12);
  EXPECT_EQ(by_threshold[2].fp, 1u);
  EXPECT_EQ(by_threshold[2].tp, 1u);
}

// Rescoring AWS's Random Cut Forest results must give NAB's published scoreboard entry.
TEST(NabScoring, ReproducesPublishedRandomCutForest) {
  if (!std::filesystem::exists(kNab / "results/randomCutForest")) {
    GTEST_SKIP() << kNab << " is absent: ../shared/data is not checked out beside the tree";
  }
  auto corpus = ReadNabCorpus(kNab.string(), "randomCutForest");
  ASSERT_TRUE(corpus.has_value()) << corpus.status().ToString();
  ASSERT_EQ(corpus->series.size(), 58u);
  ASSERT_EQ(corpus->window_count, 116u);  // combined_windows.json

  // results/final_results.json: randomCutForest standard 51.717..., reward_low_FP_rate
  // 38.360..., reward_low_FN_rate 59.748...
  const double published[3] = {51.717054557073276, 38.360772142413786, 59.74876476310345};
  const std::vector<NabProfile> profiles = NabProfiles();
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    auto result = ScoreNabCorpus(corpus->series, profiles[i], corpus->window_count);
    ASSERT_TRUE(result.has_value()) << result.status().ToString();
    EXPECT_NEAR(result->normalized, published[i], 0.01) << profiles[i].name;
    RecordProperty(profiles[i].name, std::to_string(result->normalized));
  }
  auto standard = ScoreNabCorpus(corpus->series, profiles[0], corpus->window_count);
  // config/thresholds.json and randomCutForest_standard_scores.csv: threshold 0.453918457031,
  // total 3.98356657241. No row scores between that threshold and the one found here, so
  // both give the same detections and the same total.
  EXPECT_NEAR(standard->threshold, 0.453918457031, 2e-4);
  EXPECT_NEAR(standard->raw_score, 3.98356657241, 1e-6);
}

}  // namespace
}  // namespace rampart::detect
