#include "server/models_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/file.h"
#include "detect/csv.h"
#include "detect/isolation_forest.h"
#include "detect/model_file.h"
#include "server/api_test_support.h"

namespace rampart::server {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kTemperature =
    std::filesystem::path(RAMPART_SHARED_DATA) /
    "anomaly/nab/data/realKnownCause/machine_temperature_system_failure.csv";

class ModelsApiTest : public ApiTest {
 protected:
  void AddRoutes(HttpServer& server) override {
    models_ = folder_ / "models";
    std::filesystem::create_directories(models_);
    AddModelRoutes(server, std::make_shared<detect::ModelFolder>(models_.string()));
  }

  // Trains an isolation forest on the temperature readings and writes temperature.model.
  void TrainTemperatureModel() {
    auto text = ReadFile(kTemperature.string());
    ASSERT_TRUE(text.has_value());
    auto table = detect::ParseCsv(*text, kTemperature.string());
    ASSERT_TRUE(table.has_value());
    detect::ModelFile file;
    auto matrix = detect::CsvFeatures(*table, {"value"}, "temperature", file.feature_names);
    ASSERT_TRUE(matrix.has_value());
    detect::RandomEngine engine(7);
    auto forest = detect::IsolationForest::Fit(*matrix, {}, engine);
    ASSERT_TRUE(forest.has_value());
    file.kind = detect::ModelKind::kIsolationForest;
    file.payload = forest->Encode();
    ASSERT_TRUE(detect::WriteModelFile(file, (models_ / "temperature.model").string()).ok());
    forest_ = std::make_unique<detect::IsolationForest>(std::move(*forest));
    values_.assign(matrix->values.begin(), matrix->values.end());
  }

  std::filesystem::path models_;
  std::unique_ptr<detect::IsolationForest> forest_;
  std::vector<double> values_;
};

TEST_F(ModelsApiTest, CsvAndJsonRowsScoreAsTheModel) {
  if (!std::filesystem::exists(kTemperature)) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  TrainTemperatureModel();
  std::vector<double> sorted = values_;
  std::sort(sorted.begin(), sorted.end());
  const double lowest = sorted.front();
  const double median = sorted[sorted.size() / 2];

  const std::string csv = fmt::format("{}\n{}\n", lowest, median);
  const Json from_csv =
      BodyJson(Post("/v1/models/temperature/invocations", csv, "read", "text/csv"));
  ASSERT_EQ(from_csv["scores"].size(), 2u) << from_csv.dump();
  EXPECT_DOUBLE_EQ(from_csv["scores"][0]["score"].get<double>(), forest_->Score(&lowest));
  EXPECT_DOUBLE_EQ(from_csv["scores"][1]["score"].get<double>(), forest_->Score(&median));
  // The failure readings of this machine are far below its usual temperature.
  EXPECT_GT(from_csv["scores"][0]["score"].get<double>(),
            from_csv["scores"][1]["score"].get<double>());

  const Json instances = {{"instances", {{{"features", {lowest}}}, {{"features", {median}}}}}};
  const Json from_json =
      BodyJson(Post("/v1/models/temperature/invocations", instances.dump(), "read"));
  EXPECT_EQ(from_json["scores"], from_csv["scores"]);
}

TEST_F(ModelsApiTest, BadRowsAndNamesAreRejected) {
  if (!std::filesystem::exists(kTemperature)) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  TrainTemperatureModel();
  auto wide = Post("/v1/models/temperature/invocations", "1,2\n", "read", "text/csv");
  ASSERT_TRUE(wide);
  EXPECT_EQ(wide->status, 400);
  auto text = Post("/v1/models/temperature/invocations", "hot\n", "read", "text/csv");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 400);
  EXPECT_THAT(BodyJson(text)["Message"].get<std::string>(), HasSubstr("hot"));
  auto json =
      Post("/v1/models/temperature/invocations", R"({"instances": [{"features": ["x"]}]})", "read");
  ASSERT_TRUE(json);
  EXPECT_EQ(json->status, 400);
  EXPECT_THAT(BodyJson(json)["Message"].get<std::string>(),
              HasSubstr("$.instances[0].features[0]"));
  auto missing = Post("/v1/models/absent/invocations", "1\n", "read", "text/csv");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto escape = Post("/v1/models/..model/invocations", "1\n", "read", "text/csv");
  ASSERT_TRUE(escape);
  EXPECT_EQ(escape->status, 400);
  auto anonymous = Post("/v1/models/temperature/invocations", "1\n", "", "text/csv");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

}  // namespace
}  // namespace rampart::server
