#include "detect/nab.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "core/file.h"
#include "core/json.h"
#include "detect/csv.h"

namespace rampart::detect {
namespace {

constexpr double kProbationaryFraction = 0.15;

// Returns the index of `time` in the sorted `timestamps`, or -1.
long IndexOf(const std::vector<TimePoint>& timestamps, TimePoint time) {
  const auto it = std::lower_bound(timestamps.begin(), timestamps.end(), time);
  if (it == timestamps.end() || *it != time) {
    return -1;
  }
  return static_cast<long>(it - timestamps.begin());
}

}  // namespace

std::vector<NabProfile> NabProfiles() {
  return {{"standard", 1.0, 0.11, 1.0},
          {"reward_low_FP_rate", 1.0, 0.22, 1.0},
          {"reward_low_FN_rate", 1.0, 0.11, 2.0}};
}

double NabScaledSigmoid(double relative_position) {
  if (relative_position >= 3.0) {
    return -1.0;
  }
  return 2.0 / (1.0 + std::exp(5.0 * relative_position)) - 1.0;
}

std::size_t NabProbationaryRows(std::size_t rows) {
  const double by_fraction = std::floor(kProbationaryFraction * static_cast<double>(rows));
  return static_cast<std::size_t>(std::min(by_fraction, kProbationaryFraction * 5000.0));
}

std::vector<NabRow> NabSweep(const NabSeries& series, const NabProfile& profile, int first_window) {
  const double max_tp = NabScaledSigmoid(-1.0);
  const std::size_t probationary = NabProbationaryRows(series.timestamps.size());
  std::vector<NabRow> rows(series.timestamps.size());
  std::size_t next_window = 0;
  int window = -1;
  long window_right = -1;
  double window_width = 0.0;
  long previous_right = -1;
  double previous_width = 0.0;

  for (std::size_t i = 0; i < rows.size(); ++i) {
    const TimePoint time = series.timestamps[i];
    if (next_window < series.windows.size() && time == series.windows[next_window].first) {
      window = first_window + static_cast<int>(next_window);
      window_right = IndexOf(series.timestamps, series.windows[next_window].second);
      window_width = static_cast<double>(window_right - static_cast<long>(i) + 1);
      ++next_window;
    }
    NabRow& row = rows[i];
    row.anomaly_score = series.scores[i];
    if (window >= 0) {
      // NAB measures from one row past the right edge, so no row sits at position 0.
      const double position =
          -static_cast<double>(window_right - static_cast<long>(i) + 1) / window_width;
      row.sweep_score = NabScaledSigmoid(position) * profile.tp_weight / max_tp;
    } else {
      const double position =
          previous_right < 0
              ? 3.0
              : std::abs(static_cast<double>(previous_right - static_cast<long>(i))) /
                    (previous_width - 1.0);
      row.sweep_score = NabScaledSigmoid(position) * profile.fp_weight;
    }
    row.window = window;
    row.probationary = i < probationary;
    if (window >= 0 && static_cast<long>(i) == window_right) {
      previous_right = window_right;
      previous_width = window_width;
      window = -1;
    }
  }
  return rows;
}

std::vector<NabThresholdScore> NabScoresByThreshold(const std::vector<NabRow>& rows,
                                                    const NabProfile& profile) {
  std::vector<std::size_t> order;
  std::vector<double> parts;  // per window: the best sweep score so far, or -fn_weight
  double false_positives = 0.0;
  NabThresholdScore current;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].probationary) {
      continue;
    }
    order.push_back(i);
    if (rows[i].window >= 0) {
      if (parts.size() <= static_cast<std::size_t>(rows[i].window)) {
        parts.resize(static_cast<std::size_t>(rows[i].window) + 1, 0.0);
      }
      parts[static_cast<std::size_t>(rows[i].window)] = -profile.fn_weight;
      ++current.fn;
    } else {
      ++current.tn;
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return rows[a].anomaly_score > rows[b].anomaly_score;
  });

  auto total = [&]() { return std::accumulate(parts.begin(), parts.end(), 0.0) + false_positives; };
  std::vector<NabThresholdScore> scores;
  current.threshold = 1.1;
  for (std::size_t index : order) {
    const NabRow& row = rows[index];
    if (row.anomaly_score != current.threshold) {
      current.score = total();
      scores.push_back(current);
      current.threshold = row.anomaly_score;
    }
    if (row.window >= 0) {
      ++current.tp;
      --current.fn;
      double& part = parts[static_cast<std::size_t>(row.window)];
      part = std::max(part, row.sweep_score);
    } else {
      ++current.fp;
      --current.tn;
      false_positives += row.sweep_score;
    }
  }
  current.score = total();
  scores.push_back(current);
  return scores;
}

Result<NabResult> ScoreNabCorpus(const std::vector<NabSeries>& corpus, const NabProfile& profile,
                                 std::size_t window_count) {
  std::vector<std::vector<NabRow>> files;
  std::vector<NabRow> all;
  int first_window = 0;
  for (const NabSeries& series : corpus) {
    for (const auto& [start, end] : series.windows) {
      if (IndexOf(series.timestamps, start) < 0 || IndexOf(series.timestamps, end) < 0) {
        return InvalidArgument(fmt::format("NAB file {}: window [{}, {}] names a missing row",
                                           series.name, FormatTimestamp(start),
                                           FormatTimestamp(end)));
      }
    }
    files.push_back(NabSweep(series, profile, first_window));
    first_window += static_cast<int>(series.windows.size());
    all.insert(all.end(), files.back().begin(), files.back().end());
  }

  // The best threshold over the whole corpus; among equal scores the highest threshold.
  const std::vector<NabThresholdScore> corpus_scores = NabScoresByThreshold(all, profile);
  NabResult result;
  result.threshold = corpus_scores.front().threshold;
  double best = corpus_scores.front().score;
  for (const NabThresholdScore& candidate : corpus_scores) {
    if (candidate.score > best) {
      best = candidate.score;
      result.threshold = candidate.threshold;
    }
  }

  // Each file is scored on its own at that threshold: the last row at or above it.
  for (const std::vector<NabRow>& rows : files) {
    const std::vector<NabThresholdScore> file_scores = NabScoresByThreshold(rows, profile);
    const NabThresholdScore* match = &file_scores.front();
    for (const NabThresholdScore& candidate : file_scores) {
      if (candidate.threshold < result.threshold) {
        break;
      }
      match = &candidate;
    }
    result.raw_score += match->score;
  }
  // The null detector never fires, so NAB's optimizer leaves it at threshold 1.1 and each
  // scored window costs fn_weight.
  for (const std::vector<NabRow>& rows : files) {
    std::vector<int> windows;
    for (const NabRow& row : rows) {
      if (!row.probationary && row.window >= 0 &&
          std::find(windows.begin(), windows.end(), row.window) == windows.end()) {
        windows.push_back(row.window);
      }
    }
    result.null_score -= profile.fn_weight * static_cast<double>(windows.size());
  }
  result.perfect_score = static_cast<double>(window_count) * profile.tp_weight;
  result.normalized =
      100.0 * (result.raw_score - result.null_score) / (result.perfect_score - result.null_score);
  return result;
}

}  // namespace rampart::detect
