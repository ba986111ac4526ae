#include "core/json.h"

#include <gtest/gtest.h>

namespace rampart {
namespace {

TEST(ParseJson, ParsesObject) {
  auto parsed = ParseJson(R"({"a": [1, 2]})", "inline");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ((*parsed)["a"][1], 2);
}

TEST(ParseJson, SyntaxErrorNamesLineAndColumn) {
  auto parsed = ParseJson("{\n  \"a\": tru\n}", "report.json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("report.json"), std::string::npos);
  EXPECT_NE(parsed.status().message().find("line 2"), std::string::npos);
}

// A line of a JSON-lines text is named by its number in the whole text, and by no source.
TEST(ParseJsonLine, ErrorNamesLineOfText) {
  auto parsed = ParseJsonLine(R"({"a": tru})", 7);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message().rfind("invalid JSON at line 7, column ", 0), 0u)
      << parsed.status().message();
}

TEST(ParseJsonLine, ParsesLine) {
  auto parsed = ParseJsonLine(R"({"a": true})", 3);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ((*parsed)["a"], true);
}

TEST(ParseJson, RejectsDeepNesting) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  auto parsed = ParseJson(deep, "deep.json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.status().message().find("nesting deeper than 256"), std::string::npos);
}

TEST(ParseJson, BracketsInsideStringsDoNotCount) {
  const std::string text = "{\"a\": \"" + std::string(1000, '[') + "\"}";
  EXPECT_TRUE(ParseJson(text, "x").has_value());
}

TEST(ParseJson, RejectsInvalidUtf8) {
  auto parsed = ParseJson("{\"a\": \"\xff\xfe\"}", "bad.json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.status().message().find("bad.json"), std::string::npos);
}

TEST(ParseJson, RejectsTruncated) {
  auto parsed = ParseJson(R"({"Findings": [{"Id": "a")", "cut.json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.status().message().find("line 1"), std::string::npos);
}

TEST(ParseJson, EmptyInputSaysSo) {
  auto parsed = ParseJson("", "empty.json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.status().message().find("empty"), std::string::npos);
}

TEST(FindPath, WalksObjects) {
  const Json doc = Json::parse(R"({"Severity": {"Label": "HIGH"}})");
  const Json* label = FindPath(doc, "Severity.Label");
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(*label, "HIGH");
  EXPECT_EQ(FindPath(doc, "Severity.Missing"), nullptr);
  EXPECT_EQ(FindPath(doc, "Severity.Label.Deeper"), nullptr);
}

TEST(ParseJson, NumberOutOfRangeIsError) {
  auto parsed = ParseJson(R"({"size": 1e400})", "big.json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.status().message().find("big.json"), std::string::npos);
  EXPECT_NE(parsed.status().message().find("out of range"), std::string::npos);
}

TEST(ParseJson, NumberOutOfRangeNamesPosition) {
  auto parsed = ParseJson("{\"note\": \"1e400\",\n \"sizes\": [1, -2e999]}", "big.json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.status().message().find("line 2, column 15"), std::string::npos)
      << parsed.status().message();
  EXPECT_NE(parsed.status().message().find("-2e999"), std::string::npos);
}

}  // namespace
}  // namespace rampart
