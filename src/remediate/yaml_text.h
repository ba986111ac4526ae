// Minimal edits of YAML text: locate a node's bytes through yaml-cpp marks and change only
// those bytes, so comments, quoting and layout elsewhere in the file stay identical.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/status.h"

namespace rampart::remediate {

// A replacement of `length` bytes at `offset` (an insertion when length is 0).
struct TextEdit {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string replacement;
};

// The bytes of a scalar in the text and how it is quoted: 0 (plain), '\'' or '"'.
struct ScalarSpan {
  std::size_t offset = 0;
  std::size_t length = 0;
  char quote = 0;
};

// Finds the bytes of scalar `node` in `text`, the document yaml-cpp parsed it from. Fails
// when the bytes there do not parse back to the node's value, as for a plain scalar that
// continues on the next line, so that an edit never lands on the wrong bytes.
Result<ScalarSpan> LocateScalar(std::string_view text, const YAML::Node& node, bool in_flow);

// Returns `value` as YAML scalar text. A `preferred_quote` of 0 keeps it plain when that
// reads back as the same string. Otherwise it is quoted, in double quotes with JSON escapes
// when single quotes cannot carry it.
std::string FormatScalar(std::string_view value, char preferred_quote);

// Applies non-overlapping edits; fails when two edits overlap or one runs past the end.
Result<std::string> ApplyEdits(std::string_view text, std::vector<TextEdit> edits);

// Returns the offset just past the last line that belongs to the block mapping or sequence
// whose first entry is at `node`: the line after its last non-blank, non-comment line more
// indented than the mapping's parent. New entries inserted there join the collection.
std::size_t BlockEnd(std::string_view text, const YAML::Node& node);

// Returns the offset of the closing bracket of the flow collection ('{' or '[') that starts
// at `offset`, skipping quoted strings; text.size() when it is not closed.
std::size_t FlowEnd(std::string_view text, std::size_t offset);

// Returns the 0-based column of the first key of block mapping `node`.
std::size_t KeyColumn(const YAML::Node& node);

// Returns the offset of the start of the line holding `offset`.
std::size_t LineStart(std::string_view text, std::size_t offset);

// Returns the 1-based line number of `offset`.
std::size_t LineNumber(std::string_view text, std::size_t offset);

// Returns the first block mapping child indentation step seen in `text` (the columns between
// a key and its nested keys), or 2 when there is none.
std::size_t IndentStep(const YAML::Node& document);

}  // namespace rampart::remediate
