#include "detect/metric_table.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace rampart::detect {
namespace {

// Returns a label value escaped as the exposition format writes it: backslash, double quote
// and line feed.
std::string EscapeLabelValue(const std::string& value) {
  std::string escaped;
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      escaped += '\\';
      escaped += c;
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

// "name" or "name{label="value",...}", as the exposition format writes a series, with the
// labels sorted by name: a series is its label set, so m{a="1",b="2"} and m{b="2",a="1"} are
// one series and get one column.
std::string SeriesName(const MetricSample& sample) {
  if (sample.labels.empty()) {
    return sample.name;
  }
  std::vector<std::pair<std::string, std::string>> labels = sample.labels;
  std::sort(labels.begin(), labels.end());
  std::string name = sample.name + "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    name += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", labels[i].first,
                        EscapeLabelValue(labels[i].second));
  }
  return name + "}";
}

// Every series gets a value in every row, so the table has series x times cells. Each is a
// string of up to 24 characters, and this cap keeps the table under about 1 GB (an estimate).
constexpr std::size_t kMaxCells = 20'000'000;

// Timestamps from 1970 to the end of year 9999 in milliseconds, which RFC 3339 can write.
constexpr std::int64_t kLastMillisecond = 253'402'300'799'999;

// Returns why `sample` cannot be a table value, or "" when it can.
std::string_view Unusable(const MetricSample& sample) {
  if (!sample.timestamp_ms) {
    return "the sample has no timestamp";
  }
  if (*sample.timestamp_ms < 0 || *sample.timestamp_ms > kLastMillisecond) {
    return "the timestamp is outside the years 1970 to 9999";
  }
  if (!std::isfinite(sample.value)) {
    return "the value is not finite";
  }
  return "";
}

struct Reading {
  std::size_t column;
  double value;
  std::size_t line;
};

// Returns the note on a series without a sample at `missing` of `times` row times.
std::string GapNote(std::string_view source, const std::string& series, std::size_t missing,
                    std::size_t times) {
  return fmt::format(
      "{}: series {} has no sample at {} of {} times; its previous value fills them, and its "
      "first value the times before it starts",
      source, series, missing, times);
}

}  // namespace

Result<CsvTable> MetricTable(const std::vector<MetricSample>& samples, std::string_view source,
                             std::vector<LogProblem>& problems, std::vector<std::string>& gaps) {
  std::map<std::string, std::size_t> columns;
  std::vector<std::string> names;
  std::map<std::int64_t, std::vector<Reading>> readings;  // by timestamp in milliseconds
  std::map<std::int64_t, std::size_t> first_line;
  for (const MetricSample& sample : samples) {
    if (const std::string_view why = Unusable(sample); !why.empty()) {
      problems.push_back({sample.line, fmt::format("{}: line {}: {}; the sample is left out",
                                                   source, sample.line, why)});
      continue;
    }
    const auto [at, added] = columns.emplace(SeriesName(sample), names.size());
    if (added) {
      names.push_back(at->first);
    }
    readings[*sample.timestamp_ms].push_back({at->second, sample.value, sample.line});
    first_line.emplace(*sample.timestamp_ms, sample.line);
  }
  if (readings.empty()) {
    return InvalidArgument(fmt::format(
        "{}: no sample has a timestamp and a finite value; a series needs lines such as "
        "`name{{label=\"value\"}} 1.5 1700000000000` (the last field in milliseconds)",
        source));
  }

  if (names.size() * readings.size() > kMaxCells) {
    return InvalidArgument(fmt::format(
        "{}: {} series at {} times make {} values, more than {}; split the file by series", source,
        names.size(), readings.size(), names.size() * readings.size(), kMaxCells));
  }
  // Each series' first value, which also fills the rows before it.
  std::vector<std::optional<double>> first(names.size());
  for (const auto& [time, row] : readings) {
    for (const Reading& reading : row) {
      if (!first[reading.column]) {
        first[reading.column] = reading.value;
      }
    }
  }
  CsvTable table;
  table.header.push_back("timestamp");
  table.header.insert(table.header.end(), names.begin(), names.end());
  std::vector<std::optional<double>> current = first;
  // The line of each series' sample at the current row's time, 0 when it has none.
  std::vector<std::size_t> line_now(names.size(), 0);
  std::vector<std::size_t> missing(names.size(), 0);
  for (const auto& [time, row] : readings) {
    std::fill(line_now.begin(), line_now.end(), 0);
    for (const Reading& reading : row) {
      if (line_now[reading.column] != 0) {
        // As in Prometheus, the first sample of a series at a time is kept, and a repeat of it
        // with the same value is no conflict (a target scraped again without a new sample).
        if (reading.value == *current[reading.column]) {
          continue;
        }
        problems.push_back(
            {reading.line,
             fmt::format("{}: line {}: series {} already has another value at {} (line {}); this "
                         "one is left out",
                         source, reading.line, names[reading.column],
                         FormatTimestamp(FromUnixMicros(time * 1000)), line_now[reading.column])});
        continue;
      }
      line_now[reading.column] = reading.line;
      current[reading.column] = reading.value;
    }
    for (std::size_t column = 0; column < names.size(); ++column) {
      missing[column] += line_now[column] == 0 ? 1 : 0;
    }
    std::vector<std::string> fields = {FormatTimestamp(FromUnixMicros(time * 1000))};
    for (const std::optional<double>& value : current) {
      fields.push_back(fmt::format("{:.17g}", *value));
    }
    table.rows.push_back(std::move(fields));
    table.line_numbers.push_back(first_line.at(time));
  }
  for (std::size_t column = 0; column < names.size(); ++column) {
    if (missing[column] > 0) {
      gaps.push_back(GapNote(source, names[column], missing[column], readings.size()));
    }
  }
  return table;
}

}  // namespace rampart::detect
