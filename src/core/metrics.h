// Process metrics rendered in the Prometheus text exposition format (version 0.0.4).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace rampart {

// Label pairs such as {{"state", "FAILED"}}; rendered in the given order.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count. Thread-safe.
class Counter {
 public:
  void Increment(double amount = 1.0);
  double Value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0.0};
};

// A value that goes up and down. Thread-safe.
class Gauge {
 public:
  void Set(double value) { value_.store(value); }
  void Add(double amount);
  double Value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0.0};
};

// Counts of observations in cumulative buckets, with their sum. Thread-safe.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<std::uint64_t> cumulative_counts;  // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot Take() const;

 private:
  mutable std::mutex mutex_;
  std::vector<double> upper_bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; last is +Inf
  double sum_ = 0;
};

// Latency buckets in seconds, from 0.5 ms to 10 s.
std::vector<double> LatencyBuckets();

// A set of named metric families. Getters create a series on first use and return the same
// object afterwards, so callers may keep the reference. Thread-safe.
class MetricsRegistry {
 public:
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help,
                          const Labels& labels = {},
                          std::vector<double> upper_bounds = LatencyBuckets());

  // Renders every family in the Prometheus text format, families sorted by name.
  std::string Render() const;

  // Adds a function that refreshes gauges read from elsewhere (a store's counts, say).
  // Collect runs every such function; a scrape calls it before Render.
  void AddCollector(std::function<void(MetricsRegistry&)> collector);
  void Collect();

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Family {
    Kind kind;
    std::string help;
    std::map<std::string, Labels> label_sets;  // rendered label text -> labels
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  Family& GetFamily(const std::string& name, const std::string& help, Kind kind);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
  std::mutex collectors_mutex_;
  std::vector<std::function<void(MetricsRegistry&)>> collectors_;
};

// Returns label text such as `{state="FAILED"}`, with values escaped; empty for no labels.
std::string RenderLabels(const Labels& labels);

}  // namespace rampart
