// Validation errors of EventBridge event patterns: a stable code, the JSON path of the
// offending value inside the pattern, and a message that names the fix.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::pattern {

enum class ErrorCode {
  kInvalidJson,               // the text is not JSON
  kNotAnObject,               // the pattern, or an $or alternative, is not an object
  kEmptyObject,               // an object with no fields
  kLeafNotArray,              // a field's value is neither an object nor an array
  kEmptyArray,                // a value list with no values
  kInvalidValue,              // a value list contains an array
  kUnknownOperator,           // {"contains": ...} and other names EventBridge lacks
  kTwoOperators,              // {"prefix": "a", "suffix": "b"} in one object
  kWrongOperandType,          // {"prefix": 5}, {"exists": "yes"}, ...
  kBadCidr,                   // a CIDR whose address does not parse
  kBadCidrMask,               // a prefix length missing, non-numeric or too long
  kUnknownNumericComparator,  // {"numeric": ["!=", 5]}
  kBadNumericRange,           // wrong shape or an empty range
  kMixedAnythingButTypes,     // {"anything-but": ["a", 1]}
  kConsecutiveWildcards,      // {"wildcard": "a**b"}
  kBadWildcardEscape,         // a backslash before a character other than * or backslash
  kOrNotArray,                // "$or" whose value is not an array
  kOrTooFewAlternatives,      // "$or" with fewer than two alternatives
  kReservedFieldName,         // an operator name used as a field name inside "$or"
  kTooComplex,                // too many alternatives after expanding "$or"
};

// Returns the stable snake_case name of a code, such as "leaf_not_array".
std::string_view ErrorCodeName(ErrorCode code);

struct PatternError {
  ErrorCode code = ErrorCode::kInvalidJson;
  std::string path;  // JSON path into the pattern, such as "$.detail.state[0].prefix"
  std::string message;

  // Returns "path: message [code]".
  std::string ToString() const;
};

using PatternErrors = std::vector<PatternError>;

// Returns an InvalidArgument Status listing every error, prefixed with `context`.
Status ToStatus(const PatternErrors& errors, std::string_view context);

// Appends an object member to a JSON path, in bracket notation when the name is not a
// plain identifier (letters, digits, '_', '-', '$').
std::string AppendMember(std::string_view path, std::string_view member);
std::string AppendIndex(std::string_view path, std::size_t index);

}  // namespace rampart::pattern
