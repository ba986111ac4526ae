#include "core/metrics.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace rampart {
namespace {

void AtomicAdd(std::atomic<double>& target, double amount) {
  double current = target.load();
  while (!target.compare_exchange_weak(current, current + amount)) {
  }
}

std::string EscapeLabelValue(const std::string& value) {
  std::string escaped;
  for (const char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string FormatValue(double value) {
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  if (std::isnan(value)) {
    return "NaN";
  }
  return fmt::format("{}", value);
}

std::string WithLabel(const Labels& labels, const std::string& key, const std::string& value) {
  Labels extended = labels;
  extended.emplace_back(key, value);
  return RenderLabels(extended);
}

}  // namespace

void Counter::Increment(double amount) { AtomicAdd(value_, amount); }

void Gauge::Add(double amount) { AtomicAdd(value_, amount); }

Histogram::Histogram(std::vector<double> upper_bounds) : upper_bounds_(std::move(upper_bounds)) {
  std::sort(upper_bounds_.begin(), upper_bounds_.end());
  counts_.assign(upper_bounds_.size() + 1, 0);
}

void Histogram::Observe(double value) {
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin());
  std::lock_guard lock(mutex_);
  counts_[bucket] += 1;
  sum_ += value;
}

Histogram::Snapshot Histogram::Take() const {
  std::lock_guard lock(mutex_);
  Snapshot snapshot;
  snapshot.upper_bounds = upper_bounds_;
  snapshot.sum = sum_;
  std::uint64_t running = 0;
  for (const std::uint64_t count : counts_) {
    running += count;
    snapshot.cumulative_counts.push_back(running);
  }
  snapshot.count = running;
  return snapshot;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string RenderLabels(const Labels& labels) {
  if (labels.empty()) {
    return "";
  }
  std::string text = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    text += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", labels[i].first,
                        EscapeLabelValue(labels[i].second));
  }
  return text + "}";
}

MetricsRegistry::Family& MetricsRegistry::GetFamily(const std::string& name,
                                                    const std::string& help, Kind kind) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.kind = kind;
    it->second.help = help;
  }
  return it->second;
}

Counter& MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     const Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& family = GetFamily(name, help, Kind::kCounter);
  const std::string key = RenderLabels(labels);
  family.label_sets.emplace(key, labels);
  auto& slot = family.counters[key];
  if (!slot) {
    slot = std::make_unique<Counter>();
  }
  return *slot;
}

Gauge& MetricsRegistry::GetGauge(const std::string& name, const std::string& help,
                                 const Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& family = GetFamily(name, help, Kind::kGauge);
  const std::string key = RenderLabels(labels);
  family.label_sets.emplace(key, labels);
  auto& slot = family.gauges[key];
  if (!slot) {
    slot = std::make_unique<Gauge>();
  }
  return *slot;
}

Histogram& MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const Labels& labels, std::vector<double> upper_bounds) {
  std::lock_guard lock(mutex_);
  Family& family = GetFamily(name, help, Kind::kHistogram);
  const std::string key = RenderLabels(labels);
  family.label_sets.emplace(key, labels);
  auto& slot = family.histograms[key];
  if (!slot) {
    slot = std::make_unique<Histogram>(std::move(upper_bounds));
  }
  return *slot;
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mutex_);
  std::string text;
  for (const auto& [name, family] : families_) {
    const char* type = family.kind == Kind::kCounter ? "counter"
                       : family.kind == Kind::kGauge ? "gauge"
                                                     : "histogram";
    text += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, family.help, name, type);
    for (const auto& [key, counter] : family.counters) {
      text += fmt::format("{}{} {}\n", name, key, FormatValue(counter->Value()));
    }
    for (const auto& [key, gauge] : family.gauges) {
      text += fmt::format("{}{} {}\n", name, key, FormatValue(gauge->Value()));
    }
    for (const auto& [key, histogram] : family.histograms) {
      const Labels& labels = family.label_sets.at(key);
      const Histogram::Snapshot snapshot = histogram->Take();
      for (std::size_t i = 0; i < snapshot.upper_bounds.size(); ++i) {
        text += fmt::format("{}_bucket{} {}\n", name,
                            WithLabel(labels, "le", FormatValue(snapshot.upper_bounds[i])),
                            snapshot.cumulative_counts[i]);
      }
      text +=
          fmt::format("{}_bucket{} {}\n", name, WithLabel(labels, "le", "+Inf"), snapshot.count);
      text += fmt::format("{}_sum{} {}\n", name, key, FormatValue(snapshot.sum));
      text += fmt::format("{}_count{} {}\n", name, key, snapshot.count);
    }
  }
  return text;
}

void MetricsRegistry::AddCollector(std::function<void(MetricsRegistry&)> collector) {
  std::lock_guard<std::mutex> lock(collectors_mutex_);
  collectors_.push_back(std::move(collector));
}

void MetricsRegistry::Collect() {
  std::lock_guard<std::mutex> lock(collectors_mutex_);
  for (const auto& collector : collectors_) {
    collector(*this);
  }
}

}  // namespace rampart
