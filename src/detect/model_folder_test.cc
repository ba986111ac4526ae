#include "detect/model_folder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "core/file.h"
#include "detect/array_file.h"

namespace rampart::detect {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kBreastw =
    std::filesystem::path(RAMPART_SHARED_DATA) / "anomaly/odds/4_breastw.npz";

class ModelFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("rampart_model_folder_" + std::to_string(::getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  // Reads the breastw benchmark: 683 rows of 9 cell measurements.
  void ReadBreastw() {
    auto data = ReadLabelledArrays(kBreastw.string());
    ASSERT_TRUE(data.has_value()) << data.status().ToString();
    rows_ = std::move(data->features);
  }

  std::vector<std::string> FeatureNames() const {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < rows_.cols; ++i) {
      names.push_back("x" + std::to_string(i));
    }
    return names;
  }

  // Fits an isolation forest with `seed` on the rows and writes it as NAME.model.
  IsolationForest WriteIsolationForest(const std::string& name, std::uint64_t seed) {
    RandomEngine engine(seed);
    auto forest = IsolationForest::Fit(rows_, {}, engine);
    EXPECT_TRUE(forest.has_value());
    ModelFile file;
    file.kind = ModelKind::kIsolationForest;
    file.feature_names = FeatureNames();
    file.metadata["input"] = "csv";
    file.payload = forest->Encode();
    EXPECT_TRUE(WriteModelFile(file, Path(name)).ok());
    return std::move(*forest);
  }

  std::string Path(const std::string& name) const { return (folder_ / (name + ".model")).string(); }

  std::filesystem::path folder_;
  Matrix rows_;
};

TEST_F(ModelFolderTest, ScoresAsTheIsolationForest) {
  if (!std::filesystem::exists(kBreastw)) {
    GTEST_SKIP() << "../shared/data is absent, so the breastw benchmark cannot be read";
  }
  ReadBreastw();
  const IsolationForest forest = WriteIsolationForest("cells", 11);
  ModelFolder models(folder_.string());
  auto model = models.Find("cells");
  ASSERT_TRUE(model.has_value()) << model.status().ToString();
  EXPECT_EQ((*model)->feature_names(), FeatureNames());

  const std::vector<double> expected = forest.ScoreAll(rows_);
  for (std::size_t row = 0; row < rows_.rows; ++row) {
    const std::span<const double> values(rows_.Row(row), rows_.cols);
    ASSERT_EQ((*model)->Score(values), expected[row]) << "row " << row;
  }
  auto again = models.Find("cells");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->get(), model->get()) << "an unchanged file is decoded once";
}

TEST_F(ModelFolderTest, ScoresAsTheRandomCutForest) {
  if (!std::filesystem::exists(kBreastw)) {
    GTEST_SKIP() << "../shared/data is absent, so the breastw benchmark cannot be read";
  }
  ReadBreastw();
  RandomCutForestOptions options;
  options.feature_dim = rows_.cols;
  options.time_decay = 0.0;
  auto forest = RandomCutForest::Create(options, RandomEngine(3));
  ASSERT_TRUE(forest.has_value());
  for (std::size_t row = 0; row < rows_.rows; ++row) {
    forest->Update(rows_.Row(row));
  }
  ModelFile file;
  file.kind = ModelKind::kRandomCutForest;
  file.feature_names = FeatureNames();
  file.payload = forest->Encode();
  ASSERT_TRUE(WriteModelFile(file, Path("cells-rcf")).ok());

  ModelFolder models(folder_.string());
  auto model = models.FindRowModel("cells-rcf");
  ASSERT_TRUE(model.has_value()) << model.status().ToString();
  EXPECT_EQ((*model)->ScoreAll(rows_), forest->ScoreAll(rows_));
  EXPECT_TRUE(std::isnan((*model)->Score(std::vector<double>{1.0, 2.0})))
      << "a row of the wrong size has no score";
}

TEST_F(ModelFolderTest, RetrainedFileIsReadAgain) {
  if (!std::filesystem::exists(kBreastw)) {
    GTEST_SKIP() << "../shared/data is absent, so the breastw benchmark cannot be read";
  }
  ReadBreastw();
  WriteIsolationForest("cells", 1);
  ModelFolder models(folder_.string());
  auto first = models.Find("cells");
  ASSERT_TRUE(first.has_value());

  const IsolationForest retrained = WriteIsolationForest("cells", 2);
  // Moves the modification time on, as a later training run on a coarse clock would.
  std::filesystem::last_write_time(
      Path("cells"), std::filesystem::last_write_time(Path("cells")) + std::chrono::seconds(5));
  auto second = models.Find("cells");
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->get(), first->get());
  const std::span<const double> row(rows_.Row(0), rows_.cols);
  EXPECT_EQ((*second)->Score(row), retrained.Score(rows_.Row(0)));
}

// cp -p keeps the modification time, so a copy of another model of the same size, moved in
// place, looks unchanged by size and time. Its inode differs.
TEST_F(ModelFolderTest, ModelMovedInPlaceIsReadAgain) {
  if (!std::filesystem::exists(kBreastw)) {
    GTEST_SKIP() << "../shared/data is absent, so the breastw benchmark cannot be read";
  }
  ReadBreastw();
  WriteIsolationForest("cells", 1);
  const auto size = std::filesystem::file_size(Path("cells"));
  std::uint64_t seed = 2;
  std::optional<IsolationForest> other;
  for (; seed < 200; ++seed) {
    other = WriteIsolationForest("other", seed);
    if (std::filesystem::file_size(Path("other")) == size) {
      break;
    }
  }
  ASSERT_LT(seed, 200u) << "no model of the same size to swap in";
  ModelFolder models(folder_.string());
  auto first = models.Find("cells");
  ASSERT_TRUE(first.has_value());

  std::filesystem::last_write_time(Path("other"), std::filesystem::last_write_time(Path("cells")));
  std::filesystem::rename(Path("other"), Path("cells"));
  auto second = models.Find("cells");
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->get(), first->get());
  const std::span<const double> row(rows_.Row(0), rows_.cols);
  EXPECT_EQ((*second)->Score(row), other->Score(rows_.Row(0)));
}

TEST_F(ModelFolderTest, MissingModelIsNotFound) {
  ModelFolder models(folder_.string());
  auto model = models.Find("ssh-logins");
  ASSERT_FALSE(model.has_value());
  EXPECT_EQ(model.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(model.status().message(), HasSubstr("model \"ssh-logins\" not found"));
  EXPECT_THAT(model.status().message(), HasSubstr(Path("ssh-logins")));
  EXPECT_THAT(model.status().message(), HasSubstr("rampart model train"));
}

TEST_F(ModelFolderTest, InvalidNamesAreRejected) {
  ModelFolder models(folder_.string());
  for (const std::string name : {"", "../etc/passwd", "a/b", "..model", ".hidden", "a b"}) {
    auto model = models.Find(name);
    ASSERT_FALSE(model.has_value()) << name;
    EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument) << name;
  }
  EXPECT_FALSE(models.Find(std::string(kMaxModelNameLength + 1, 'a')).has_value());
}

TEST_F(ModelFolderTest, DamagedFileIsRejectedAndNotKept) {
  ASSERT_TRUE(WriteFileAtomic(Path("broken"), "RAMPARTM but not a model").ok());
  ModelFolder models(folder_.string());
  auto model = models.Find("broken");
  ASSERT_FALSE(model.has_value());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(model.status().message(), HasSubstr(Path("broken")));

  // The repaired file is read on the next use.
  rows_ = Matrix(4, 2);
  rows_.values = {1, 2, 3, 4, 5, 6, 7, 9};
  WriteIsolationForest("broken", 1);
  EXPECT_TRUE(models.Find("broken").has_value());
}

TEST_F(ModelFolderTest, LogWindowModelIsRejected) {
  ModelFile file;
  file.kind = ModelKind::kRandomCutForest;
  file.feature_names = {"events"};
  file.metadata["input"] = "log-windows";
  file.payload = "unused";
  ASSERT_TRUE(WriteModelFile(file, Path("behaviour")).ok());
  ModelFolder models(folder_.string());
  auto model = models.Find("behaviour");
  ASSERT_FALSE(model.has_value());
  EXPECT_EQ(model.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(model.status().message(), HasSubstr("log windows"));
}

TEST_F(ModelFolderTest, FeatureCountMismatchIsRejected) {
  Matrix rows(4, 2);
  rows.values = {1, 2, 3, 4, 5, 6, 7, 9};
  RandomEngine engine(1);
  auto forest = IsolationForest::Fit(rows, {}, engine);
  ASSERT_TRUE(forest.has_value());
  ModelFile file;
  file.feature_names = {"only-one"};
  file.payload = forest->Encode();
  ASSERT_TRUE(WriteModelFile(file, Path("odd")).ok());
  ModelFolder models(folder_.string());
  auto model = models.Find("odd");
  ASSERT_FALSE(model.has_value());
  EXPECT_THAT(model.status().message(), HasSubstr("names 1 features but its forest reads 2"));
}

}  // namespace
}  // namespace rampart::detect
