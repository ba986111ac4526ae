// Anomaly detection on one streaming time series: a Random Cut Forest over shingled values,
// followed by an anomaly likelihood that turns raw forest scores into a probability-like
// value in [0, 1] by comparing recent scores with their own history.
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
  std::size_t recent = 5;         // raw scores averaged into the current level
  std::size_t warmup = 300;       // records before any likelihood is reported
};

// Scores each value of a series as it arrives. Not thread-safe.
class SeriesDetector {
 public:
  static Result<SeriesDetector> Create(const SeriesDetectorOptions& options, RandomEngine engine);

  // Returns the likelihood that the series has turned anomalous at this value: near 0 for
  // ordinary values, approaching 1 when the recent forest scores lie far in the upper tail
  // of their history. Returns 0 during warm-up.
  double Update(double value);

  double last_raw_score() const { return last_raw_; }

 private:
  SeriesDetector(const SeriesDetectorOptions& options, RandomCutForest forest)
      : options_(options), forest_(std::move(forest)) {}

  SeriesDetectorOptions options_;
  RandomCutForest forest_;
  std::deque<double> history_;
  std::deque<double> recent_;
  double history_sum_ = 0.0;
  double history_square_sum_ = 0.0;
  double recent_sum_ = 0.0;
  std::size_t seen_ = 0;
  double last_raw_ = 0.0;
  double minimum_ = 0.0;
  double maximum_ = 0.0;
};

}  // namespace rampart::detect
