#include "core/yaml.h"

#include <gtest/gtest.h>

namespace rampart {
namespace {

TEST(Yaml, TypesPlainScalars) {
  auto parsed = ParseYaml("a: 1\nb: 2.5\nc: true\nd: ~\ne: text\nf: '7'\ng: \"false\"\n", "t");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ((*parsed)["a"], 1);
  EXPECT_EQ((*parsed)["b"], 2.5);
  EXPECT_EQ((*parsed)["c"], true);
  EXPECT_TRUE((*parsed)["d"].is_null());
  EXPECT_EQ((*parsed)["e"], "text");
  EXPECT_EQ((*parsed)["f"], "7");
  EXPECT_EQ((*parsed)["g"], "false");
}

TEST(Yaml, ReadsSequencesAndMaps) {
  auto parsed = ParseYaml("- name: r1\n  targets: [a, b]\n- name: r2\n", "rules.yaml");
  ASSERT_TRUE(parsed.has_value());
  ASSERT_TRUE(parsed->is_array());
  EXPECT_EQ((*parsed)[0]["targets"][1], "b");
  EXPECT_EQ((*parsed)[1]["name"], "r2");
}

TEST(Yaml, ErrorNamesLine) {
  auto parsed = ParseYaml("a: [1, 2\nb: 3\n", "bad.yaml");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.status().message().find("bad.yaml"), std::string::npos);
  EXPECT_NE(parsed.status().message().find("line"), std::string::npos);
}

TEST(Yaml, RejectsInvalidUtf8) {
  auto value = ParseYaml("a: 1\nb: caf\xE9\n", "rules.yaml");
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.status().message(),
            "rules.yaml: line 2: invalid UTF-8 byte 0xE9 at offset 3 of a scalar; YAML text "
            "must be UTF-8, so convert the file (for example with iconv -t UTF-8)");

  auto key = ParseYaml("ok: 1\n\x8Dkey: 2\n", "rules.yaml");
  ASSERT_FALSE(key.has_value());
  EXPECT_NE(key.status().message().find("line 2: invalid UTF-8 byte 0x8D"), std::string::npos)
      << key.status().message();

  auto valid = ParseYaml("name: caf\xC3\xA9\n", "rules.yaml");
  ASSERT_TRUE(valid.has_value());
  EXPECT_EQ((*valid)["name"].dump(), "\"caf\xC3\xA9\"");
}

TEST(Yaml, JsonTextIsParsedAsJson) {
  auto parsed = ParseJsonOrYaml("  {\"a\": [1]}", "x.json");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ((*parsed)["a"][0], 1);
}

TEST(Yaml, RejectsAliasExpansionBomb) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) {
      text += std::string(j == 0 ? "" : ", ") + "*a" + std::to_string(i - 1);
    }
    text += "]\n";
  }
  auto parsed = ParseYaml(text, "bomb.yaml");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.status().message().find("aliases"), std::string::npos);
}

}  // namespace
}  // namespace rampart
