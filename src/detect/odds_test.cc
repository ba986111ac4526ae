// Isolation Forest accuracy on the ODDS outlier benchmarks, with the 2008 paper's protocol:
// fit on every row, score the same rows, ROC AUC, averaged over seeds 0-4.
#include <gtest/gtest.h>

#include <filesystem>

#include "detect/array_file.h"
#include "detect/isolation_forest.h"
#include "detect/roc.h"

namespace rampart::detect {
namespace {

const std::filesystem::path kOdds = std::filesystem::path(RAMPART_SHARED_DATA) / "anomaly/odds";

struct OddsCase {
  const char* file;
  std::size_t rows;
  std::size_t cols;
  double sklearn_auc;  // scikit-learn 1.2.1 IsolationForest, mean over random_state 0-4
};

class OddsAccuracy : public testing::TestWithParam<OddsCase> {};

TEST_P(OddsAccuracy, MatchesScikitLearn) {
  const OddsCase& odds = GetParam();
  const auto path = kOdds / odds.file;
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is absent: ../shared/data is not checked out beside the tree";
  }
  auto data = ReadLabelledArrays(path.string());
  ASSERT_TRUE(data.has_value()) << data.status().ToString();
  ASSERT_EQ(data->features.rows, odds.rows);
  ASSERT_EQ(data->features.cols, odds.cols);

  double auc_sum = 0.0;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    RandomEngine engine(seed);
    auto forest = IsolationForest::Fit(data->features, {}, engine);
    ASSERT_TRUE(forest.has_value()) << forest.status().ToString();
    auc_sum += RocAuc(forest->ScoreAll(data->features), data->labels);
  }
  EXPECT_NEAR(auc_sum / 5.0, odds.sklearn_auc, 0.02);
}

INSTANTIATE_TEST_SUITE_P(SmallSets, OddsAccuracy,
                         testing::Values(OddsCase{"18_Ionosphere.npz", 351, 32, 0.844},
                                         OddsCase{"29_Pima.npz", 768, 8, 0.670},
                                         OddsCase{"4_breastw.npz", 683, 9, 0.988},
                                         OddsCase{"arrhythmia.mat", 452, 274, 0.807},
                                         OddsCase{"2_annthyroid.npz", 7200, 6, 0.827},
                                         OddsCase{"30_satellite.npz", 6435, 36, 0.696},
                                         OddsCase{"23_mammography.npz", 11183, 6, 0.859}),
                         [](const testing::TestParamInfo<OddsCase>& info) {
                           std::string name = info.param.file;
                           name = name.substr(0, name.find('.'));
                           std::erase_if(name, [](char c) {
                             return !std::isalnum(static_cast<unsigned char>(c));
                           });
                           return name;
                         });

TEST(RocAuc, CountsTiesAsHalf) {
  EXPECT_DOUBLE_EQ(RocAuc({0.1, 0.9}, {0, 1}), 1.0);
  EXPECT_DOUBLE_EQ(RocAuc({0.9, 0.1}, {0, 1}), 0.0);
  EXPECT_DOUBLE_EQ(RocAuc({0.5, 0.5}, {0, 1}), 0.5);
  EXPECT_DOUBLE_EQ(RocAuc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75);
}

}  // namespace
}  // namespace rampart::detect
