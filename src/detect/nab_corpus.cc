// Reading the NAB corpus layout: labels/, data/ and results/DETECTOR/.
#include <filesystem>

#include <fmt/format.h>

#include "core/file.h"
#include "core/json.h"
#include "detect/csv.h"
#include "detect/nab.h"

namespace rampart::detect {
namespace {

Result<Json> ReadJsonFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) {
    return text.status();
  }
  return ParseJson(*text, path);
}

// Reads the timestamp column and one numeric column of a NAB CSV file.
Status ReadColumns(const std::string& path, const std::string& column,
                   std::vector<TimePoint>& timestamps, std::vector<double>& values) {
  auto text = ReadFile(path);
  if (!text) {
    return text.status();
  }
  auto table = ParseCsv(*text, path);
  if (!table) {
    return table.status();
  }
  const int time_column = table->ColumnIndex("timestamp");
  const int value_column = table->ColumnIndex(column);
  if (time_column < 0 || value_column < 0) {
    return InvalidArgument(fmt::format("{}: expected columns timestamp and {}", path, column));
  }
  timestamps.clear();
  values.clear();
  for (std::size_t row = 0; row < table->rows.size(); ++row) {
    auto time = ParseTimestamp(table->rows[row][static_cast<std::size_t>(time_column)]);
    if (!time) {
      return time.status().WithContext(fmt::format("{}: line {}", path, table->line_numbers[row]));
    }
    auto value = ParseCsvNumber(*table, row, static_cast<std::size_t>(value_column), path);
    if (!value) {
      return value.status();
    }
    timestamps.push_back(*time);
    values.push_back(*value);
  }
  return Status::Ok();
}

}  // namespace

Result<NabCorpus> ReadNabCorpus(const std::string& nab_dir, const std::string& detector) {
  const std::filesystem::path root(nab_dir);
  auto windows = ReadJsonFile((root / "labels/combined_windows.json").string());
  if (!windows) {
    return windows.status();
  }
  NabCorpus corpus;

  for (const auto& [file, limits] : windows->items()) {
    NabSeries series;
    series.name = file;
    std::vector<double> values;
    RAMPART_RETURN_IF_ERROR(
        ReadColumns((root / "data" / file).string(), "value", series.timestamps, values));
    for (const Json& limit : limits) {
      if (!limit.is_array() || limit.size() != 2 || !limit[0].is_string() ||
          !limit[1].is_string()) {
        return InvalidArgument(
            fmt::format("combined_windows.json: {}: a window must be a pair "
                        "of timestamp strings",
                        file));
      }
      auto start = ParseTimestamp(limit[0].get<std::string>());
      auto end = ParseTimestamp(limit[1].get<std::string>());
      if (!start || !end) {
        return InvalidArgument(
            fmt::format("combined_windows.json: {}: invalid window {}", file, limit.dump()));
      }
      series.windows.emplace_back(*start, *end);
      ++corpus.window_count;
    }
    if (detector.empty()) {
      series.scores.assign(values.size(), 0.0);
    } else {
      const std::filesystem::path relative(file);
      const std::string result_file = (root / "results" / detector / relative.parent_path() /
                                       (detector + "_" + relative.filename().string()))
                                          .string();
      std::vector<TimePoint> result_times;
      RAMPART_RETURN_IF_ERROR(
          ReadColumns(result_file, "anomaly_score", result_times, series.scores));
      // NAB pairs scores with the data file's rows by position, and some results files
      // carry shifted timestamps, so only the row counts must agree.
      if (result_times.size() != series.timestamps.size()) {
        return InvalidArgument(fmt::format("{}: {} rows, but the data file {} has {}", result_file,
                                           result_times.size(), file, series.timestamps.size()));
      }
    }
    corpus.series.push_back(std::move(series));
    corpus.values.push_back(std::move(values));
  }
  return corpus;
}

}  // namespace rampart::detect
