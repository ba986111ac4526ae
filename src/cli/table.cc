#include "cli/table.h"

#include <algorithm>

namespace rampart::cli {

std::string Printable(const std::string& text) {
  std::string flat;
  flat.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool c1 = byte == 0xC2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;  // U+0080 to U+009F
    if (byte == '\n' || byte == '\t' || byte == '\r') {
      flat += ' ';
    } else if (byte < 0x20 || byte == 0x7F || c1) {
      flat += '?';
      i += c1 ? 1 : 0;
    } else {
      flat += text[i];
    }
  }
  return flat;
}

std::string PrintableLines(const std::string& text) {
  std::string lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    lines += Printable(text.substr(start, end - start));
    lines += end < text.size() ? "\n" : "";
    start = end + 1;
  }
  return lines;
}

std::string Cut(const std::string& text, std::size_t max_width) {
  const std::string flat = Printable(text);
  if (flat.size() <= max_width) {
    return flat;
  }
  std::size_t end = max_width - 3;
  while (end > 0 && (static_cast<unsigned char>(flat[end]) & 0xC0) == 0x80) {
    --end;
  }
  return flat.substr(0, end) + "...";
}

void Table::Print(std::ostream& out, std::size_t max_width) const {
  std::vector<std::size_t> widths(headers_.size(), 0);
  std::vector<std::vector<std::string>> cells;
  cells.push_back(headers_);
  for (const auto& row : rows_) {
    std::vector<std::string> cut;
    for (std::size_t i = 0; i < headers_.size(); ++i) {
      cut.push_back(Cut(i < row.size() ? row[i] : "", max_width));
    }
    cells.push_back(std::move(cut));
  }
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (std::size_t r = 0; r < cells.size(); ++r) {
    for (std::size_t i = 0; i < cells[r].size(); ++i) {
      out << cells[r][i];
      if (i + 1 < cells[r].size()) {
        out << std::string(widths[i] - cells[r][i].size() + 2, ' ');
      }
    }
    out << '\n';
    if (r == 0) {
      std::size_t total = 0;
      for (std::size_t w : widths) {
        total += w + 2;
      }
      out << std::string(total > 2 ? total - 2 : 0, '-') << '\n';
    }
  }
}

}  // namespace rampart::cli
