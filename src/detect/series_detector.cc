#include "detect/series_detector.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace rampart::detect {

Result<SeriesDetector> SeriesDetector::Create(const SeriesDetectorOptions& options,
                                              RandomEngine engine) {
  if (options.forest.feature_dim != 1) {
    return InvalidArgument(
        fmt::format("series detector: feature_dim must be 1 (one value per record), not {}",
                    options.forest.feature_dim));
  }
  if (options.history < 2 || options.recent > options.history) {
    return InvalidArgument(
        fmt::format("series detector: history {} must be at least 2 and at least recent {} (>= 1)",
                    options.history, options.recent));
  }
  auto forest = RandomCutForest::Create(options.forest, std::move(engine));
  if (!forest) {
    return forest.status();
  }
  return SeriesDetector(options, std::move(*forest));
}

double SeriesDetector::Update(double value) { return Next(value, forest_.ScoreAndUpdate(&value)); }

std::vector<double> SeriesDetector::UpdateAll(const std::vector<double>& values) {
  std::vector<double> scores = forest_.ScoreAndUpdateAll(values.data(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    scores[i] = Next(values[i], scores[i]);
  }
  return scores;
}

double SeriesDetector::Next(double value, double raw) {
  ++seen_;
  if (seen_ == 1) {
    minimum_ = value;
    maximum_ = value;
  }
  last_raw_ = raw;
  if (seen_ <= unscored_values()) {
    return 0.0;  // the forest contains too few points for its scores to mean anything yet
  }

  if (options_.recent == 0) {
    // A value beyond every value seen so far, by more than a tenth of that range, is
    // reported at full strength: the forest's sample may have forgotten old extremes.
    double score = raw / std::log2(options_.forest.num_samples_per_tree + 1.0);
    if (seen_ > options_.warmup) {
      const double range = maximum_ - minimum_;
      if (value > maximum_ + 0.1 * range || value < minimum_ - 0.1 * range) {
        score = std::max(score, 0.9 + 0.1 * score);
      }
    }
    minimum_ = std::min(minimum_, value);
    maximum_ = std::max(maximum_, value);
    if (seen_ <= suppressed_until_) {
      return options_.suppress_factor * score;
    }
    if (options_.suppress_rows > 0 && score >= options_.suppress_level) {
      suppressed_until_ = seen_ + options_.suppress_rows;
    }
    return score;
  }
  recent_.push_back(raw);
  recent_sum_ += raw;
  if (recent_.size() > options_.recent) {
    recent_sum_ -= recent_.front();
    recent_.pop_front();
  }
  // The recent level is compared with the history before it is added to it.
  double z_score = 0.0;
  if (seen_ >= options_.warmup && history_.size() >= 2) {
    const double count = static_cast<double>(history_.size());
    const double mean = history_sum_ / count;
    const double variance = std::max(history_square_sum_ / count - mean * mean, 0.0);
    const double deviation = std::max(std::sqrt(variance), 1e-3 * std::max(mean, 1e-6));
    const double level = recent_sum_ / static_cast<double>(recent_.size());
    const double z = (level - mean) / deviation;
    z_score = std::max(z, 0.0);
  }

  history_.push_back(raw);
  history_sum_ += raw;
  history_square_sum_ += raw * raw;
  if (history_.size() > options_.history) {
    history_sum_ -= history_.front();
    history_square_sum_ -= history_.front() * history_.front();
    history_.pop_front();
  }
  return z_score / (z_score + 10.0);
}

}  // namespace rampart::detect
