// Helpers for the enrichment tests: a model trained on a real outlier benchmark, findings
// that carry its feature values, and the rules that score them.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/json.h"
#include "detect/isolation_forest.h"
#include "detect/matrix.h"

namespace rampart::remediate::testing {

// The score name and the ProductFields prefix of the cell model's features.
inline constexpr std::string_view kCellScore = "cell_score";
inline constexpr std::string_view kCellFieldPrefix = "rampart/cells/";

// Returns the breastw benchmark (683 rows of 9 cell measurements, label 1 for malignant),
// or nullopt when the shared data folder is absent.
std::optional<detect::LabelledData> ReadBreastw();

// Returns the feature names x0, x1, ... of a model of `count` features.
std::vector<std::string> CellFeatureNames(std::size_t count);

// Fits an isolation forest with `seed` on `rows`, writes it as FOLDER/NAME.model with
// CellFeatureNames, and returns it.
detect::IsolationForest WriteCellModel(const detect::Matrix& rows,
                                       const std::filesystem::path& folder, const std::string& name,
                                       std::uint64_t seed);

// Returns an ASFF finding whose ProductFields hold `row` as rampart/cells/x0, ...: strings
// that read back as the same doubles.
Json CellFinding(const std::string& id, std::span<const double> row);

// Returns the Security Hub import event of `finding`, as the finding store writes it.
std::string ImportedEvent(const Json& finding);

// Returns a rules file with "odd-cells", which enriches with model `model` over
// `features` fields and requires a cell_score above `threshold`, and "every-finding",
// which matches every imported finding. Both run action `action`.
std::string CellRules(const std::string& model, std::size_t features, double threshold,
                      const std::string& action = "test.record");

// A folder under the system temporary folder named for the running test, removed with
// everything in it.
class TestFolder {
 public:
  TestFolder();
  ~TestFolder();
  TestFolder(const TestFolder&) = delete;
  TestFolder& operator=(const TestFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace rampart::remediate::testing
