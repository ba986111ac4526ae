#include "remediate/testing/enrich_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/clock.h"
#include "detect/array_file.h"
#include "detect/model_file.h"
#include "store/event.h"

namespace rampart::remediate::testing {

std::optional<detect::LabelledData> ReadBreastw() {
  const std::filesystem::path path =
      std::filesystem::path(RAMPART_SHARED_DATA) / "anomaly/odds/4_breastw.npz";
  if (!std::filesystem::exists(path)) {
    return std::nullopt;
  }
  auto data = detect::ReadLabelledArrays(path.string());
  EXPECT_TRUE(data.has_value()) << data.status().ToString();
  if (!data) {
    return std::nullopt;
  }
  return std::move(*data);
}

std::vector<std::string> CellFeatureNames(std::size_t count) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < count; ++i) {
    names.push_back(fmt::format("x{}", i));
  }
  return names;
}

detect::IsolationForest WriteCellModel(const detect::Matrix& rows,
                                       const std::filesystem::path& folder, const std::string& name,
                                       std::uint64_t seed) {
  detect::RandomEngine engine(seed);
  auto forest = detect::IsolationForest::Fit(rows, {}, engine);
  EXPECT_TRUE(forest.has_value()) << forest.status().ToString();
  detect::ModelFile file;
  file.kind = detect::ModelKind::kIsolationForest;
  file.feature_names = CellFeatureNames(rows.cols);
  file.metadata["input"] = "csv";
  file.payload = forest->Encode();
  EXPECT_TRUE(detect::WriteModelFile(file, (folder / (name + ".model")).string()).ok());
  return std::move(*forest);
}

Json CellFinding(const std::string& id, std::span<const double> row) {
  Json fields = Json::object();
  for (std::size_t i = 0; i < row.size(); ++i) {
    fields[fmt::format("{}x{}", kCellFieldPrefix, i)] = fmt::format("{}", row[i]);
  }
  return Json{{"SchemaVersion", "2018-10-08"},
              {"Id", id},
              {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/detect"},
              {"GeneratorId", "cell-measurements"},
              {"AwsAccountId", "111122223333"},
              {"Types", {"Unusual Behaviors/Process"}},
              {"CreatedAt", "2026-12-01T00:00:00Z"},
              {"UpdatedAt", "2026-12-01T00:00:00Z"},
              {"Severity", {{"Label", "MEDIUM"}}},
              {"Title", "cell measurements"},
              {"Description", "one row of the breastw benchmark"},
              {"ProductFields", fields},
              {"Resources", {{{"Type", "Other"}, {"Id", "sample-" + id}}}}};
}

std::string ImportedEvent(const Json& finding) {
  return store::BuildImportedEvent(finding, finding.dump(), "event-" + StringOr(finding, "Id"),
                                   TimePoint{});
}

std::string CellRules(const std::string& model, std::size_t features, double threshold,
                      const std::string& action) {
  std::string fields;
  for (std::size_t i = 0; i < features; ++i) {
    fields +=
        fmt::format("        - detail.findings[0].ProductFields.\"{}x{}\"\n", kCellFieldPrefix, i);
  }
  return fmt::format(R"(rules:
  - name: odd-cells
    event_pattern:
      rampart: {{scores: {{{score}: [{{numeric: [">", {threshold:.17g}]}}]}}}}
    enrich:
      model: {model}
      as: {score}
      features:
{fields}    mode: enforce
    targets: [{{action: {action}}}]
  - name: every-finding
    event_pattern:
      detail-type: [Security Hub Findings - Imported]
    mode: enforce
    targets: [{{action: {action}}}]
)",
                     fmt::arg("score", kCellScore), fmt::arg("threshold", threshold),
                     fmt::arg("model", model), fmt::arg("fields", fields),
                     fmt::arg("action", action));
}

TestFolder::TestFolder() {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  path_ = std::filesystem::temp_directory_path() /
          fmt::format("rampart_{}_{}_{}", test->test_suite_name(), test->name(), ::getpid());
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TestFolder::~TestFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace rampart::remediate::testing
