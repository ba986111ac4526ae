// Plain-text tables for command output: columns sized to their widest cell.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace rampart::cli {

// Returns `text` on one line and without control characters: findings carry scanner text
// that an attacker may shape, and an escape sequence would act on the reader's terminal.
// Line breaks and tabs become spaces, other C0 and C1 controls "?".
std::string Printable(const std::string& text);

// Returns `text` with the control characters of each line replaced as Printable does,
// keeping its line breaks: for diffs and action output, which span lines.
std::string PrintableLines(const std::string& text);

// Returns `text` on one line without control characters, cut to at most `max_width` bytes
// with "..." at a UTF-8 character boundary, so the output stays valid text.
std::string Cut(const std::string& text, std::size_t max_width);

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  std::size_t size() const { return rows_.size(); }

  // Writes the header, a rule and the rows; cells longer than `max_width` are cut with "...".
  void Print(std::ostream& out, std::size_t max_width = 60) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace rampart::cli
