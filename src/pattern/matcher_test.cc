// The compiled matcher as a whole: many rules, incremental changes, and event errors.
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "pattern/matcher.h"
#include "pattern/synthetic_rules.h"

namespace rampart::pattern {
namespace {

Pattern Parse(const char* text) {
  PatternResult pattern = ParsePatternText(text);
  EXPECT_TRUE(pattern.has_value()) << text;
  return pattern.value_or(Pattern{});
}

std::vector<std::string> MatchNames(const Matcher& matcher, std::string_view event) {
  MatchState state;
  std::vector<RuleId> ids;
  const Status status = matcher.Match(event, state, ids);
  EXPECT_TRUE(status.ok()) << status.message();
  std::vector<std::string> names;
  for (const RuleId id : ids) {
    names.push_back(matcher.rule_name(id));
  }
  std::sort(names.begin(), names.end());
  return names;
}

using Names = std::vector<std::string>;

TEST(Matcher, ReportsEveryMatchingRuleOnce) {
  Matcher matcher;
  ASSERT_TRUE(matcher.AddRule("source", Parse(R"({"source": ["aws.securityhub"]})")).ok());
  ASSERT_TRUE(matcher
                  .AddRule("critical", Parse(R"({"detail": {"findings": {"Severity": {"Label":
                           ["CRITICAL", "HIGH"]}}}})"))
                  .ok());
  ASSERT_TRUE(matcher
                  .AddRule("either", Parse(R"({"$or": [{"source": ["aws.securityhub"]},
                           {"detail-type": [{"prefix": "Security Hub"}]}]})"))
                  .ok());
  ASSERT_TRUE(matcher.AddRule("other", Parse(R"({"source": ["aws.guardduty"]})")).ok());
  EXPECT_EQ(matcher.rule_count(), 4u);
  const char* event = R"({"source": "aws.securityhub",
      "detail-type": "Security Hub Findings - Imported",
      "detail": {"findings": [{"Severity": {"Label": "HIGH"}}, {"Severity": {"Label": "LOW"}}]}})";
  EXPECT_EQ(MatchNames(matcher, event), (Names{"critical", "either", "source"}));
}

TEST(Matcher, RejectsDuplicateNames) {
  Matcher matcher;
  ASSERT_TRUE(matcher.AddRule("a", Parse(R"({"x": [1]})")).ok());
  const Status again = matcher.AddRule("a", Parse(R"({"y": [1]})"));
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  const Status batch =
      matcher.AddRules({{"b", Parse(R"({"x": [2]})")}, {"b", Parse(R"({"x": [3]})")}});
  EXPECT_EQ(batch.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(matcher.rule_count(), 1u);
  EXPECT_FALSE(matcher.FindRule("b").has_value());
}

TEST(Matcher, AddsAndRemovesIncrementally) {
  Matcher matcher;
  ASSERT_TRUE(matcher.AddRule("exact", Parse(R"({"a": ["x"]})")).ok());
  ASSERT_TRUE(
      matcher.AddRule("shared", Parse(R"({"a": ["x"], "b": [{"numeric": [">", 1]}]})")).ok());
  ASSERT_TRUE(matcher.AddRule("wild", Parse(R"({"a": [{"wildcard": "x*"}]})")).ok());
  const char* event = R"({"a": "x", "b": 2})";
  EXPECT_EQ(MatchNames(matcher, event), (Names{"exact", "shared", "wild"}));

  EXPECT_TRUE(matcher.RemoveRule("exact"));
  EXPECT_FALSE(matcher.RemoveRule("exact"));
  EXPECT_EQ(MatchNames(matcher, event), (Names{"shared", "wild"}));
  EXPECT_TRUE(matcher.RemoveRule("wild"));
  EXPECT_EQ(MatchNames(matcher, event), (Names{"shared"}));
  EXPECT_TRUE(matcher.RemoveRule("shared"));
  EXPECT_EQ(MatchNames(matcher, event), (Names{}));
  EXPECT_EQ(matcher.rule_count(), 0u);

  // Names, conditions and field paths are reused after removal.
  ASSERT_TRUE(matcher.AddRule("exact", Parse(R"({"b": [2]})")).ok());
  EXPECT_EQ(MatchNames(matcher, event), (Names{"exact"}));
}

TEST(Matcher, RemovalKeepsOtherRulesOfAField) {
  Matcher matcher;
  const char* patterns[] = {
      R"({"a": [{"anything-but": "x"}]})",  R"({"a": [{"prefix": "y"}]})",
      R"({"a": [{"suffix": "z"}]})",        R"({"a": [{"equals-ignore-case": "YZ"}]})",
      R"({"a": [{"cidr": "10.0.0.0/8"}]})", R"({"a": [{"exists": false}]})",
  };
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(matcher.AddRule("r" + std::to_string(i), Parse(patterns[i])).ok());
  }
  EXPECT_EQ(MatchNames(matcher, R"({"a": "yz"})"), (Names{"r0", "r1", "r2", "r3"}));
  EXPECT_EQ(MatchNames(matcher, R"({"a": "10.1.1.1"})"), (Names{"r0", "r4"}));
  EXPECT_EQ(MatchNames(matcher, R"({"b": 1})"), (Names{"r5"}));
  ASSERT_TRUE(matcher.RemoveRule("r0"));
  ASSERT_TRUE(matcher.RemoveRule("r2"));
  EXPECT_EQ(MatchNames(matcher, R"({"a": "yz"})"), (Names{"r1", "r3"}));
  ASSERT_TRUE(matcher.RemoveRule("r5"));
  EXPECT_EQ(MatchNames(matcher, R"({"b": 1})"), (Names{}));
}

TEST(Matcher, SameResultsAsOneRuleAtATime) {
  // Rules matched together must give the same verdicts as each rule alone.
  const auto generated = SyntheticCitylotsRules(400, 99);
  Matcher matcher;
  for (const auto& [name, text] : generated) {
    ASSERT_TRUE(matcher.AddRule(name, Parse(text.c_str())).ok());
  }
  const std::vector<std::string> events = {
      R"({"properties": {"MAPBLKLOT": "1234056", "BLKLOT": "1234056", "STREET": "MARKET",
          "ST_TYPE": "ST", "LOT_NUM": "056", "BLOCK_NUM": "1234"},
          "geometry": {"type": "Polygon", "firstCoordinates": {"x": -122.4, "y": 37.7}}})",
  };
  for (const auto& [name, text] : generated) {
    Result<bool> alone = PatternMatches(Parse(text.c_str()), events[0]);
    ASSERT_TRUE(alone.has_value());
    const Names together = MatchNames(matcher, events[0]);
    EXPECT_EQ(std::binary_search(together.begin(), together.end(), name), *alone) << name;
  }
}

TEST(Matcher, ThreadsShareOneMatcher) {
  Matcher matcher;
  for (int i = 0; i < 100; ++i) {
    const std::string text = R"({"n": [)" + std::to_string(i) + "]}";
    ASSERT_TRUE(matcher.AddRule("r" + std::to_string(i), Parse(text.c_str())).ok());
  }
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      MatchState state;
      std::vector<RuleId> ids;
      for (int i = 0; i < 2000; ++i) {
        ids.clear();
        const int n = (i * 7 + t) % 100;
        const std::string event = R"({"n": )" + std::to_string(n) + "}";
        if (!matcher.Match(event, state, ids).ok() || ids.size() != 1 ||
            matcher.rule_name(ids[0]) != "r" + std::to_string(n)) {
          ++wrong[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

TEST(Matcher, RejectsInvalidEvents) {
  Matcher matcher;
  ASSERT_TRUE(matcher.AddRule("a", Parse(R"({"a": ["x"]})")).ok());
  MatchState state;
  std::vector<RuleId> ids;
  EXPECT_FALSE(matcher.Match(R"(["a"])", state, ids).ok());
  EXPECT_FALSE(matcher.Match(R"("a")", state, ids).ok());
  EXPECT_FALSE(matcher.Match("", state, ids).ok());
  EXPECT_FALSE(matcher.Match(R"({"a": )", state, ids).ok());
  EXPECT_FALSE(matcher.Match(R"({"a": "\uZZZZ"})", state, ids).ok());
  EXPECT_FALSE(matcher.Match(std::string("{\"a\": \"\xff\"}"), state, ids).ok());
  EXPECT_TRUE(ids.empty());
  // The state stays usable after an error.
  ASSERT_TRUE(matcher.Match(R"({"a": "x"})", state, ids).ok());
  EXPECT_EQ(ids.size(), 1u);
}

TEST(Matcher, MatchPaddedNeedsPadding) {
  Matcher matcher;
  ASSERT_TRUE(matcher.AddRule("a", Parse(R"({"a": ["x"]})")).ok());
  MatchState state;
  std::vector<RuleId> ids;
  std::string text = R"({"a": "x"})";
  EXPECT_EQ(matcher.MatchPadded(text, text.size(), state, ids).code(),
            StatusCode::kInvalidArgument);
  const std::size_t size = text.size();
  text.append(64, ' ');
  ASSERT_TRUE(
      matcher.MatchPadded(std::string_view(text).substr(0, size), text.size(), state, ids).ok());
  EXPECT_EQ(ids.size(), 1u);
}

TEST(Matcher, DeeplyNestedEvents) {
  Matcher matcher;
  ASSERT_TRUE(matcher.AddRule("a", Parse(R"({"a": [1]})")).ok());
  std::string event = R"({"a": )" + std::string(500, '[') + "1" + std::string(500, ']') + "}";
  EXPECT_EQ(MatchNames(matcher, event), (Names{"a"}));
}

TEST(Matcher, TooDeeplyNestedArraysAreInvalid) {
  Matcher matcher;
  ASSERT_TRUE(matcher.AddRule("a", Parse(R"({"a": [1]})")).ok());
  MatchState state;
  std::vector<RuleId> ids;
  const std::string deep =
      R"({"a": )" + std::string(100000, '[') + "1" + std::string(100000, ']') + "}";
  const Status status = matcher.Match(deep, state, ids);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("nested more than 1024 deep"), std::string::npos)
      << status.message();
  EXPECT_TRUE(ids.empty());

  const std::string at_limit =
      R"({"a": )" + std::string(1024, '[') + "1" + std::string(1024, ']') + "}";
  EXPECT_EQ(MatchNames(matcher, at_limit), (Names{"a"}));
}

TEST(Matcher, MemoryUsageGrowsWithRules) {
  Matcher matcher;
  const std::size_t empty = matcher.MemoryUsage();
  const auto generated = SyntheticCitylotsRules(1000, 5);
  std::vector<std::pair<std::string, Pattern>> rules;
  for (const auto& [name, text] : generated) {
    rules.emplace_back(name, Parse(text.c_str()));
  }
  ASSERT_TRUE(matcher.AddRules(rules).ok());
  EXPECT_GT(matcher.MemoryUsage(), empty + 1000 * 50);
}

}  // namespace
}  // namespace rampart::pattern
