// Prometheus input of `rampart detect`: a text file, or scrapes of a metrics endpoint.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/csv.h"
#include "detect/log_event.h"

namespace rampart::cli {

struct MetricInput {
  std::string source;  // a file path, or an http:// or https:// URL to scrape
  std::size_t scrapes = 1;
  std::chrono::milliseconds interval{15000};  // between the starts of two scrapes
};

// Prints the first 20 problems to standard error as warnings, and how many more there are
// of `what` ("rejected records", "series with gaps").
void PrintProblems(const std::vector<detect::LogProblem>& problems, std::string_view what);

// Returns true when `source` names a URL to scrape rather than a file.
bool IsScrapeUrl(const std::string& source);

// Reads the samples of `input` as a table of series (detect::MetricTable). A URL is scraped
// `scrapes` times, `interval` apart. Only the URL's own host is contacted, because redirects
// are not followed. Each scrape dates the samples that carry no timestamp.
// Problems go to standard error and set `rejected`: unreadable lines, left-out samples, and
// failed scrapes when another scrape succeeded.
Result<detect::CsvTable> ReadMetrics(const MetricInput& input, bool& rejected);

}  // namespace rampart::cli
