// Conformance with event-ruler, the matcher behind EventBridge: the verdict files and rule
// files in the shared pattern data.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "core/file.h"
#include "core/json.h"
#include "pattern/matcher.h"
#include "pattern/pattern.h"

namespace rampart::pattern {
namespace {

const std::string kPatternData = std::string(RAMPART_SHARED_DATA) + "/patterns";

bool SharedDataPresent() { return std::filesystem::exists(kPatternData + "/event-ruler"); }

Json ReadJsonFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  EXPECT_TRUE(text.has_value()) << path;
  Result<Json> json = ParseJson(text.value_or("null"), path);
  EXPECT_TRUE(json.has_value()) << path;
  return json.value_or(Json());
}

// Runs every line of a verdict file and returns how many cases it checked.
int CheckVerdictFile(const std::string& name) {
  std::ifstream in(kPatternData + "/event-ruler/" + name);
  int cases = 0;
  std::string line;
  while (std::getline(in, line)) {
    const Json test = Json::parse(line);
    const std::string case_name = test["name"].get<std::string>();
    PatternResult pattern = ParsePattern(test["pattern"]);
    EXPECT_TRUE(pattern.has_value()) << case_name;
    if (!pattern) {
      continue;
    }
    Result<bool> matched = PatternMatches(*pattern, test["event"].dump());
    EXPECT_TRUE(matched.has_value()) << case_name;
    const bool expected = test["expected"] == "match";
    EXPECT_EQ(matched.value_or(!expected), expected) << case_name;
    ++cases;
  }
  return cases;
}

TEST(EventRulerVerdicts, CorrectnessCases) {
  if (!SharedDataPresent()) {
    GTEST_SKIP() << "../shared/data is absent; the event-ruler verdicts live there";
  }
  EXPECT_EQ(CheckVerdictFile("correctness-verdicts.jsonl"), 51);
}

TEST(EventRulerVerdicts, ArrayCases) {
  if (!SharedDataPresent()) {
    GTEST_SKIP() << "../shared/data is absent; the event-ruler verdicts live there";
  }
  EXPECT_EQ(CheckVerdictFile("array-verdicts.jsonl"), 16);
}

TEST(EventRulerVerdicts, ArrayFilesAgreeWithVerdicts) {
  if (!SharedDataPresent()) {
    GTEST_SKIP() << "../shared/data is absent; the event-ruler rule files live there";
  }
  // The verdict file pairs arrayRuleN with arrayEventM; check the files themselves too.
  const std::string dir = kPatternData + "/event-ruler/";
  const bool expected[4][4] = {{true, false, false, false},
                               {true, false, false, false},
                               {false, false, false, true},
                               {false, false, true, true}};
  for (int rule = 1; rule <= 4; ++rule) {
    PatternResult pattern =
        ParsePattern(ReadJsonFile(dir + "arrayRule" + std::to_string(rule) + ".json"));
    ASSERT_TRUE(pattern.has_value()) << rule;
    for (int event = 1; event <= 4; ++event) {
      Result<std::string> text = ReadFile(dir + "arrayEvent" + std::to_string(event) + ".json");
      ASSERT_TRUE(text.has_value());
      Result<bool> matched = PatternMatches(*pattern, *text);
      ASSERT_TRUE(matched.has_value());
      EXPECT_EQ(*matched, expected[rule - 1][event - 1]) << "rule " << rule << " event " << event;
    }
  }
}

TEST(EventRulerFiles, BigEventMatchesItsRule) {
  if (!SharedDataPresent()) {
    GTEST_SKIP() << "../shared/data is absent; bigEvent.json lives there";
  }
  PatternResult pattern =
      ParsePattern(ReadJsonFile(kPatternData + "/event-ruler/bigEventRule.json"));
  ASSERT_TRUE(pattern.has_value());
  Result<std::string> event = ReadFile(kPatternData + "/event-ruler/bigEvent.json");
  ASSERT_TRUE(event.has_value());
  Result<bool> matched = PatternMatches(*pattern, *event);
  ASSERT_TRUE(matched.has_value()) << matched.error().message();
  EXPECT_TRUE(*matched);
}

TEST(EventRulerFiles, OrRelationshipRulesParse) {
  if (!SharedDataPresent()) {
    GTEST_SKIP() << "../shared/data is absent; orRelationshipRules.json lives there";
  }
  const Json rules = ReadJsonFile(kPatternData + "/event-ruler/orRelationshipRules.json");
  ASSERT_EQ(rules.size(), 5u);
  // Alternatives after expansion: a|b, (a|b)&(c|d), a|b|c, a|b&(c|d)|e, a|b.
  const std::size_t alternatives[] = {2, 4, 3, 4, 2};
  for (std::size_t i = 0; i < rules.size(); ++i) {
    PatternResult pattern = ParsePattern(rules[i]);
    ASSERT_TRUE(pattern.has_value()) << i;
    EXPECT_EQ(pattern->alternatives.size(), alternatives[i]) << i;
  }

  PatternResult nested = ParsePattern(rules[3]);
  ASSERT_TRUE(nested.has_value());
  const auto matches = [&](const char* event) {
    Result<bool> result = PatternMatches(*nested, event);
    EXPECT_TRUE(result.has_value());
    return result.value_or(false);
  };
  EXPECT_TRUE(matches(R"({"source": "aws.cloudwatch", "metricName": "ReadLatency"})"));
  EXPECT_TRUE(matches(
      R"({"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/ES",
          "spaceId": 1000})"));
  EXPECT_FALSE(matches(
      R"({"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/ES"})"));
  EXPECT_FALSE(matches(R"({"source": "aws.ec2", "scope": "Service"})"));
}

TEST(EventRulerFiles, WrongOrRulesRejected) {
  if (!SharedDataPresent()) {
    GTEST_SKIP() << "../shared/data is absent; wrongOrRelationshipRules.json lives there";
  }
  const Json rules = ReadJsonFile(kPatternData + "/event-ruler/wrongOrRelationshipRules.json");
  ASSERT_EQ(rules.size(), 2u);
  PatternResult one = ParsePattern(rules[0]);
  ASSERT_FALSE(one.has_value());
  EXPECT_EQ(one.error()[0].code, ErrorCode::kOrTooFewAlternatives);
  EXPECT_EQ(one.error()[0].path, "$.$or");
  PatternResult nested_array = ParsePattern(rules[1]);
  ASSERT_FALSE(nested_array.has_value());
  EXPECT_EQ(nested_array.error()[0].code, ErrorCode::kNotAnObject);
  EXPECT_EQ(nested_array.error()[0].path, "$.detail.$or[2]");
}

// event-ruler's legacy compiler reads "$or" as a field name when its value is not a list of
// two or more rule objects. Rampart always reads "$or" as the operator, so these rules are
// rejected with an error that names the change to make.
TEST(EventRulerFiles, OrAsFieldNameRejected) {
  if (!SharedDataPresent()) {
    GTEST_SKIP() << "../shared/data is absent; normalRulesWithOrWording.json lives there";
  }
  const Json rules = ReadJsonFile(kPatternData + "/event-ruler/normalRulesWithOrWording.json");
  ASSERT_EQ(rules.size(), 4u);
  const ErrorCode expected[] = {ErrorCode::kOrTooFewAlternatives, ErrorCode::kOrNotArray,
                                ErrorCode::kReservedFieldName, ErrorCode::kReservedFieldName};
  for (std::size_t i = 0; i < rules.size(); ++i) {
    PatternResult pattern = ParsePattern(rules[i]);
    ASSERT_FALSE(pattern.has_value()) << i;
    EXPECT_EQ(pattern.error()[0].code, expected[i]) << i << ": " << pattern.error()[0].ToString();
  }
}

}  // namespace
}  // namespace rampart::pattern
