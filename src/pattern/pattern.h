// The parsed form of an EventBridge event pattern: alternatives (after "$or" is expanded),
// each a list of field conditions that must all hold.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "pattern/errors.h"
#include "pattern/ip_address.h"

namespace rampart::pattern {

enum class MatchKind : std::uint8_t {
  kString,  // the exact string
  kNumber,  // a number equal to `number` as an IEEE binary64 value
  kTrue,
  kFalse,
  kNull,
  kPrefix,            // strings starting with `text`
  kPrefixIgnoreCase,  // `text` is case-folded
  kSuffix,
  kSuffixIgnoreCase,  // `text` is case-folded
  kEqualsIgnoreCase,  // `text` is case-folded
  kWildcard,          // `text` is the wildcard source, with its escapes
  kNumericRange,      // numbers inside `range`
  kCidr,              // strings holding an IP address inside `ip`
  kExists,            // any leaf value
  kAbsent,            // no leaf value at the path ({"exists": false})
  kAnythingBut,       // any leaf value that none of `excluded` matches
};

// A range of numbers; an unbounded end is an infinity with `*_inclusive` true.
struct NumericRange {
  double low = 0;
  bool low_inclusive = true;
  double high = 0;
  bool high_inclusive = true;
};

// One way a value may match: an exact value or one operator object.
struct ValueMatcher {
  MatchKind kind = MatchKind::kString;
  std::string text;
  double number = 0;
  NumericRange range;
  IpRange ip;
  std::vector<ValueMatcher> excluded;  // kAnythingBut only

  // Returns a string that is equal for two matchers exactly when they match the same values.
  std::string CanonicalKey() const;
};

// The values allowed at one field path; the condition holds when a leaf value at the path
// matches any of `any_of`. Either every matcher is kAbsent or none is.
struct FieldCondition {
  std::vector<std::string> path;  // object member names from the event root
  std::vector<ValueMatcher> any_of;

  bool absent() const { return !any_of.empty() && any_of.front().kind == MatchKind::kAbsent; }
  std::string CanonicalKey() const;
};

// One alternative: every condition must hold, with array consistency.
struct Conjunction {
  std::vector<FieldCondition> conditions;
};

struct Pattern {
  std::vector<Conjunction> alternatives;
};

struct ParseLimits {
  std::size_t max_alternatives = 1024;  // after "$or" and {"exists": false} are expanded
  std::size_t max_conditions = 64;      // conditions in one alternative
  std::size_t max_depth = 64;           // nesting of objects and arrays in the pattern text
};

using PatternResult = tl::expected<Pattern, PatternErrors>;

// Parses and validates a pattern; on failure returns every error found, each with its path.
PatternResult ParsePatternText(std::string_view json_text, const ParseLimits& limits = {});
PatternResult ParsePattern(const Json& json, const ParseLimits& limits = {});

}  // namespace rampart::pattern
