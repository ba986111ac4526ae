// Paths to one value in an event, as rule enrichment names its feature fields:
//
//   detail.findings[0].Severity.Normalized
//   detail.findings[0].ProductFields."rampart/detect/Count"
//   $.detail.findings[0].ProductFields["rampart/detect/Count"]
//
// A path starts at the top of the event, optionally with "$". Steps are ".name", "[N]"
// (an array index), and ."text" or ["text"] for a member name in double quotes, where \"
// and \\ stand for a quote and a backslash. A plain name is any run of characters other
// than . [ ] " and ASCII whitespace or control characters; the dot before the first member
// may be left out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace rampart::pattern {

struct FieldPath {
  struct Step {
    bool is_index = false;
    std::string member;     // when !is_index
    std::size_t index = 0;  // when is_index
  };
  std::vector<Step> steps;

  // Returns the path in the form error paths use, such as
  // $.detail.findings[0].ProductFields["rampart/detect/Count"].
  std::string ToString() const;
};

// Parses a path; the error names the text, the character position and the expected syntax.
Result<FieldPath> ParseFieldPath(std::string_view text);

// Returns the value at `path` in `document`, or nullptr when a step is missing.
const Json* ResolveFieldPath(const Json& document, const FieldPath& path);

}  // namespace rampart::pattern
