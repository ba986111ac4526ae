// Splitting text that has one JSON value per line (JSON lines, as Falco's json_output and
// `rampart findings list --output jsonl` write it).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace rampart::ingest {

// One non-blank line of a text, with its 1-based line number.
struct TextLine {
  std::size_t number = 0;
  std::string_view text;
};

// Returns the non-blank lines of `text` (a trailing '\r' removed from each).
std::vector<TextLine> NonBlankLines(std::string_view text);

// Returns the first non-blank line, or an empty line with number 0.
TextLine FirstNonBlankLine(std::string_view text);

// Returns true when `text` has at least two non-blank lines and the first of them is a
// complete JSON object on its own. The first line of one pretty-printed JSON value, such
// as "{", is never complete, so the two cannot be confused.
bool LooksLikeJsonLines(std::string_view text);

}  // namespace rampart::ingest
