// Validation of event patterns: each error's stable code and JSON path.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pattern/pattern.h"

namespace rampart::pattern {
namespace {

struct InvalidCase {
  const char* pattern;
  ErrorCode code;
  const char* path;
};

TEST(PatternValidation, ErrorCodesAndPaths) {
  const std::vector<InvalidCase> cases = {
      {R"({"a": [)", ErrorCode::kInvalidJson, "$"},
      {R"(["a"])", ErrorCode::kNotAnObject, "$"},
      {R"({})", ErrorCode::kEmptyObject, "$"},
      {R"({"d": {}})", ErrorCode::kEmptyObject, "$.d"},
      {R"({"source": "aws.ec2"})", ErrorCode::kLeafNotArray, "$.source"},
      {R"({"d": {"n": 5}})", ErrorCode::kLeafNotArray, "$.d.n"},
      {R"({"d": {"n": []}})", ErrorCode::kEmptyArray, "$.d.n"},
      {R"({"n": [["x"]]})", ErrorCode::kInvalidValue, "$.n[0]"},
      {R"({"n": [{"contains": "x"}]})", ErrorCode::kUnknownOperator, "$.n[0].contains"},
      {R"({"n": [{}]})", ErrorCode::kEmptyObject, "$.n[0]"},
      {R"({"n": [{"prefix": "a", "suffix": "b"}]})", ErrorCode::kTwoOperators, "$.n[0]"},
      {R"({"n": [{"prefix": 5}]})", ErrorCode::kWrongOperandType, "$.n[0].prefix"},
      {R"({"n": [{"prefix": {"equals-ignore-case": 5}}]})", ErrorCode::kWrongOperandType,
       "$.n[0].prefix.equals-ignore-case"},
      {R"({"n": [{"prefix": {"exact": "x"}}]})", ErrorCode::kUnknownOperator,
       "$.n[0].prefix.exact"},
      {R"({"n": [{"suffix": ["x"]}]})", ErrorCode::kWrongOperandType, "$.n[0].suffix"},
      {R"({"n": [{"equals-ignore-case": null}]})", ErrorCode::kWrongOperandType,
       "$.n[0].equals-ignore-case"},
      {R"({"n": [{"exists": "yes"}]})", ErrorCode::kWrongOperandType, "$.n[0].exists"},
      {R"({"n": [{"cidr": "10.0.0.0/33"}]})", ErrorCode::kBadCidrMask, "$.n[0].cidr"},
      {R"({"n": [{"cidr": "2001:db8::/129"}]})", ErrorCode::kBadCidrMask, "$.n[0].cidr"},
      {R"({"n": [{"cidr": "10.0.0.0/x"}]})", ErrorCode::kBadCidrMask, "$.n[0].cidr"},
      {R"({"n": [{"cidr": "10.0.0.0"}]})", ErrorCode::kBadCidrMask, "$.n[0].cidr"},
      {R"({"n": [{"cidr": "10.0.0.256/8"}]})", ErrorCode::kBadCidr, "$.n[0].cidr"},
      {R"({"n": [{"cidr": 10}]})", ErrorCode::kWrongOperandType, "$.n[0].cidr"},
      {R"({"n": [{"numeric": ["!=", 5]}]})", ErrorCode::kUnknownNumericComparator,
       "$.n[0].numeric[0]"},
      {R"({"n": [{"numeric": [">", 5, "!", 6]}]})", ErrorCode::kUnknownNumericComparator,
       "$.n[0].numeric[2]"},
      {R"({"n": [{"numeric": [">", "5"]}]})", ErrorCode::kWrongOperandType, "$.n[0].numeric[1]"},
      {R"({"n": [{"numeric": [">", 5, "<"]}]})", ErrorCode::kBadNumericRange, "$.n[0].numeric"},
      {R"({"n": [{"numeric": "> 5"}]})", ErrorCode::kBadNumericRange, "$.n[0].numeric"},
      {R"({"n": [{"numeric": ["<", 5, ">", 1]}]})", ErrorCode::kBadNumericRange, "$.n[0].numeric"},
      {R"({"n": [{"numeric": [">", 5, "<", 5]}]})", ErrorCode::kBadNumericRange, "$.n[0].numeric"},
      {R"({"n": [{"numeric": [">=", 6, "<=", 5]}]})", ErrorCode::kBadNumericRange,
       "$.n[0].numeric"},
      {R"({"n": [{"anything-but": ["a", 1]}]})", ErrorCode::kMixedAnythingButTypes,
       "$.n[0].anything-but[1]"},
      {R"({"n": [{"anything-but": [1, "a"]}]})", ErrorCode::kMixedAnythingButTypes,
       "$.n[0].anything-but[1]"},
      {R"({"n": [{"anything-but": []}]})", ErrorCode::kEmptyArray, "$.n[0].anything-but"},
      {R"({"n": [{"anything-but": true}]})", ErrorCode::kWrongOperandType, "$.n[0].anything-but"},
      {R"({"n": [{"anything-but": [null]}]})", ErrorCode::kWrongOperandType,
       "$.n[0].anything-but[0]"},
      {R"({"n": [{"anything-but": {"prefix": ""}}]})", ErrorCode::kWrongOperandType,
       "$.n[0].anything-but.prefix"},
      {R"({"n": [{"anything-but": {"numeric": [">", 1]}}]})", ErrorCode::kUnknownOperator,
       "$.n[0].anything-but.numeric"},
      {R"({"n": [{"anything-but": {"prefix": "a", "suffix": "b"}}]})", ErrorCode::kTwoOperators,
       "$.n[0].anything-but"},
      {R"({"n": [{"anything-but": {"equals-ignore-case": [5]}}]})", ErrorCode::kWrongOperandType,
       "$.n[0].anything-but.equals-ignore-case[0]"},
      {R"({"n": [{"anything-but": {"wildcard": "a**"}}]})", ErrorCode::kConsecutiveWildcards,
       "$.n[0].anything-but.wildcard[0]"},
      {R"({"n": [{"wildcard": "a**b"}]})", ErrorCode::kConsecutiveWildcards, "$.n[0].wildcard"},
      {R"({"n": [{"wildcard": "a\\b"}]})", ErrorCode::kBadWildcardEscape, "$.n[0].wildcard"},
      {R"({"n": [{"wildcard": "a\\"}]})", ErrorCode::kBadWildcardEscape, "$.n[0].wildcard"},
      {R"({"n": [{"wildcard": 7}]})", ErrorCode::kWrongOperandType, "$.n[0].wildcard"},
      {R"({"$or": {"a": ["x"]}})", ErrorCode::kOrNotArray, "$.$or"},
      {R"({"$or": [{"a": ["x"]}]})", ErrorCode::kOrTooFewAlternatives, "$.$or"},
      {R"({"d": {"$or": []}})", ErrorCode::kOrTooFewAlternatives, "$.d.$or"},
      {R"({"$or": [{"a": ["x"]}, "b"]})", ErrorCode::kNotAnObject, "$.$or[1]"},
      {R"({"$or": [{"a": ["x"]}, {"prefix": ["y"]}]})", ErrorCode::kReservedFieldName,
       "$.$or[1].prefix"},
      {R"({"detail-type": [{"prefix": 1}]})", ErrorCode::kWrongOperandType,
       "$.detail-type[0].prefix"},
      {R"({"a.b": "x"})", ErrorCode::kLeafNotArray, "$[\"a.b\"]"},
  };
  for (const InvalidCase& test : cases) {
    PatternResult result = ParsePatternText(test.pattern);
    ASSERT_FALSE(result.has_value()) << test.pattern;
    ASSERT_FALSE(result.error().empty()) << test.pattern;
    EXPECT_EQ(result.error()[0].code, test.code)
        << test.pattern << ": " << result.error()[0].ToString();
    EXPECT_EQ(result.error()[0].path, test.path) << test.pattern;
    EXPECT_FALSE(result.error()[0].message.empty()) << test.pattern;
  }
}

TEST(PatternValidation, ReportsEveryError) {
  PatternResult result = ParsePatternText(
      R"({"a": "x", "b": [{"prefix": 1}], "c": {"d": [{"numeric": ["~", 1]}]}, "e": ["ok"]})");
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().size(), 3u);
  EXPECT_EQ(result.error()[0].path, "$.a");
  EXPECT_EQ(result.error()[1].path, "$.b[0].prefix");
  EXPECT_EQ(result.error()[2].path, "$.c.d[0].numeric[0]");
}

TEST(PatternValidation, ErrorCodeNamesAreStable) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kLeafNotArray), "leaf_not_array");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnknownOperator), "unknown_operator");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kBadCidrMask), "bad_cidr_mask");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kTwoOperators), "two_operators");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kOrTooFewAlternatives), "or_too_few_alternatives");
}

TEST(PatternValidation, OrExpansionIsLimited) {
  // Eleven two-way "$or" objects side by side expand to 2^11 = 2048 alternatives, past
  // the default limit of 1024.
  std::string text = "{";
  for (int i = 0; i < 11; ++i) {
    text += (i ? "," : "") + std::string("\"f") + std::to_string(i) +
            R"(": {"$or": [{"a": [1]}, {"b": [2]}]})";
  }
  text += "}";
  PatternResult result = ParsePatternText(text);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error()[0].code, ErrorCode::kTooComplex);

  ParseLimits limits;
  limits.max_alternatives = 4096;
  PatternResult allowed = ParsePatternText(text, limits);
  ASSERT_TRUE(allowed.has_value());
  EXPECT_EQ(allowed->alternatives.size(), 2048u);
}

TEST(PatternValidation, DeepNestingRejected) {
  std::string text;
  for (int i = 0; i < 100; ++i) {
    text += "{\"a\":";
  }
  text += "[1]" + std::string(100, '}');
  PatternResult result = ParsePatternText(text);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error()[0].code, ErrorCode::kInvalidJson);
}

TEST(PatternParsing, ValueListsAndAlternatives) {
  PatternResult result =
      ParsePatternText(R"({"s": ["a", "a", 3, 3.0], "d": {"c": [{"exists": false}, "x"]}})");
  ASSERT_TRUE(result.has_value());
  // One alternative with "c" equal to "x", one with "c" missing.
  ASSERT_EQ(result->alternatives.size(), 2u);
  const FieldCondition& first = result->alternatives[0].conditions[1];
  EXPECT_EQ(first.path, (std::vector<std::string>{"s"}));
  EXPECT_EQ(first.any_of.size(), 2u);  // "a" and 3, each once
  EXPECT_FALSE(result->alternatives[0].conditions[0].absent());
  EXPECT_TRUE(result->alternatives[1].conditions[0].absent());
}

TEST(PatternParsing, NumericRangesKeepBounds) {
  PatternResult result = ParsePatternText(R"({"x": [{"numeric": [">", 0, "<=", 5]}]})");
  ASSERT_TRUE(result.has_value());
  const ValueMatcher& matcher = result->alternatives[0].conditions[0].any_of[0];
  ASSERT_EQ(matcher.kind, MatchKind::kNumericRange);
  EXPECT_EQ(matcher.range.low, 0);
  EXPECT_FALSE(matcher.range.low_inclusive);
  EXPECT_EQ(matcher.range.high, 5);
  EXPECT_TRUE(matcher.range.high_inclusive);
}

}  // namespace
}  // namespace rampart::pattern
