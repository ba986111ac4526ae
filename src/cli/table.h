// Plain-text tables for command output: columns sized to their widest cell.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace rampart::cli {

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
