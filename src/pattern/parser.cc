// Parsing and validation of event patterns from nlohmann::json, with "$or" expanded into
// alternatives.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_set>

#include <fmt/format.h>

#include "pattern/case_fold.h"
#include "pattern/pattern.h"
#include "pattern/wildcard.h"

namespace rampart::pattern {
namespace {

using Alternatives = std::vector<Conjunction>;

constexpr std::string_view kOperatorNames[] = {"prefix",   "suffix",       "equals-ignore-case",
                                               "wildcard", "anything-but", "numeric",
                                               "cidr",     "exists"};
constexpr std::string_view kOperatorList =
    "prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, cidr, exists";
constexpr double kInfinity = std::numeric_limits<double>::infinity();

bool IsOperatorName(std::string_view name) {
  return std::find(std::begin(kOperatorNames), std::end(kOperatorNames), name) !=
         std::end(kOperatorNames);
}

std::string TypeName(const Json& value) {
  if (value.is_number()) {
    return "a number";
  }
  if (value.is_string()) {
    return "a string";
  }
  if (value.is_boolean()) {
    return "a boolean";
  }
  if (value.is_null()) {
    return "null";
  }
  return value.is_array() ? "an array" : "an object";
}

// Returns the only member of an operator object.
std::pair<std::string, const Json*> OnlyMember(const Json& object) {
  const auto it = object.begin();
  return {it.key(), &it.value()};
}

class Parser {
 public:
  explicit Parser(const ParseLimits& limits) : limits_(limits) {}

  Alternatives ParseObject(const Json& object, std::vector<std::string>& path,
                           const std::string& json_path, bool inside_or);

  PatternErrors& errors() { return errors_; }

 private:
  void Fail(ErrorCode code, std::string json_path, std::string message) {
    errors_.push_back({code, std::move(json_path), std::move(message)});
  }

  Alternatives ParseMember(const std::string& key, const Json& value,
                           std::vector<std::string>& path, const std::string& json_path,
                           bool inside_or);
  Alternatives ParseOr(const Json& value, std::vector<std::string>& path,
                       const std::string& json_path);
  Alternatives Cross(const Alternatives& left, const Alternatives& right,
                     const std::string& json_path);
  Alternatives ParseValueList(const Json& list, const std::vector<std::string>& path,
                              const std::string& json_path);
  bool ParseValue(const Json& value, const std::string& json_path, ValueMatcher& matcher);
  bool ParseOperator(const Json& object, const std::string& json_path, ValueMatcher& matcher);
  bool ParseAffix(MatchKind plain, MatchKind folded, const Json& operand,
                  const std::string& json_path, ValueMatcher& matcher);
  bool ParseWildcardText(const Json& operand, const std::string& json_path, ValueMatcher& matcher);
  bool ParseAnythingBut(const Json& operand, const std::string& json_path, ValueMatcher& matcher);
  bool ParseExcludedList(const Json& operand, MatchKind kind, const std::string& json_path,
                         ValueMatcher& matcher);
  bool ParseNumeric(const Json& operand, const std::string& json_path, ValueMatcher& matcher);
  bool ParseNumber(const Json& value, const std::string& json_path, double& number);
  bool ParseCidrText(const Json& operand, const std::string& json_path, ValueMatcher& matcher);

  const ParseLimits& limits_;
  PatternErrors errors_;
};

Alternatives Parser::ParseObject(const Json& object, std::vector<std::string>& path,
                                 const std::string& json_path, bool inside_or) {
  if (object.empty()) {
    Fail(ErrorCode::kEmptyObject, json_path,
         "an empty object matches nothing; name at least one field");
    return {};
  }
  Alternatives result(1);
  bool failed = false;
  for (const auto& [key, value] : object.items()) {
    const std::string member_path = AppendMember(json_path, key);
    Alternatives part = ParseMember(key, value, path, member_path, inside_or);
    if (part.empty()) {
      failed = true;
      continue;
    }
    if (!failed) {
      result = Cross(result, part, member_path);
      failed = result.empty();
    }
  }
  return failed ? Alternatives{} : result;
}

Alternatives Parser::ParseMember(const std::string& key, const Json& value,
                                 std::vector<std::string>& path, const std::string& json_path,
                                 bool inside_or) {
  if (key == "$or") {
    return ParseOr(value, path, json_path);
  }
  if (inside_or && IsOperatorName(key)) {
    Fail(ErrorCode::kReservedFieldName, json_path,
         fmt::format("\"{}\" is an operator name and cannot be a field name inside \"$or\"; "
                     "put the operator in a value list such as [{{\"{}\": ...}}]",
                     key, key));
    return {};
  }
  if (value.is_object()) {
    path.push_back(key);
    Alternatives nested = ParseObject(value, path, json_path, inside_or);
    path.pop_back();
    return nested;
  }
  if (value.is_array()) {
    path.push_back(key);
    Alternatives leaf = ParseValueList(value, path, json_path);
    path.pop_back();
    return leaf;
  }
  Fail(ErrorCode::kLeafNotArray, json_path,
       fmt::format("the value of \"{}\" is {}; a field takes an object or an array of values, "
                   "such as [{}]",
                   key, TypeName(value), value.dump()));
  return {};
}

Alternatives Parser::ParseOr(const Json& value, std::vector<std::string>& path,
                             const std::string& json_path) {
  if (!value.is_array()) {
    Fail(ErrorCode::kOrNotArray, json_path,
         fmt::format("\"$or\" takes an array of at least two objects, not {}", TypeName(value)));
    return {};
  }
  if (value.size() < 2) {
    Fail(ErrorCode::kOrTooFewAlternatives, json_path,
         fmt::format("\"$or\" has {} alternative(s); it needs at least two, or drop the \"$or\"",
                     value.size()));
    return {};
  }
  Alternatives result;
  bool failed = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string element_path = AppendIndex(json_path, i);
    if (!value[i].is_object()) {
      Fail(ErrorCode::kNotAnObject, element_path,
           fmt::format("an \"$or\" alternative must be an object, not {}", TypeName(value[i])));
      failed = true;
      continue;
    }
    Alternatives alternative = ParseObject(value[i], path, element_path, true);
    failed = failed || alternative.empty();
    result.insert(result.end(), alternative.begin(), alternative.end());
  }
  if (!failed && result.size() > limits_.max_alternatives) {
    Fail(ErrorCode::kTooComplex, json_path,
         fmt::format("the pattern expands to more than {} alternatives; split it into several "
                     "rules",
                     limits_.max_alternatives));
    return {};
  }
  return failed ? Alternatives{} : result;
}

Alternatives Parser::Cross(const Alternatives& left, const Alternatives& right,
                           const std::string& json_path) {
  if (left.size() * right.size() > limits_.max_alternatives) {
    Fail(ErrorCode::kTooComplex, json_path,
         fmt::format("the pattern expands to more than {} alternatives; split it into several "
                     "rules",
                     limits_.max_alternatives));
    return {};
  }
  Alternatives result;
  result.reserve(left.size() * right.size());
  for (const Conjunction& a : left) {
    for (const Conjunction& b : right) {
      Conjunction both = a;
      both.conditions.insert(both.conditions.end(), b.conditions.begin(), b.conditions.end());
      if (both.conditions.size() > limits_.max_conditions) {
        Fail(ErrorCode::kTooComplex, json_path,
             fmt::format("an alternative of the pattern names more than {} fields; split it "
                         "into several rules",
                         limits_.max_conditions));
        return {};
      }
      result.push_back(std::move(both));
    }
  }
  return result;
}

// A value list becomes one condition, or two alternatives when it mixes {"exists": false}
// with values: "missing, or one of these values".
Alternatives Parser::ParseValueList(const Json& list, const std::vector<std::string>& path,
                                    const std::string& json_path) {
  if (list.empty()) {
    Fail(ErrorCode::kEmptyArray, json_path,
         "an empty value list matches nothing; list at least one value");
    return {};
  }
  FieldCondition present{path, {}};
  bool absent = false;
  bool failed = false;
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    ValueMatcher matcher;
    if (!ParseValue(list[i], AppendIndex(json_path, i), matcher)) {
      failed = true;
      continue;
    }
    if (matcher.kind == MatchKind::kAbsent) {
      absent = true;
    } else if (seen.insert(matcher.CanonicalKey()).second) {
      present.any_of.push_back(std::move(matcher));
    }
  }
  if (failed) {
    return {};
  }
  Alternatives result;
  if (!present.any_of.empty()) {
    result.push_back({{present}});
  }
  if (absent) {
    ValueMatcher missing;
    missing.kind = MatchKind::kAbsent;
    result.push_back({{FieldCondition{path, {missing}}}});
  }
  return result;
}

bool Parser::ParseValue(const Json& value, const std::string& json_path, ValueMatcher& matcher) {
  if (value.is_string()) {
    matcher.kind = MatchKind::kString;
    matcher.text = value.get<std::string>();
    return true;
  }
  if (value.is_number()) {
    matcher.kind = MatchKind::kNumber;
    return ParseNumber(value, json_path, matcher.number);
  }
  if (value.is_boolean()) {
    matcher.kind = value.get<bool>() ? MatchKind::kTrue : MatchKind::kFalse;
    return true;
  }
  if (value.is_null()) {
    matcher.kind = MatchKind::kNull;
    return true;
  }
  if (value.is_object()) {
    return ParseOperator(value, json_path, matcher);
  }
  Fail(ErrorCode::kInvalidValue, json_path,
       "a value list holds strings, numbers, true, false, null or operator objects, not arrays");
  return false;
}

bool Parser::ParseOperator(const Json& object, const std::string& json_path,
                           ValueMatcher& matcher) {
  if (object.empty()) {
    Fail(ErrorCode::kEmptyObject, json_path,
         fmt::format("an operator object needs one operator: {}", kOperatorList));
    return false;
  }
  if (object.size() > 1) {
    std::string names;
    for (const auto& [key, value] : object.items()) {
      names += names.empty() ? key : ", " + key;
    }
    Fail(ErrorCode::kTwoOperators, json_path,
         fmt::format("one object holds {} operators ({}); put each in its own object in the list",
                     object.size(), names));
    return false;
  }
  const auto [name, operand] = OnlyMember(object);
  const std::string operator_path = AppendMember(json_path, name);
  if (name == "prefix") {
    return ParseAffix(MatchKind::kPrefix, MatchKind::kPrefixIgnoreCase, *operand, operator_path,
                      matcher);
  }
  if (name == "suffix") {
    return ParseAffix(MatchKind::kSuffix, MatchKind::kSuffixIgnoreCase, *operand, operator_path,
                      matcher);
  }
  if (name == "equals-ignore-case") {
    if (!operand->is_string()) {
      Fail(ErrorCode::kWrongOperandType, operator_path,
           fmt::format("equals-ignore-case takes a string, not {}", TypeName(*operand)));
      return false;
    }
    matcher.kind = MatchKind::kEqualsIgnoreCase;
    matcher.text = FoldCase(operand->get<std::string>());
    return true;
  }
  if (name == "wildcard") {
    matcher.kind = MatchKind::kWildcard;
    return ParseWildcardText(*operand, operator_path, matcher);
  }
  if (name == "anything-but") {
    return ParseAnythingBut(*operand, operator_path, matcher);
  }
  if (name == "numeric") {
    return ParseNumeric(*operand, operator_path, matcher);
  }
  if (name == "cidr") {
    return ParseCidrText(*operand, operator_path, matcher);
  }
  if (name == "exists") {
    if (!operand->is_boolean()) {
      Fail(ErrorCode::kWrongOperandType, operator_path,
           fmt::format("exists takes true or false, not {}", TypeName(*operand)));
      return false;
    }
    matcher.kind = operand->get<bool>() ? MatchKind::kExists : MatchKind::kAbsent;
    return true;
  }
  Fail(ErrorCode::kUnknownOperator, operator_path,
       fmt::format("unknown operator \"{}\"; the operators are {}", name, kOperatorList));
  return false;
}

bool Parser::ParseAffix(MatchKind plain, MatchKind folded, const Json& operand,
                        const std::string& json_path, ValueMatcher& matcher) {
  const std::string_view name = plain == MatchKind::kPrefix ? "prefix" : "suffix";
  if (operand.is_string()) {
    matcher.kind = plain;
    matcher.text = operand.get<std::string>();
    return true;
  }
  if (operand.is_object() && operand.size() == 1) {
    const auto [inner, value] = OnlyMember(operand);
    const std::string inner_path = AppendMember(json_path, inner);
    if (inner != "equals-ignore-case") {
      Fail(ErrorCode::kUnknownOperator, inner_path,
           fmt::format("{} accepts only equals-ignore-case inside it, not \"{}\"", name, inner));
      return false;
    }
    if (!value->is_string()) {
      Fail(ErrorCode::kWrongOperandType, inner_path,
           fmt::format("equals-ignore-case takes a string, not {}", TypeName(*value)));
      return false;
    }
    matcher.kind = folded;
    matcher.text = FoldCase(value->get<std::string>());
    return true;
  }
  if (operand.is_object() && operand.size() > 1) {
    Fail(ErrorCode::kTwoOperators, json_path,
         fmt::format("{} takes one operator object, {{\"equals-ignore-case\": ...}}", name));
    return false;
  }
  Fail(ErrorCode::kWrongOperandType, json_path,
       fmt::format("{} takes a string or {{\"equals-ignore-case\": string}}, not {}", name,
                   TypeName(operand)));
  return false;
}

bool Parser::ParseWildcardText(const Json& operand, const std::string& json_path,
                               ValueMatcher& matcher) {
  if (!operand.is_string()) {
    Fail(ErrorCode::kWrongOperandType, json_path,
         fmt::format("wildcard takes a string, not {}", TypeName(operand)));
    return false;
  }
  matcher.text = operand.get<std::string>();
  WildcardProgram program;
  std::size_t offset = 0;
  switch (ParseWildcard(matcher.text, program, offset)) {
    case WildcardProblem::kNone:
      return true;
    case WildcardProblem::kConsecutiveStars:
      Fail(ErrorCode::kConsecutiveWildcards, json_path,
           fmt::format("wildcard \"{}\" has consecutive '*' at offset {}; one '*' already "
                       "matches any run of characters",
                       matcher.text, offset));
      return false;
    case WildcardProblem::kBadEscape:
      Fail(ErrorCode::kBadWildcardEscape, json_path,
           fmt::format("wildcard \"{}\" has a backslash at offset {} that escapes neither '*' nor "
                       "a backslash; write \\\\* for a star and \\\\\\\\ for a backslash",
                       matcher.text, offset));
      return false;
  }
  return false;
}

bool Parser::ParseAnythingBut(const Json& operand, const std::string& json_path,
                              ValueMatcher& matcher) {
  matcher.kind = MatchKind::kAnythingBut;
  if (operand.is_string() || operand.is_number()) {
    ValueMatcher excluded;
    if (!ParseValue(operand, json_path, excluded)) {
      return false;
    }
    matcher.excluded.push_back(std::move(excluded));
    return true;
  }
  if (operand.is_array()) {
    const MatchKind kind =
        !operand.empty() && operand[0].is_number() ? MatchKind::kNumber : MatchKind::kString;
    return ParseExcludedList(operand, kind, json_path, matcher);
  }
  if (!operand.is_object() || operand.size() != 1) {
    Fail(operand.is_object() && !operand.empty() ? ErrorCode::kTwoOperators
                                                 : ErrorCode::kWrongOperandType,
         json_path,
         fmt::format("anything-but takes a string, a number, a list of them, or one of "
                     "{{\"prefix\"|\"suffix\"|\"equals-ignore-case\"|\"wildcard\": ...}}; got {}",
                     operand.dump()));
    return false;
  }
  const auto [inner, value] = OnlyMember(operand);
  const std::string inner_path = AppendMember(json_path, inner);
  if (inner == "prefix" || inner == "suffix") {
    if (!value->is_string() || value->get<std::string>().empty()) {
      Fail(ErrorCode::kWrongOperandType, inner_path,
           fmt::format("{} inside anything-but takes a non-empty string, not {}", inner,
                       value->dump()));
      return false;
    }
    ValueMatcher excluded;
    excluded.kind = inner == "prefix" ? MatchKind::kPrefix : MatchKind::kSuffix;
    excluded.text = value->get<std::string>();
    matcher.excluded.push_back(std::move(excluded));
    return true;
  }
  if (inner == "equals-ignore-case" || inner == "wildcard") {
    const MatchKind kind =
        inner == "wildcard" ? MatchKind::kWildcard : MatchKind::kEqualsIgnoreCase;
    if (value->is_array()) {
      return ParseExcludedList(*value, kind, inner_path, matcher);
    }
    return ParseExcludedList(Json::array({*value}), kind, inner_path, matcher);
  }
  Fail(ErrorCode::kUnknownOperator, inner_path,
       fmt::format("anything-but accepts prefix, suffix, equals-ignore-case or wildcard inside "
                   "it, not \"{}\"",
                   inner));
  return false;
}

// Parses the list of excluded values of an anything-but: all numbers, or all strings read
// as `kind` (exact, equals-ignore-case or wildcard).
bool Parser::ParseExcludedList(const Json& operand, MatchKind kind, const std::string& json_path,
                               ValueMatcher& matcher) {
  if (operand.empty()) {
    Fail(ErrorCode::kEmptyArray, json_path, "anything-but needs at least one value");
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < operand.size(); ++i) {
    const Json& value = operand[i];
    const std::string element_path = AppendIndex(json_path, i);
    const bool want_number = kind == MatchKind::kNumber;
    if (!value.is_string() && !value.is_number()) {
      Fail(ErrorCode::kWrongOperandType, element_path,
           fmt::format("anything-but lists hold strings or numbers, not {}", TypeName(value)));
      ok = false;
      continue;
    }
    if (value.is_number() != want_number) {
      Fail(want_number || kind == MatchKind::kString ? ErrorCode::kMixedAnythingButTypes
                                                     : ErrorCode::kWrongOperandType,
           element_path,
           want_number || kind == MatchKind::kString
               ? "an anything-but list holds only strings or only numbers, not both"
               : "this anything-but form takes strings only");
      ok = false;
      continue;
    }
    ValueMatcher excluded;
    excluded.kind = kind;
    if (want_number) {
      ok = ParseNumber(value, element_path, excluded.number) && ok;
    } else if (kind == MatchKind::kWildcard) {
      ok = ParseWildcardText(value, element_path, excluded) && ok;
    } else {
      excluded.text = kind == MatchKind::kEqualsIgnoreCase ? FoldCase(value.get<std::string>())
                                                           : value.get<std::string>();
    }
    matcher.excluded.push_back(std::move(excluded));
  }
  return ok;
}

bool Parser::ParseNumber(const Json& value, const std::string& json_path, double& number) {
  if (!value.is_number()) {
    Fail(ErrorCode::kWrongOperandType, json_path,
         fmt::format("expected a number, not {}", TypeName(value)));
    return false;
  }
  number = value.get<double>();
  if (!std::isfinite(number)) {
    Fail(ErrorCode::kWrongOperandType, json_path,
         fmt::format("{} is outside the range of IEEE binary64 numbers", value.dump()));
    return false;
  }
  number = number == 0 ? 0.0 : number;  // -0 and 0 are one value
  return true;
}

bool Parser::ParseNumeric(const Json& operand, const std::string& json_path,
                          ValueMatcher& matcher) {
  if (!operand.is_array() || (operand.size() != 2 && operand.size() != 4)) {
    Fail(ErrorCode::kBadNumericRange, json_path,
         fmt::format("numeric takes [comparator, number] or [\">\"|\">=\", number, \"<\"|\"<=\", "
                     "number], not {}",
                     operand.dump()));
    return false;
  }
  double bounds[2] = {0, 0};
  std::string comparators[2];
  bool ok = true;
  for (std::size_t i = 0; i < operand.size() / 2; ++i) {
    const Json& comparator = operand[2 * i];
    const std::string comparator_path = AppendIndex(json_path, 2 * i);
    const bool known =
        comparator.is_string() && (comparator == "=" || comparator == "<" || comparator == "<=" ||
                                   comparator == ">" || comparator == ">=");
    if (!known) {
      Fail(ErrorCode::kUnknownNumericComparator, comparator_path,
           fmt::format("unknown numeric comparator {}; use =, <, <=, > or >=", comparator.dump()));
      ok = false;
    } else {
      comparators[i] = comparator.get<std::string>();
    }
    ok = ParseNumber(operand[2 * i + 1], AppendIndex(json_path, 2 * i + 1), bounds[i]) && ok;
  }
  if (!ok) {
    return false;
  }
  matcher.kind = MatchKind::kNumericRange;
  NumericRange& range = matcher.range;
  range = {-kInfinity, true, kInfinity, true};
  const std::string& first = comparators[0];
  if (operand.size() == 2) {
    if (first == "=" || first == ">" || first == ">=") {
      range.low = bounds[0];
      range.low_inclusive = first != ">";
    }
    if (first == "=" || first == "<" || first == "<=") {
      range.high = bounds[0];
      range.high_inclusive = first != "<";
    }
    return true;
  }
  const std::string& second = comparators[1];
  if ((first != ">" && first != ">=") || (second != "<" && second != "<=")) {
    Fail(ErrorCode::kBadNumericRange, json_path,
         fmt::format("a two-bound range is [\">\"|\">=\", low, \"<\"|\"<=\", high], not {}",
                     operand.dump()));
    return false;
  }
  range = {bounds[0], first == ">=", bounds[1], second == "<="};
  const bool empty = range.low > range.high ||
                     (range.low == range.high && !(range.low_inclusive && range.high_inclusive));
  if (empty) {
    Fail(ErrorCode::kBadNumericRange, json_path,
         fmt::format("the range {} contains no number; the low bound must be below the high one",
                     operand.dump()));
    return false;
  }
  return true;
}

bool Parser::ParseCidrText(const Json& operand, const std::string& json_path,
                           ValueMatcher& matcher) {
  if (!operand.is_string()) {
    Fail(ErrorCode::kWrongOperandType, json_path,
         fmt::format("cidr takes a string such as \"10.0.0.0/24\", not {}", TypeName(operand)));
    return false;
  }
  matcher.kind = MatchKind::kCidr;
  matcher.text = operand.get<std::string>();
  std::string reason;
  switch (ParseCidr(matcher.text, matcher.ip, reason)) {
    case CidrProblem::kNone:
      return true;
    case CidrProblem::kAddress:
      Fail(ErrorCode::kBadCidr, json_path, reason);
      return false;
    case CidrProblem::kMask:
      Fail(ErrorCode::kBadCidrMask, json_path, reason);
      return false;
  }
  return false;
}

}  // namespace

PatternResult ParsePattern(const Json& json, const ParseLimits& limits) {
  if (!json.is_object()) {
    return tl::unexpected(
        PatternErrors{{ErrorCode::kNotAnObject, "$",
                       fmt::format("an event pattern is a JSON object, not {}", TypeName(json))}});
  }
  Parser parser(limits);
  std::vector<std::string> path;
  Alternatives alternatives = parser.ParseObject(json, path, "$", false);
  if (!parser.errors().empty()) {
    return tl::unexpected(std::move(parser.errors()));
  }
  return Pattern{std::move(alternatives)};
}

PatternResult ParsePatternText(std::string_view json_text, const ParseLimits& limits) {
  Result<Json> json = ParseJson(json_text, "event pattern", {.max_depth = limits.max_depth});
  if (!json) {
    return tl::unexpected(PatternErrors{{ErrorCode::kInvalidJson, "$", json.status().message()}});
  }
  return ParsePattern(*json, limits);
}

}  // namespace rampart::pattern
