// Anomalous behaviour: a Random Cut Forest over per-entity feature windows, with a threshold
// learned as a quantile of the training windows' scores. Windows scoring above it become
// findings that name the features contributing most.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "detect/feature_windows.h"
#include "detect/finding_set.h"
#include "detect/model_file.h"
#include "detect/random_cut_forest.h"

namespace rampart::detect {

struct BehaviourOptions {
  WindowOptions windows;
  std::size_t num_trees = 100;
  std::size_t num_samples_per_tree = 256;
  double quantile = 0.99;  // of training scores, in (0, 1]
};

// Returns the model input for a window: log(1 + count) of each WindowFeatures value, so that
// the busiest entities do not take every cut.
std::vector<double> BehaviourFeatures(const WindowFeatures& window);

class BehaviourModel {
 public:
  // Trains on the windows of `events`, and keeps what each entity used in them. Fails when
  // there are fewer than 2 windows.
  static Result<BehaviourModel> Train(const std::vector<LogEvent>& events,
                                      const BehaviourOptions& options, RandomEngine engine);

  // Scores the windows of `events` and reports every window above threshold(). Entities
  // start from what they used in training, so only values they never used count as new.
  // Returns the number of windows scored.
  std::size_t Detect(const std::vector<LogEvent>& events, FindingSet& findings) const;

  double threshold() const { return threshold_; }
  const RandomCutForest& forest() const { return forest_; }
  const std::vector<EntityHistory>& history() const { return history_; }

  // A model file of kind rcf with the threshold and window settings as metadata and the
  // entities' history.
  ModelFile ToModelFile() const;
  // Rejects files before format version 4, which lack the entities' history.
  static Result<BehaviourModel> FromModelFile(const ModelFile& file);

 private:
  BehaviourModel(RandomCutForest forest, double threshold, WindowOptions windows,
                 std::vector<EntityHistory> history)
      : forest_(std::move(forest)),
        threshold_(threshold),
        windows_(std::move(windows)),
        history_(std::move(history)) {}

  RandomCutForest forest_;
  double threshold_ = 0.0;
  WindowOptions windows_;
  std::vector<EntityHistory> history_;  // what each entity used in training
};

// Returns the value below which `quantile` of `values` lie (nearest rank).
double Quantile(std::vector<double> values, double quantile);

}  // namespace rampart::detect
