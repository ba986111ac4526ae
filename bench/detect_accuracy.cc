// Isolation Forest accuracy and speed on the ODDS outlier benchmarks.
//
//   detect_accuracy ODDS_DIR            mean ROC AUC over seeds 0-4 for every data set, as a
//                                       Markdown table with scikit-learn's published means
//   detect_accuracy --time FILE [SEED]  one fit+score of FILE: prints seconds and ROC AUC
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "detect/array_file.h"
#include "detect/isolation_forest.h"
#include "detect/roc.h"

namespace {

using rampart::detect::IsolationForest;
using rampart::detect::RandomEngine;

struct DataSet {
  const char* name;
  const char* file;
  double paper_auc;    // Liu, Ting and Zhou (2008), table 2
  double sklearn_auc;  // scikit-learn 1.2.1, mean over random_state 0-4
};

constexpr DataSet kDataSets[] = {
    {"http", "16_http.npz", 1.00, 1.000},
    {"cover", "10_cover.npz", 0.88, 0.876},
    {"smtp", "34_smtp.npz", 0.88, 0.904},
    {"shuttle", "32_shuttle.npz", 1.00, 0.997},
    {"mammography", "23_mammography.npz", 0.86, 0.859},
    {"annthyroid", "2_annthyroid.npz", 0.82, 0.827},
    {"satellite", "30_satellite.npz", 0.71, 0.696},
    {"Pima", "29_Pima.npz", 0.67, 0.670},
    {"breastw", "4_breastw.npz", 0.99, 0.988},
    {"arrhythmia", "arrhythmia.mat", 0.80, 0.807},
    {"Ionosphere", "18_Ionosphere.npz", 0.85, 0.844},
};

int TimeOne(const std::string& path, std::uint64_t seed) {
  auto data = rampart::detect::ReadLabelledArrays(path);
  if (!data) {
    std::fprintf(stderr, "%s\n", data.status().ToString().c_str());
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  RandomEngine engine(seed);
  auto forest = IsolationForest::Fit(data->features, {}, engine);
  if (!forest) {
    std::fprintf(stderr, "%s\n", forest.status().ToString().c_str());
    return 2;
  }
  const std::vector<double> scores = forest->ScoreAll(data->features);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("rows {} fit_score_seconds {:.3f} auc {:.4f}\n", data->features.rows, seconds,
             rampart::detect::RocAuc(scores, data->labels));
  return 0;
}

int Table(const std::filesystem::path& folder) {
  fmt::print(
      "| data set | rows | dims | paper AUC | scikit-learn AUC | Rampart AUC mean ± sd | "
      "difference | Rampart fit+score s (mean) |\n");
  fmt::print("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  int failures = 0;
  for (const DataSet& set : kDataSets) {
    auto data = rampart::detect::ReadLabelledArrays((folder / set.file).string());
    if (!data) {
      std::fprintf(stderr, "%s\n", data.status().ToString().c_str());
      return 2;
    }
    double sum = 0.0;
    double square_sum = 0.0;
    double seconds = 0.0;
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      const auto start = std::chrono::steady_clock::now();
      RandomEngine engine(seed);
      auto forest = IsolationForest::Fit(data->features, {}, engine);
      const std::vector<double> scores = forest->ScoreAll(data->features);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double auc = rampart::detect::RocAuc(scores, data->labels);
      sum += auc;
      square_sum += auc * auc;
    }
    const double mean = sum / 5.0;
    const double sd = std::sqrt(std::max(0.0, (square_sum - 5.0 * mean * mean) / 4.0));
    const double difference = mean - set.sklearn_auc;
    failures += std::abs(difference) > 0.02 ? 1 : 0;
    fmt::print("| {} | {} | {} | {:.2f} | {:.3f} | {:.3f} ± {:.3f} | {:+.3f} | {:.3f} |\n",
               set.name, data->features.rows, data->features.cols, set.paper_auc, set.sklearn_auc,
               mean, sd, difference, seconds / 5.0);
  }
  fmt::print("\n{} of {} data sets within 0.02 of scikit-learn's mean\n",
             std::size(kDataSets) - static_cast<std::size_t>(failures), std::size(kDataSets));
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "--time") {
    return TimeOne(argv[2], argc >= 4 ? std::strtoull(argv[3], nullptr, 10) : 0);
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: detect_accuracy ODDS_DIR | detect_accuracy --time FILE [SEED]\n");
    return 2;
  }
  return Table(argv[1]);
}
