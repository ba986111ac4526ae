// NAB scores: AWS's published Random Cut Forest results rescored, and Rampart's series
// detector run on every NAB file and scored with the same code.
//
//   detect_nab NAB_DIR [shingle_size] [num_trees] [time_decay] [history] [recent]
//              [suppress_rows] [suppress_level] [suppress_factor] [seed]
//
// File i's forest is seeded with seed + i (seed 0 by default).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "detect/nab.h"
#include "detect/series_detector.h"

namespace {

using namespace rampart::detect;

void PrintRow(const std::string& name, const std::vector<NabSeries>& series, std::size_t windows) {
  std::string cells;
  for (const NabProfile& profile : NabProfiles()) {
    auto result = ScoreNabCorpus(series, profile, windows);
    cells += fmt::format(" {:.1f} (threshold {:.4f}) |", result->normalized, result->threshold);
  }
  fmt::print("| {} |{}\n", name, cells);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: detect_nab NAB_DIR [shingle] [trees] [decay] [history] [recent] "
                 "[suppress_rows] [suppress_level] [suppress_factor] [seed]\n");
    return 2;
  }
  const std::string nab_dir = argv[1];
  SeriesDetectorOptions options;
  options.forest.shingle_size = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1;
  options.forest.num_trees = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 100;
  options.forest.time_decay = argc > 4 ? std::strtod(argv[4], nullptr) : 1e-5;
  options.history = argc > 5 ? std::strtoul(argv[5], nullptr, 10) : 2000;
  options.recent = argc > 6 ? std::strtoul(argv[6], nullptr, 10) : 0;
  options.suppress_rows = argc > 7 ? std::strtoul(argv[7], nullptr, 10) : 350;
  options.suppress_level = argc > 8 ? std::strtod(argv[8], nullptr) : 0.45;
  options.suppress_factor = argc > 9 ? std::strtod(argv[9], nullptr) : 0.5;
  const std::uint64_t seed = argc > 10 ? std::strtoull(argv[10], nullptr, 10) : 0;

  auto aws = ReadNabCorpus(nab_dir, "randomCutForest");
  auto corpus = ReadNabCorpus(nab_dir, "");
  if (!aws || !corpus) {
    std::fprintf(stderr, "%s\n", (!aws ? aws.status() : corpus.status()).ToString().c_str());
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  std::size_t points = 0;
  for (std::size_t file = 0; file < corpus->series.size(); ++file) {
    auto detector = SeriesDetector::Create(options, RandomEngine(seed + file));
    if (!detector) {
      std::fprintf(stderr, "%s\n", detector.status().ToString().c_str());
      return 2;
    }
    std::vector<double>& scores = corpus->series[file].scores;
    scores = detector->UpdateAll(corpus->values[file]);
    points += scores.size();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  fmt::print("| detector | standard | reward_low_FP_rate | reward_low_FN_rate |\n");
  fmt::print("|---|---:|---:|---:|\n");
  PrintRow("AWS Random Cut Forest, published raw scores rescored", aws->series, aws->window_count);
  PrintRow(fmt::format("Rampart series detector (shingle {}, {} trees, decay {}, history {}, "
                       "recent {})",
                       options.forest.shingle_size, options.forest.num_trees,
                       options.forest.time_decay, options.history, options.recent),
           corpus->series, corpus->window_count);
  fmt::print("\n{} points in {:.1f} s\n", points, seconds);
  return 0;
}
