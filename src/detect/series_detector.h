// Anomaly detection on one streaming time series with a Random Cut Forest over shingled
// values. Two ways turn forest scores into values in [0, 1]: with `recent` 0, the score
// divided by its maximum log2(samples + 1), raised for values outside the range seen so
// far; otherwise a z-score of the mean of the last `recent` scores against the last
// `history` scores, mapped by z / (z + 10).
#pragma once

#include <cstddef>
#include <deque>
#include <vector>

#include "core/status.h"
#include "detect/random_cut_forest.h"

namespace rampart::detect {

struct SeriesDetectorOptions {
  RandomCutForestOptions forest;  // feature_dim must be 1 (one value per record)
  std::size_t history = 2000;     // raw scores kept to estimate their distribution
  std::size_t recent = 0;         // raw scores averaged into the current level; 0: none
  std::size_t warmup = 300;       // records before the first z-score or range check
  // After a value scores at least suppress_level, the next suppress_rows values are scaled
  // down, so one event is reported once rather than on every record it spans. 0 rows: off.
  // The defaults scored best on NAB (standard profile) among the settings tried.
  double suppress_level = 0.45;
  double suppress_factor = 0.5;  // what suppressed scores are multiplied by
  std::size_t suppress_rows = 350;
};

// Scores each value of a series as it arrives. Not thread-safe.
class SeriesDetector {
 public:
  static Result<SeriesDetector> Create(const SeriesDetectorOptions& options, RandomEngine engine);

  // Returns how anomalous the series is at this value, in [0, 1]: near 0 for ordinary
  // values. Returns 0 until the forest has a quarter of its samples.
  double Update(double value);

  // Returns Update(value) for each value in order. The forest scores the whole series tree by
  // tree (RandomCutForest::ScoreAndUpdateAll), which is several times faster.
  std::vector<double> UpdateAll(const std::vector<double>& values);

  double last_raw_score() const { return last_raw_; }

  // Returns how many values the detector takes in before it scores any: until then its
  // forest contains too few points, and Update returns 0.
  std::size_t unscored_values() const {
    return options_.forest.shingle_size + options_.forest.num_samples_per_tree / 4 - 1;
  }

 private:
  SeriesDetector(const SeriesDetectorOptions& options, RandomCutForest forest)
      : options_(options), forest_(std::move(forest)) {}

  // The detector's score of `value`, given the forest's raw score of it.
  double Next(double value, double raw);

  SeriesDetectorOptions options_;
  RandomCutForest forest_;
  std::deque<double> history_;
  std::deque<double> recent_;
  double history_sum_ = 0.0;
  double history_square_sum_ = 0.0;
  double recent_sum_ = 0.0;
  std::size_t seen_ = 0;
  double last_raw_ = 0.0;
  std::size_t suppressed_until_ = 0;
  double minimum_ = 0.0;
  double maximum_ = 0.0;
};

}  // namespace rampart::detect
