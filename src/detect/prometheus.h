// The Prometheus text exposition format (version 0.0.4): reading samples from a file or from
// a scrape of an allow-listed host.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "detect/log_event.h"

namespace rampart::detect {

struct MetricSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;  // in the order written
  double value = 0.0;                                       // NaN and +/-Inf allowed
  std::optional<std::int64_t> timestamp_ms;
  std::size_t line = 0;
};

struct MetricReadResult {
  std::vector<MetricSample> samples;
  std::vector<LogProblem> problems;  // lines that could not be read; the rest still count
};

// Parses exposition text. Comment lines (# HELP, # TYPE, others) and blank lines are
// skipped; a malformed line becomes a problem naming `source`, the line and what is wrong.
MetricReadResult ParsePrometheusText(std::string_view text, std::string_view source);

struct ScrapeOptions {
  std::set<std::string> allowed_hosts;  // exact host names or addresses; empty allows none
  std::chrono::milliseconds timeout{5000};
  std::size_t max_bytes = 16 << 20;
};

// Fetches `url` (http or https only, no redirects) when its host is in allowed_hosts, and
// returns the body. Fails, without connecting, for another scheme or host.
Result<std::string> ScrapePrometheus(const std::string& url, const ScrapeOptions& options);

}  // namespace rampart::detect
