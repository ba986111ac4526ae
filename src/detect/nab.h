// Scoring of the Numenta Anomaly Benchmark (NAB v1.0, numenta/NAB): anomaly windows, the
// probationary period, the scaled sigmoid, the application profiles, threshold
// optimization over the whole corpus and normalization against the null and perfect
// detectors.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace rampart::detect {

// Weights of one application profile.
struct NabProfile {
  std::string name;
  double tp_weight = 1.0;
  double fp_weight = 0.11;
  double fn_weight = 1.0;
};

// Returns NAB's three profiles: standard (FP 0.11, FN 1.0), reward_low_FP_rate (FP 0.22)
// and reward_low_FN_rate (FN 2.0), all with TP weight 1.0.
std::vector<NabProfile> NabProfiles();

// One data file of the corpus with a detector's anomaly scores (in [0, 1]) and the file's
// labelled anomaly windows, as inclusive [start, end] timestamps.
struct NabSeries {
  std::string name;
  std::vector<TimePoint> timestamps;
  std::vector<double> scores;
  std::vector<std::pair<TimePoint, TimePoint>> windows;
};

// Returns NAB's scaled sigmoid: 2 / (1 + e^(5 x)) - 1 for a relative position x, and -1
// from x >= 3 on.
double NabScaledSigmoid(double relative_position);

// Returns the probationary period of a file of `rows` rows: min(floor(0.15 rows), 750).
std::size_t NabProbationaryRows(std::size_t rows);

// The weighted score each row would earn if it were a detection, and its window.
struct NabRow {
  double anomaly_score = 0.0;
  double sweep_score = 0.0;
  int window = -1;  // global window number; -1 outside every window
  bool probationary = false;
};

// Returns the rows of one file, window numbers starting at `first_window`.
std::vector<NabRow> NabSweep(const NabSeries& series, const NabProfile& profile, int first_window);

// The corpus score and counts at one threshold (detections are scores >= threshold).
struct NabThresholdScore {
  double threshold = 0.0;
  double score = 0.0;
  std::size_t tp = 0, tn = 0, fp = 0, fn = 0;
};

// Returns the score at every distinct anomaly score, highest threshold first, starting
// with 1.1 (no detections). Only the earliest detection in a window counts; every
// detection outside a window costs its sweep score.
std::vector<NabThresholdScore> NabScoresByThreshold(const std::vector<NabRow>& rows,
                                                    const NabProfile& profile);

// The result of scoring a corpus for one profile.
struct NabResult {
  double threshold = 0.0;   // the optimized threshold
  double raw_score = 0.0;   // sum of the per-file scores at that threshold
  double null_score = 0.0;  // raw score of a detector that never fires
  double perfect_score = 0.0;
  double normalized = 0.0;  // 100 (raw - null) / (perfect - null)
};

// Finds the threshold that maximizes the corpus score, scores every file at it, and
// normalizes. `window_count` is the number of anomaly windows in the corpus; NAB's
// perfect detector earns tp_weight for each. Fails when the windows name timestamps missing from a
// file.
Result<NabResult> ScoreNabCorpus(const std::vector<NabSeries>& corpus, const NabProfile& profile,
                                 std::size_t window_count);

// A NAB corpus as read from disk.
struct NabCorpus {
  std::vector<NabSeries> series;            // one per data file, in windows-file order
  std::vector<std::vector<double>> values;  // each file's value column
  std::size_t window_count = 0;             // anomaly windows over all files
};

// Reads the corpus under `nab_dir`: windows from labels/combined_windows.json, data from
// data/CATEGORY/FILE, and, when
// `detector` is not empty, scores from the anomaly_score column of
// results/DETECTOR/CATEGORY/DETECTOR_FILE.
Result<NabCorpus> ReadNabCorpus(const std::string& nab_dir, const std::string& detector);

}  // namespace rampart::detect
