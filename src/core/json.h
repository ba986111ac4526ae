// Parsing of untrusted JSON text into nlohmann::json, with limits and positioned errors.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace rampart {

using Json = nlohmann::json;

struct JsonLimits {
  std::size_t max_depth = 256;  // nesting of arrays and objects
};

// Parses `text`; the error names `source` (a file name or "request body"), the line and
// column, and what was wrong (syntax, invalid UTF-8, nesting beyond max_depth).
Result<Json> ParseJson(std::string_view text, std::string_view source, JsonLimits limits = {});

// Returns the deepest nesting of arrays and objects in `text`, stopping early once it
// exceeds `stop_at`; `offset` receives where that depth was reached.
std::size_t JsonNestingDepth(std::string_view text, std::size_t stop_at, std::size_t* offset);

// Parses one line of a JSON-lines text. Errors name no source and give the position as
// "line L, column C", where L counts from `line_number`, the line's number in the whole text.
Result<Json> ParseJsonLine(std::string_view line, std::size_t line_number, JsonLimits limits = {});

// Returns "line L, column C" for a byte offset in `text` (both 1-based), counting lines from
// `first_line`.
std::string DescribeOffset(std::string_view text, std::size_t offset, std::size_t first_line = 1);

// Appends a member or index to a JSON path such as "$.Findings[2]".
std::string JsonPathMember(std::string_view path, std::string_view member);
std::string JsonPathIndex(std::string_view path, std::size_t index);

// Returns the string at `key` in an object, or `fallback` when missing or not a string.
std::string StringOr(const Json& object, std::string_view key, std::string_view fallback = "");

// Returns the value at a dotted path such as "Severity.Label", or nullptr.
const Json* FindPath(const Json& document, std::string_view dotted_path);

}  // namespace rampart
