#include "detect/behaviour_model.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "detect/entity_history.h"

namespace rampart::detect {
namespace {

constexpr std::size_t kTopFeatures = 3;

// Returns the windows of `events`. Entities start from `history` and end with what they used
// in `events` added to it.
std::vector<WindowFeatures> CollectWindows(const std::vector<LogEvent>& events,
                                           const WindowOptions& options,
                                           std::vector<EntityHistory>& history, Status& status) {
  std::vector<WindowFeatures> windows;
  auto feature_windows =
      FeatureWindows::Create(options, [&](const WindowFeatures& w) { windows.push_back(w); });
  if (!feature_windows) {
    status = feature_windows.status();
    return windows;
  }
  feature_windows->Restore(history);
  std::vector<const LogEvent*> ordered;
  for (const LogEvent& event : events) {
    ordered.push_back(&event);
  }
  // CloudTrail delivers events a few minutes out of order; sort so none counts as late.
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const LogEvent* a, const LogEvent* b) { return a->time < b->time; });
  for (const LogEvent* event : ordered) {
    feature_windows->Add(*event);
  }
  feature_windows->Flush();
  history = feature_windows->History();
  return windows;
}

std::string EntityKindList(const std::vector<EntityKind>& kinds) {
  std::string list;
  for (EntityKind kind : kinds) {
    list += (list.empty() ? "" : ",") + std::string(EntityKindName(kind));
  }
  return list;
}

}  // namespace

std::vector<double> BehaviourFeatures(const WindowFeatures& window) {
  std::vector<double> values = window.Vector();
  for (double& value : values) {
    value = std::log1p(value);
  }
  return values;
}

double Quantile(std::vector<double> values, double quantile) {
  if (values.empty()) {
    return 0.0;
  }
  std::sort(values.begin(), values.end());
  const auto rank =
      static_cast<std::size_t>(std::ceil(quantile * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

Result<BehaviourModel> BehaviourModel::Train(const std::vector<LogEvent>& events,
                                             const BehaviourOptions& options, RandomEngine engine) {
  if (!(options.quantile > 0.0 && options.quantile <= 1.0)) {
    return InvalidArgument(
        fmt::format("behaviour model: quantile {} is outside (0, 1]", options.quantile));
  }
  Status status;
  std::vector<EntityHistory> history;
  const std::vector<WindowFeatures> windows =
      CollectWindows(events, options.windows, history, status);
  RAMPART_RETURN_IF_ERROR(status);
  if (windows.size() < 2) {
    return InvalidArgument(fmt::format(
        "behaviour model: the training log gave {} feature windows; at least 2 are needed, so "
        "train on a longer log or use shorter windows",
        windows.size()));
  }
  RandomCutForestOptions forest_options;
  forest_options.num_trees = options.num_trees;
  forest_options.num_samples_per_tree = options.num_samples_per_tree;
  forest_options.feature_dim = WindowFeatureNames().size();
  forest_options.time_decay = 0.0;  // a uniform sample of the training windows
  auto forest = RandomCutForest::Create(forest_options, std::move(engine));
  if (!forest) {
    return forest.status();
  }
  Matrix features(windows.size(), forest_options.feature_dim);
  for (std::size_t row = 0; row < windows.size(); ++row) {
    const std::vector<double> values = BehaviourFeatures(windows[row]);
    std::copy(values.begin(), values.end(), features.Row(row));
  }
  forest->UpdateAll(features);
  const std::vector<double> scores = forest->ScoreAll(features);
  return BehaviourModel(std::move(*forest), Quantile(scores, options.quantile), options.windows,
                        std::move(history));
}

std::size_t BehaviourModel::Detect(const std::vector<LogEvent>& events,
                                   FindingSet& findings) const {
  Status status;
  std::vector<EntityHistory> history = history_;
  const std::vector<WindowFeatures> windows = CollectWindows(events, windows_, history, status);
  const std::vector<std::string>& names = WindowFeatureNames();
  for (const WindowFeatures& window : windows) {
    const std::vector<double> features = BehaviourFeatures(window);
    const Attribution attribution = forest_.Attribute(features.data());
    if (attribution.score <= threshold_) {
      continue;
    }
    std::vector<std::size_t> order(names.size());
    std::iota(order.begin(), order.end(), 0);
    auto share = [&](std::size_t i) { return attribution.high[i] + attribution.low[i]; };
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return share(a) > share(b); });
    std::vector<std::string> top;
    for (std::size_t i = 0; i < kTopFeatures && i < order.size(); ++i) {
      const std::size_t feature = order[i];
      top.push_back(
          fmt::format("{} {} ({}, {:.0f}% of the score)", names[feature],
                      static_cast<long long>(std::llround(std::expm1(features[feature]))),
                      attribution.high[feature] >= attribution.low[feature] ? "high" : "low",
                      100.0 * share(feature) / attribution.score));
    }
    Detection detection;
    detection.detector = "anomalous-behaviour";
    detection.entity = fmt::format("{}:{}", EntityKindName(window.kind), window.entity);
    detection.type = "Unusual Behaviors/User/Behavior:IAMUser-AnomalousBehavior.RandomCutForest";
    detection.title =
        fmt::format("Anomalous behaviour of {} {}", EntityKindName(window.kind), window.entity);
    detection.description = fmt::format(
        "The window from {} scored {:.3f}, above the learned threshold {:.3f}. Top features: {}.",
        FormatTimestamp(window.start), attribution.score, threshold_, fmt::join(top, "; "));
    detection.severity = finding::SeverityLabel::kMedium;
    detection.first_seen = window.start;
    detection.last_seen = window.end;
    if (window.kind == EntityKind::kSourceIp) {
      detection.source_ip = window.entity;
    }
    detection.fields["rampart/detect/Score"] = fmt::format("{:.4f}", attribution.score);
    detection.fields["rampart/detect/Threshold"] = fmt::format("{:.4f}", threshold_);
    detection.fields["rampart/detect/TopFeatures"] = fmt::format("{}", fmt::join(top, "; "));
    findings.Report(detection);
  }
  return windows.size();
}

ModelFile BehaviourModel::ToModelFile() const {
  ModelFile file;
  file.kind = ModelKind::kRandomCutForest;
  file.feature_names = WindowFeatureNames();
  file.payload = forest_.Encode();
  file.entity_history = EncodeEntityHistory(history_);
  file.metadata["input"] = "log-windows";
  file.metadata["threshold"] = fmt::format("{:.17g}", threshold_);
  file.metadata["window_seconds"] = std::to_string(windows_.size.count());
  file.metadata["slide_seconds"] = std::to_string(windows_.slide.count());
  file.metadata["entities"] = EntityKindList(windows_.entities);
  return file;
}

Result<BehaviourModel> BehaviourModel::FromModelFile(const ModelFile& file) {
  if (file.kind != ModelKind::kRandomCutForest || file.metadata.count("input") == 0 ||
      file.metadata.at("input") != "log-windows") {
    return InvalidArgument(
        "the model was not trained on log windows; train it with `rampart model train --logs`");
  }
  if (file.version < 4) {
    return InvalidArgument(fmt::format(
        "the model file is format version {}, which does not keep what each entity did in "
        "training, so every entity would look new; train it again with `rampart model train "
        "--logs`",
        file.version));
  }
  auto history = DecodeEntityHistory(file.entity_history);
  if (!history) {
    return history.status();
  }
  auto forest = RandomCutForest::Decode(file.payload);
  if (!forest) {
    return forest.status();
  }
  WindowOptions windows;
  double threshold = 0.0;
  try {
    threshold = std::stod(file.metadata.at("threshold"));
    windows.size = std::chrono::seconds(std::stoll(file.metadata.at("window_seconds")));
    windows.slide = std::chrono::seconds(std::stoll(file.metadata.at("slide_seconds")));
  } catch (const std::exception&) {
    return InvalidArgument("the model's threshold or window metadata is missing or invalid");
  }
  windows.entities.clear();
  const std::string& list = file.metadata.count("entities") ? file.metadata.at("entities") : "";
  for (EntityKind kind : {EntityKind::kPrincipal, EntityKind::kSourceIp, EntityKind::kUserAgent,
                          EntityKind::kNamespace}) {
    if (list.find(EntityKindName(kind)) != std::string::npos) {
      windows.entities.push_back(kind);
    }
  }
  if (windows.entities.empty() || windows.size.count() <= 0 || windows.slide.count() <= 0 ||
      windows.size.count() % windows.slide.count() != 0) {
    return InvalidArgument("the model's window metadata is invalid (sizes or entity kinds)");
  }
  if (forest->dimensions() != WindowFeatureNames().size()) {
    return InvalidArgument(fmt::format("the model reads {} features, log windows have {}",
                                       forest->dimensions(), WindowFeatureNames().size()));
  }
  return BehaviourModel(std::move(*forest), threshold, windows, std::move(*history));
}

}  // namespace rampart::detect
