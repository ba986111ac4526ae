#include "ingest/json_lines.h"

#include <simdjson.h>

namespace rampart::ingest {
namespace {

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::string_view StripCarriageReturn(std::string_view line) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  return line;
}

// Calls `visit(line)` for each non-blank line until it returns false.
template <typename Visit>
void ForEachNonBlankLine(std::string_view text, Visit visit) {
  std::size_t number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end;
    ++number;
    const std::string_view line = StripCarriageReturn(text.substr(start, stop - start));
    if (!IsBlank(line) && !visit(TextLine{number, line})) {
      return;
    }
    if (end == std::string_view::npos) {
      return;
    }
    start = end + 1;
  }
}

}  // namespace

std::vector<TextLine> NonBlankLines(std::string_view text) {
  std::vector<TextLine> lines;
  ForEachNonBlankLine(text, [&lines](TextLine line) {
    lines.push_back(line);
    return true;
  });
  return lines;
}

TextLine FirstNonBlankLine(std::string_view text) {
  TextLine first;
  ForEachNonBlankLine(text, [&first](TextLine line) {
    first = line;
    return false;
  });
  return first;
}

bool LooksLikeJsonLines(std::string_view text) {
  std::size_t count = 0;
  TextLine first;
  ForEachNonBlankLine(text, [&](TextLine line) {
    if (count == 0) {
      first = line;
    }
    ++count;
    return count < 2;
  });
  if (count < 2) {
    return false;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element value;
  if (parser.parse(first.text.data(), first.text.size(), true).get(value) != simdjson::SUCCESS) {
    return false;
  }
  return value.is_object();
}

}  // namespace rampart::ingest
