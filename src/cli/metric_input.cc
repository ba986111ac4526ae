#include "cli/metric_input.h"

#include <algorithm>
#include <iostream>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/file.h"
#include "detect/metric_table.h"
#include "detect/prometheus.h"
#include "net/http_client.h"

namespace rampart::cli {
namespace {

using detect::LogProblem;
using detect::MetricReadResult;

// Appends one scrape's samples to `all`, dating those without a timestamp at `scraped_ms`.
void AddScrape(MetricReadResult scrape, std::int64_t scraped_ms, MetricReadResult& all) {
  for (detect::MetricSample& sample : scrape.samples) {
    if (!sample.timestamp_ms) {
      sample.timestamp_ms = scraped_ms;
    }
    all.samples.push_back(std::move(sample));
  }
  for (LogProblem& problem : scrape.problems) {
    all.problems.push_back(std::move(problem));
  }
}

Result<MetricReadResult> Scrape(const MetricInput& input) {
  auto url = net::ParseHttpUrl(input.source);
  if (!url) {
    return url.status();
  }
  detect::ScrapeOptions options;
  options.allowed_hosts = {url->host};
  MetricReadResult all;
  std::size_t good = 0;
  auto next = std::chrono::steady_clock::now();
  std::int64_t last_ms = 0;
  for (std::size_t scrape = 1; scrape <= input.scrapes; ++scrape) {
    std::this_thread::sleep_until(next);
    next += input.interval;
    // Each scrape is a row of its own, so two scrapes within one millisecond (a late one and
    // the next) get distinct times instead of one row with two values of each series.
    const std::int64_t scraped_ms =
        std::max(ToUnixMicros(DefaultClock().Now()) / 1000, last_ms + 1);
    last_ms = scraped_ms;
    auto body = detect::ScrapePrometheus(input.source, options);
    if (!body) {
      if (good == 0 && scrape == input.scrapes) {
        return body.status();
      }
      all.problems.push_back(
          {0, fmt::format("scrape {} of {}: {}", scrape, input.scrapes, body.status().message())});
      continue;
    }
    ++good;
    const std::string source = fmt::format("{} (scrape {})", input.source, scrape);
    AddScrape(detect::ParsePrometheusText(*body, source), scraped_ms, all);
  }
  return all;
}

}  // namespace

void PrintProblems(const std::vector<LogProblem>& problems, std::string_view what) {
  constexpr std::size_t kMaxProblemsShown = 20;
  for (std::size_t i = 0; i < problems.size() && i < kMaxProblemsShown; ++i) {
    std::cerr << "warning: " << problems[i].message << "\n";
  }
  if (problems.size() > kMaxProblemsShown) {
    std::cerr << fmt::format("warning: {} more {} not shown\n", problems.size() - kMaxProblemsShown,
                             what);
  }
}

bool IsScrapeUrl(const std::string& source) {
  return source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0;
}

Result<detect::CsvTable> ReadMetrics(const MetricInput& input, bool& rejected) {
  MetricReadResult metrics;
  if (IsScrapeUrl(input.source)) {
    auto scraped = Scrape(input);
    if (!scraped) {
      return scraped.status();
    }
    metrics = std::move(*scraped);
  } else {
    auto text = ReadFile(input.source);
    if (!text) {
      return text.status();
    }
    metrics = detect::ParsePrometheusText(*text, input.source);
  }
  std::vector<std::string> gaps;
  auto table = detect::MetricTable(metrics.samples, input.source, metrics.problems, gaps);
  PrintProblems(metrics.problems, "rejected samples");
  // A gap is filled, not rejected, so it is only a warning.
  std::vector<LogProblem> gap_notes;
  for (std::string& gap : gaps) {
    gap_notes.push_back({0, std::move(gap)});
  }
  PrintProblems(gap_notes, "series with gaps");
  rejected = !metrics.problems.empty();
  return table;
}

}  // namespace rampart::cli
