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
using ::testing::Not;

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
  EXPECT_THAT(BodyJson(wide)["Message"].get<std::string>(),
              HasSubstr("line 1: 2 values, but the model has 1 features (value)"));
  auto nul =
      Post("/v1/models/temperature/invocations", std::string("1\n2\0\n", 5), "read", "text/csv");
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->status, 400);
  EXPECT_THAT(BodyJson(nul)["Message"].get<std::string>(), HasSubstr("line 2: a NUL byte"));
  auto text = Post("/v1/models/temperature/invocations", "1\nhot\n", "read", "text/csv");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 400);
  EXPECT_THAT(BodyJson(text)["Message"].get<std::string>(),
              HasSubstr("line 2, column \"value\": \"hot\" is not a number"));
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

// A body of another media type gets 415, with a message naming the accepted types.
TEST_F(ModelsApiTest, OtherMediaTypesGet415) {
  if (!std::filesystem::exists(kTemperature)) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  TrainTemperatureModel();
  for (const std::string type :
       {"text/plain", "application/xml", "text/csvx", "application/jsonlines", "text/html"}) {
    auto response = Post("/v1/models/temperature/invocations", "1\n", "read", type);
    ASSERT_TRUE(response) << type;
    EXPECT_EQ(response->status, 415) << type;
    const Json body = BodyJson(response);
    EXPECT_EQ(body["Code"], "UnsupportedMediaTypeException") << type;
    const std::string message = body["Message"];
    EXPECT_THAT(message, HasSubstr("\"" + type + "\" is not supported")) << type;
    EXPECT_THAT(message, HasSubstr("text/csv")) << type;
    EXPECT_THAT(message, HasSubstr("application/json")) << type;
  }
  // Media types compare without case and parameters.
  for (const std::string type : {"Text/CSV; charset=utf-8", "text/csv ; header=absent"}) {
    auto response = Post("/v1/models/temperature/invocations", "1\n", "read", type);
    ASSERT_TRUE(response) << type;
    EXPECT_EQ(response->status, 200) << type << " " << response->body;
  }
  auto json = Post("/v1/models/temperature/invocations", R"({"instances": [{"features": [1]}]})",
                   "read", "application/json; charset=utf-8");
  ASSERT_TRUE(json);
  EXPECT_EQ(json->status, 200) << json->body;
}

TEST_F(ModelsApiTest, ScoresSeriesBesideModelOverTime) {
  // A small series made here, so this test needs no data files: a steady load with one
  // spike on the fifth row.
  const std::string series =
      "timestamp,load\n"
      "2024-03-01 00:00:00,10\n2024-03-01 00:05:00,11\n2024-03-01 00:10:00,10\n"
      "2024-03-01 00:15:00,12\n2024-03-01 00:20:00,95\n2024-03-01 00:25:00,11\n";
  auto table = detect::ParseCsv(series, "load.csv");
  ASSERT_TRUE(table.has_value());
  detect::ModelFile file;
  auto matrix = detect::CsvFeatures(*table, {}, "load.csv", file.feature_names);
  ASSERT_TRUE(matrix.has_value());
  detect::RandomEngine engine(3);
  auto forest = detect::IsolationForest::Fit(*matrix, {}, engine);
  ASSERT_TRUE(forest.has_value());
  file.kind = detect::ModelKind::kIsolationForest;
  file.payload = forest->Encode();
  file.metadata["threshold"] = "0.6";
  ASSERT_TRUE(detect::WriteModelFile(file, (models_ / "load.model").string()).ok());
  ASSERT_TRUE(WriteFileAtomic((models_ / "load.csv").string(), series).ok());

  const Json listed = BodyJson(Get("/v1/models", "read"));
  ASSERT_EQ(listed["Models"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["Models"][0]["Name"], "load");
  EXPECT_EQ(listed["Models"][0]["Kind"], "iforest");
  EXPECT_EQ(listed["Models"][0]["Series"], true);
  EXPECT_EQ(listed["Models"][0]["Features"], Json::array({"load"}));
  EXPECT_DOUBLE_EQ(listed["Models"][0]["Threshold"].get<double>(), 0.6);

  const Json scored = BodyJson(Get("/v1/models/load/scores", "read"));
  ASSERT_EQ(scored["Points"].size(), 6u) << scored.dump();
  EXPECT_DOUBLE_EQ(scored["Threshold"].get<double>(), 0.6);
  EXPECT_EQ(scored["Points"][0]["Time"], "2024-03-01T00:00:00.000Z");
  EXPECT_EQ(scored["Points"][4]["Time"], "2024-03-01T00:20:00.000Z");
  double highest = 0.0;
  std::size_t highest_row = 0;
  for (std::size_t row = 0; row < 6; ++row) {
    const double score = scored["Points"][row]["Score"].get<double>();
    EXPECT_DOUBLE_EQ(score, forest->Score(&matrix->At(row, 0))) << row;
    if (score > highest) {
      highest = score;
      highest_row = row;
    }
  }
  EXPECT_EQ(highest_row, 4u);
}

TEST_F(ModelsApiTest, SeriesErrorsNameTheProblem) {
  auto absent = Get("/v1/models/load/scores", "read");
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->status, 404);
  EXPECT_THAT(BodyJson(absent)["Message"].get<std::string>(), HasSubstr("load.csv"));

  detect::ModelFile file;
  file.feature_names = {"load"};
  auto matrix = detect::Matrix(4, 1);
  for (std::size_t row = 0; row < 4; ++row) {
    matrix.At(row, 0) = static_cast<double>(row);
  }
  detect::RandomEngine engine(3);
  auto forest = detect::IsolationForest::Fit(matrix, {}, engine);
  ASSERT_TRUE(forest.has_value());
  file.payload = forest->Encode();
  ASSERT_TRUE(detect::WriteModelFile(file, (models_ / "load.model").string()).ok());
  ASSERT_TRUE(WriteFileAtomic((models_ / "load.csv").string(), "time,load\nyesterday,1\n").ok());
  auto bad_time = Get("/v1/models/load/scores", "read");
  ASSERT_TRUE(bad_time);
  EXPECT_EQ(bad_time->status, 500);
  const std::string bad_time_message = BodyJson(bad_time)["Message"].get<std::string>();
  EXPECT_THAT(bad_time_message, HasSubstr("load.csv: line 2"));
  EXPECT_THAT(bad_time_message, Not(HasSubstr(models_.string()))) << "the server's path";

  ASSERT_TRUE(WriteFileAtomic((models_ / "broken.model").string(), "not a model").ok());
  const Json listed = BodyJson(Get("/v1/models", "read"));
  ASSERT_EQ(listed["Models"].size(), 2u) << listed.dump();
  EXPECT_EQ(listed["Models"][0]["Name"], "broken");
  const std::string problem = listed["Models"][0].value("Problem", "");
  EXPECT_THAT(problem, HasSubstr("broken.model: "));
  EXPECT_THAT(problem, Not(HasSubstr(models_.string())));
  auto broken = Post("/v1/models/broken/invocations", "1\n", "read", "text/csv");
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 500);
  EXPECT_THAT(BodyJson(broken)["Message"].get<std::string>(), HasSubstr("broken.model: "));
  EXPECT_THAT(BodyJson(broken)["Message"].get<std::string>(), Not(HasSubstr(models_.string())));
  auto escape = Get("/v1/models/..load/scores", "read");
  ASSERT_TRUE(escape);
  EXPECT_EQ(escape->status, 400);
}

}  // namespace
}  // namespace rampart::server
