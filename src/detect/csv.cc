#include "detect/csv.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/json.h"

namespace rampart::detect {
namespace {

// Returns a cell for an error message, quoted and escaped as a JSON string and cut after 60
// bytes. A newline inside a quoted field then cannot forge a line of the server's log, and a
// huge cell is not repeated whole.
std::string ShownCell(std::string_view cell) {
  constexpr std::size_t kShown = 60;
  std::string quoted = Json(std::string(cell.substr(0, kShown)))
                           .dump(-1, ' ', false, Json::error_handler_t::replace);
  if (cell.size() > kShown) {
    quoted += fmt::format(" (the first {} of {} bytes)", kShown, cell.size());
  }
  return quoted;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

bool IsLabelColumn(std::string_view name) {
  const std::string lower = Lower(name);
  return lower == "label" || lower == "y";
}

bool IsExcludedColumn(std::string_view name) {
  const std::string lower = Lower(name);
  return IsLabelColumn(name) || lower == "timestamp" || lower == "time" || lower == "date";
}

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// Drops the UTF-8 byte order mark that some editors and spreadsheets write first.
std::string_view WithoutByteOrderMark(std::string_view text) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    text.remove_prefix(kByteOrderMark.size());
  }
  return text;
}

Status CheckHeader(std::vector<std::string>& header, std::string_view source) {
  for (std::string& name : header) {
    name = std::string(TrimBlanks(name));
  }
  for (std::size_t i = 0; i < header.size(); ++i) {
    for (std::size_t j = i + 1; j < header.size(); ++j) {
      if (header[i] == header[j]) {
        return InvalidArgument(
            fmt::format("{}: line 1: column \"{}\" appears twice (columns {} and {}); give each "
                        "column its own name",
                        source, header[i], i + 1, j + 1));
      }
    }
  }
  return Status::Ok();
}

Result<CsvTable> Parse(std::string_view text, std::string_view source, CsvTable table) {
  const bool header_given = !table.header.empty();
  std::vector<std::string> fields;
  std::string field;
  std::size_t line = 1;
  std::size_t row_line = 1;
  bool in_quotes = false;
  bool row_has_content = false;
  std::size_t blank_line = 0;  // the first empty line after the header, 0 for none

  auto finish_row = [&]() -> Status {
    fields.push_back(std::move(field));
    field.clear();
    const bool empty_line = fields.size() == 1 && fields[0].empty() && !row_has_content;
    if (empty_line && blank_line == 0 && !table.header.empty()) {
      blank_line = row_line;
    }
    if (!empty_line) {
      if (table.header.size() == 1 && blank_line != 0) {
        // With one column an empty line may be a missing value; skipping it would shift
        // every later score onto the wrong row. Empty lines at the end stay allowed.
        return InvalidArgument(fmt::format(
            "{}: line {} is empty; with one column an empty line is a missing value, so put a "
            "value there or remove the line",
            source, blank_line));
      }
      if (table.header.empty()) {
        table.header = std::move(fields);
        RAMPART_RETURN_IF_ERROR(CheckHeader(table.header, source));
      } else if (fields.size() != table.header.size()) {
        return InvalidArgument(
            header_given ? fmt::format("{}: line {}: {} values, but the model has {} features ({})",
                                       source, row_line, fields.size(), table.header.size(),
                                       fmt::join(table.header, ", "))
                         : fmt::format("{}: line {}: {} fields, but the header has {}", source,
                                       row_line, fields.size(), table.header.size()));
      } else {
        table.rows.push_back(std::move(fields));
        table.line_numbers.push_back(row_line);
      }
    }
    fields.clear();
    row_has_content = false;
    return Status::Ok();
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        line += c == '\n' ? 1 : 0;
        field.push_back(c);
      }
    } else if (c == '"') {
      in_quotes = true;
      row_has_content = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      row_has_content = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
      RAMPART_RETURN_IF_ERROR(finish_row());
      ++line;
      row_line = line;
    } else {
      field.push_back(c);
      row_has_content = true;
    }
  }
  if (in_quotes) {
    return InvalidArgument(fmt::format(
        "{}: line {}: a quoted field is not closed; add the closing '\"'", source, row_line));
  }
  if (!field.empty() || !fields.empty()) {
    RAMPART_RETURN_IF_ERROR(finish_row());
  }
  if (table.header.empty()) {
    return InvalidArgument(fmt::format("{}: the CSV is empty; expected a header row", source));
  }
  return table;
}

}  // namespace

int CsvTable::ColumnIndex(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

Result<CsvTable> ParseCsv(std::string_view text, std::string_view source) {
  return Parse(WithoutByteOrderMark(text), source, CsvTable{});
}

Result<CsvTable> ParseCsvRows(std::string_view text, std::string_view source,
                              const std::vector<std::string>& columns) {
  CsvTable table;
  table.header = columns;
  return Parse(WithoutByteOrderMark(text), source, std::move(table));
}

int TimeColumn(const CsvTable& table) {
  for (const char* name : {"timestamp", "time", "date"}) {
    if (const int column = table.ColumnIndex(name); column >= 0) {
      return column;
    }
  }
  return -1;
}

Result<TimePoint> ParseCsvTime(const CsvTable& table, std::size_t row, std::size_t column,
                               std::string_view source) {
  const std::string_view text = TrimBlanks(table.rows[row][column]);
  if (auto time = ParseTimestamp(text)) {
    return *time;
  }
  // 1e11 seconds is in the year 5138, so a larger number can only be milliseconds.
  constexpr double kLargestSeconds = 1e11;
  double number = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (!text.empty() && error == std::errc() && end == text.data() + text.size() &&
      std::isfinite(number) && number >= 0.0 && number < kLargestSeconds * 1000.0) {
    const double seconds = number > kLargestSeconds ? number / 1000.0 : number;
    return FromUnixMicros(static_cast<std::int64_t>(std::llround(seconds * 1e6)));
  }
  return InvalidArgument(fmt::format(
      "{}: line {}, column \"{}\": {} is not a time; write RFC 3339 such as "
      "2026-01-31 12:00:00, or Unix seconds",
      source, table.line_numbers[row], table.header[column], ShownCell(table.rows[row][column])));
}

Result<double> ParseCsvNumber(const CsvTable& table, std::size_t row, std::size_t column,
                              std::string_view source) {
  std::string_view text = TrimBlanks(table.rows[row][column]);
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return InvalidArgument(fmt::format("{}: line {}, column \"{}\": {} is not a number", source,
                                       table.line_numbers[row], table.header[column],
                                       ShownCell(table.rows[row][column])));
  }
  return value;
}

Result<Matrix> CsvFeatures(const CsvTable& table, const std::vector<std::string>& columns,
                           std::string_view source, std::vector<std::string>& names) {
  std::vector<std::size_t> indices;
  names.clear();
  if (!columns.empty()) {
    for (const std::string& column : columns) {
      const int index = table.ColumnIndex(column);
      if (index < 0) {
        return InvalidArgument(fmt::format("{}: no column named \"{}\"; the header has: {}", source,
                                           column, fmt::join(table.header, ", ")));
      }
      if (IsLabelColumn(column)) {
        return InvalidArgument(
            fmt::format("{}: column \"{}\" is a label and cannot be a feature", source, column));
      }
      if (std::find(names.begin(), names.end(), column) != names.end()) {
        return InvalidArgument(
            fmt::format("{}: column \"{}\" is named twice as a feature", source, column));
      }
      indices.push_back(static_cast<std::size_t>(index));
      names.push_back(column);
    }
  } else {
    for (std::size_t i = 0; i < table.header.size(); ++i) {
      if (!IsExcludedColumn(table.header[i])) {
        indices.push_back(i);
        names.push_back(table.header[i]);
      }
    }
  }
  if (indices.empty()) {
    return InvalidArgument(fmt::format(
        "{}: no feature columns (label, y and timestamp columns are never features)", source));
  }
  Matrix matrix(table.rows.size(), indices.size());
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    for (std::size_t col = 0; col < indices.size(); ++col) {
      auto value = ParseCsvNumber(table, row, indices[col], source);
      if (!value) {
        return value.status();
      }
      matrix.At(row, col) = *value;
    }
  }
  return matrix;
}

}  // namespace rampart::detect
