#include "posture/yaml_tree.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace rampart::posture {
namespace {

YamlNode Parse(std::string_view text, std::uint32_t first_line = 1) {
  auto node = ParseYamlDocument(text, first_line);
  EXPECT_TRUE(node.has_value()) << node.status().message();
  return node ? *node : YamlNode{};
}

TEST(YamlTree, KeepsPositionsOfNodes) {
  const YamlNode root = Parse("a: 1\nb:\n  c: x\n", 10);
  ASSERT_TRUE(root.IsMapping());
  const YamlNode* c = root.FindPath({"b", "c"});
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->value, "x");
  EXPECT_EQ(c->line, 12u);
  EXPECT_EQ(c->column, 6u);
}

TEST(YamlTree, ReadsBoolsAsKubernetesDoes) {
  const YamlNode root = Parse("a: yes\nb: Off\nc: \"true\"\nd: maybe\ne:\n");
  EXPECT_EQ(ScalarBool(root.Find("a")), true);
  EXPECT_EQ(ScalarBool(root.Find("b")), false);
  EXPECT_EQ(ScalarBool(root.Find("c")), true);
  EXPECT_EQ(ScalarBool(root.Find("d")), std::nullopt);
  EXPECT_EQ(ScalarBool(root.Find("e")), std::nullopt);
  EXPECT_TRUE(root.Find("e")->IsNull());
}

TEST(YamlTree, ReadsIntegersInEveryBase) {
  const YamlNode root = Parse("a: 0\nb: 0x0\nc: 010\nd: -5\ne: 1_000\nf: 0b11\ng: 9x\n");
  EXPECT_EQ(ScalarInt(root.Find("a")), 0);
  EXPECT_EQ(ScalarInt(root.Find("b")), 0);
  EXPECT_EQ(ScalarInt(root.Find("c")), 8);
  EXPECT_EQ(ScalarInt(root.Find("d")), -5);
  EXPECT_EQ(ScalarInt(root.Find("e")), 1000);
  EXPECT_EQ(ScalarInt(root.Find("f")), 3);
  EXPECT_EQ(ScalarInt(root.Find("g")), std::nullopt);
}

TEST(YamlTree, MarksQuotedScalars) {
  const YamlNode root = Parse("a: 'x'\nb: x\nc: |\n  text\n");
  EXPECT_TRUE(root.Find("a")->quoted);
  EXPECT_FALSE(root.Find("b")->quoted);
  EXPECT_TRUE(root.Find("c")->quoted);
  EXPECT_EQ(root.Find("c")->value, "text\n");
}

TEST(YamlTree, ExpandsAliasesAndMergeKeys) {
  const YamlNode root = Parse("base: &b {x: 1, y: 2}\ncopy: *b\nmerged:\n  <<: *b\n  y: 3\n");
  EXPECT_EQ(StringOr(root.FindPath({"copy", "x"})), "1");
  EXPECT_EQ(StringOr(root.FindPath({"merged", "x"})), "1");
  EXPECT_EQ(StringOr(root.FindPath({"merged", "y"})), "3");
  EXPECT_EQ(root.Find("merged")->Find("<<"), nullptr);
}

TEST(YamlTree, RejectsDuplicateKeysWithLine) {
  std::uint32_t line = 0;
  auto node = ParseYamlDocument("a: 1\nb: 2\na: 3\n", 5, {}, &line);
  ASSERT_FALSE(node.has_value());
  EXPECT_EQ(line, 7u);
  EXPECT_NE(node.status().message().find("\"a\" is already defined"), std::string::npos);
}

TEST(YamlTree, ReportsSyntaxErrorLine) {
  std::uint32_t line = 0;
  auto node = ParseYamlDocument("a: 1\nb: [1, 2\n", 3, {}, &line);
  ASSERT_FALSE(node.has_value());
  EXPECT_EQ(line, 5u);
  EXPECT_NE(node.status().message().find("invalid YAML"), std::string::npos);
}

TEST(YamlTree, StopsAliasBombs) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'h'; ++level) {
    const char previous = static_cast<char>(level - 1);
    text += fmt::format("{0}: &{0} [*{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}]\n",
                        level, previous);
  }
  auto node = ParseYamlDocument(text, 1);
  ASSERT_FALSE(node.has_value());
  EXPECT_NE(node.status().message().find("nodes after aliases"), std::string::npos);
}

TEST(YamlTree, RejectsDeepNesting) {
  std::string text(200, '[');
  text += std::string(200, ']');
  auto node = ParseYamlDocument(text, 1);
  ASSERT_FALSE(node.has_value());
  EXPECT_NE(node.status().message().find("nesting deeper"), std::string::npos);
}

TEST(YamlTree, RejectsInvalidUtf8WithLine) {
  std::uint32_t line = 0;
  auto node = ParseYamlDocument("a: 1\nb: caf\xE9 latte\n", 3, {}, &line);
  ASSERT_FALSE(node.has_value());
  EXPECT_EQ(line, 4u);
  EXPECT_NE(node.status().message().find("invalid UTF-8 byte 0xE9 at offset 3"), std::string::npos)
      << node.status().message();

  EXPECT_FALSE(ParseYamlDocument("k\xC0\xAF: x\n", 1).has_value());  // in a key
  EXPECT_EQ(Parse("name: caf\xC3\xA9\n").Find("name")->value, "caf\xC3\xA9");
}

TEST(YamlTree, EmptyTextGivesNull) { EXPECT_TRUE(Parse("# only a comment\n\n").IsNull()); }

TEST(YamlTree, ReadsJsonStream) {
  auto documents = ParseYamlDocuments("{\"a\": 1}\n{\"b\": 2}[3]\n", 4);
  ASSERT_TRUE(documents.has_value()) << documents.status().message();
  ASSERT_EQ(documents->size(), 3u);
  EXPECT_EQ((*documents)[0].FindPath({"a"})->value, "1");
  EXPECT_EQ((*documents)[1].FindPath({"b"})->value, "2");
  EXPECT_EQ((*documents)[1].line, 5u);
  EXPECT_TRUE((*documents)[2].IsSequence());
}

TEST(YamlTree, RejectsContentAfterDocument) {
  const std::string_view cases[] = {"{\"a\": 1}\nb: 2\n", "{\"a\": 1}\n\"text\"\n",
                                    "{\"a\": 1}\n{\"b\": 2}\nc\n"};
  for (std::string_view text : cases) {
    std::uint32_t line = 0;
    auto documents = ParseYamlDocuments(text, 1, {}, &line);
    ASSERT_FALSE(documents.has_value()) << text;
    EXPECT_GE(line, 2u) << text;
    EXPECT_NE(documents.status().message().find("content after the end"), std::string::npos)
        << documents.status().message();
  }
}

TEST(YamlTree, SingleDocumentRejectsSecond) {
  auto node = ParseYamlDocument("{\"a\": 1}\n{\"b\": 2}\n", 1);
  EXPECT_FALSE(node.has_value());
}

TEST(YamlSplit, SplitsAtMarkersWithLines) {
  const std::string text = "# head\n---\na: 1\n--- \nb: 2\n...\n---\nc: 3\n";
  const auto chunks = SplitYamlDocuments(text);
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[0].first_line, 1u);
  EXPECT_EQ(chunks[1].first_line, 2u);
  EXPECT_EQ(chunks[1].text, "---\na: 1\n");
  EXPECT_EQ(chunks[2].first_line, 4u);
  EXPECT_EQ(chunks[3].first_line, 7u);
  EXPECT_EQ(Parse(chunks[3].text, chunks[3].first_line).Find("c")->line, 8u);
}

TEST(YamlSplit, KeepsDashesInsideContent) {
  const auto chunks = SplitYamlDocuments("a: |\n  ---\n  x\nb: ---x\n");
  ASSERT_EQ(chunks.size(), 1u);
}

}  // namespace
}  // namespace rampart::posture
