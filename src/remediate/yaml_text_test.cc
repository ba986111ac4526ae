#include "remediate/yaml_text.h"

#include <gtest/gtest.h>

namespace rampart::remediate {
namespace {

TEST(LocateScalar, PlainQuotedAndCommented) {
  const std::string text =
      "a: plain:1.0  # note\nb: \"dq \\\" x\"\nc: 'it''s'\nd: {e: flow, f: [g, h]}\n";
  const YAML::Node doc = YAML::Load(text);
  auto a = LocateScalar(text, doc["a"], false);
  ASSERT_TRUE(a.has_value()) << a.status().ToString();
  EXPECT_EQ(text.substr(a->offset, a->length), "plain:1.0");
  EXPECT_EQ(a->quote, 0);
  auto b = LocateScalar(text, doc["b"], false);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(text.substr(b->offset, b->length), "\"dq \\\" x\"");
  EXPECT_EQ(b->quote, '"');
  auto c = LocateScalar(text, doc["c"], false);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(text.substr(c->offset, c->length), "'it''s'");
  auto e = LocateScalar(text, doc["d"]["e"], true);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(text.substr(e->offset, e->length), "flow");
  auto g = LocateScalar(text, doc["d"]["f"][1], true);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(text.substr(g->offset, g->length), "h");
}

TEST(LocateScalar, RejectsMultiLinePlain) {
  const std::string text = "a: first\n  second\nb: 1\n";
  const YAML::Node doc = YAML::Load(text);
  auto a = LocateScalar(text, doc["a"], false);
  ASSERT_FALSE(a.has_value());
  EXPECT_NE(a.status().message().find("line 1"), std::string::npos);
}

TEST(FormatScalar, QuotesWhatWouldNotStayAString) {
  EXPECT_EQ(FormatScalar("redis:6.0.9", 0), "redis:6.0.9");
  EXPECT_EQ(FormatScalar("1.2.4", 0), "1.2.4");
  EXPECT_EQ(FormatScalar("6.1", 0), "\"6.1\"");
  EXPECT_EQ(FormatScalar("true", 0), "\"true\"");
  EXPECT_EQ(FormatScalar("on", 0), "\"on\"");
  EXPECT_EQ(FormatScalar("a: b", 0), "\"a: b\"");
  EXPECT_EQ(FormatScalar("x'y", '\''), "'x''y'");
  EXPECT_EQ(FormatScalar("line\nbreak", '\''), "\"line\\nbreak\"");
  EXPECT_EQ(FormatScalar("v1", '"'), "\"v1\"");
  for (const std::string value : {"6.1", "true", "a: b", "x'y", "line\nbreak", "#c", "- x"}) {
    const std::string yaml = "k: " + FormatScalar(value, 0) + "\n";
    EXPECT_EQ(YAML::Load(yaml)["k"].Scalar(), value) << yaml;
  }
}

TEST(ApplyEdits, OrderedAndOverlapRejected) {
  auto edited = ApplyEdits("abcdef", {{4, 1, "E"}, {0, 1, "A"}, {2, 0, "+"}});
  ASSERT_TRUE(edited.has_value());
  EXPECT_EQ(*edited, "Ab+cdEf");
  EXPECT_FALSE(ApplyEdits("abcdef", {{1, 3, "x"}, {2, 1, "y"}}).has_value());
  EXPECT_FALSE(ApplyEdits("abc", {{2, 5, "x"}}).has_value());
}

TEST(BlockEnd, StopsBeforeLessIndentedLine) {
  const std::string text =
      "spec:\n"
      "  containers:\n"
      "  - name: a\n"
      "    image: x\n"
      "    args:\n"
      "    - one\n"
      "\n"
      "  # about b\n"
      "  - name: b\n"
      "  volumes: []\n";
  const YAML::Node doc = YAML::Load(text);
  const YAML::Node first = doc["spec"]["containers"][0];
  const std::size_t end = BlockEnd(text, first);
  EXPECT_EQ(text.substr(0, end).substr(text.substr(0, end).size() - 10), "    - one\n");
  const YAML::Node containers = doc["spec"]["containers"];
  const std::size_t list_end = BlockEnd(text, containers);
  EXPECT_EQ(text.substr(list_end), "  volumes: []\n");
}

TEST(IndentStep, FromNestedMapping) {
  EXPECT_EQ(IndentStep(YAML::Load("a:\n    b:\n        c: 1\n")), 4u);
  EXPECT_EQ(IndentStep(YAML::Load("a: 1\n")), 2u);
  EXPECT_EQ(IndentStep(YAML::Load("- a:\n   b: 1\n")), 1u);
  EXPECT_EQ(IndentStep(YAML::Load("x: [1]\na:\n   b: 1\n")), 3u);
}

TEST(LineNumber, CountsNewlines) {
  EXPECT_EQ(LineNumber("a\nb\nc", 0), 1u);
  EXPECT_EQ(LineNumber("a\nb\nc", 4), 3u);
  EXPECT_EQ(LineStart("a\nbc\n", 3), 2u);
}

}  // namespace
}  // namespace rampart::remediate
