// CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF line ends) with a header row.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "detect/matrix.h"

namespace rampart::detect {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> line_numbers;  // the 1-based line each row starts on

  // Returns the index of the column named `name`, or -1.
  int ColumnIndex(std::string_view name) const;
};

// Parses `text`. Every row must have as many fields as the header; an error names `source`,
// the line and the field counts. Empty lines are skipped, except in a table of one column,
// where an empty line before the last row is a missing value and an error. A UTF-8 byte order mark
// at the start is dropped, header names are trimmed of spaces and tabs, and a header that names a
// column twice is rejected.
Result<CsvTable> ParseCsv(std::string_view text, std::string_view source);

// Parses rows without a header line, each with one value per name of `columns`, which
// become the table's header. Errors count lines from the first line of `text`.
Result<CsvTable> ParseCsvRows(std::string_view text, std::string_view source,
                              const std::vector<std::string>& columns);

// Returns the index of the time column, the first of "timestamp", "time" and "date" in the
// header, or -1 when there is none.
int TimeColumn(const CsvTable& table);

// Parses a field as a time: RFC 3339 (a space may replace the "T"), or a Unix time in seconds,
// where a number above 1e11 is taken as milliseconds. The error names the source, line and
// value.
Result<TimePoint> ParseCsvTime(const CsvTable& table, std::size_t row, std::size_t column,
                               std::string_view source);

// Parses a field as a finite double; the error names the source, line and column.
Result<double> ParseCsvNumber(const CsvTable& table, std::size_t row, std::size_t column,
                              std::string_view source);

// Returns the numeric feature columns of `table` as a matrix: `columns` when given (each must
// exist), else every column but a label column ("label", "y", any case) and a timestamp
// column ("timestamp", "time", "date"). Fills `names` with the columns used. An empty or
// non-numeric cell is an error naming the line and column.
Result<Matrix> CsvFeatures(const CsvTable& table, const std::vector<std::string>& columns,
                           std::string_view source, std::vector<std::string>& names);

}  // namespace rampart::detect
