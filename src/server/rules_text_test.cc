#include "server/rules_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/file.h"
#include "core/yaml.h"

namespace rampart::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* kCommented = R"(# Rules of the payments team.
rules:
  # Pages for anything critical.
  - name: page-critical
    mode: enforce   # reviewed in March
    event_pattern: {detail: {findings: {Severity: {Label: [CRITICAL]}}}}
    targets:
      - action: webhook
        params: {url: "https://pager.example/hook"}

  # Marks informational findings as notified.
  - name: quiet-informational
    event_pattern:
      detail:
        findings:
          Severity:
            Label: [INFORMATIONAL]
    targets:
      - action: finding.update
        params: {workflow_status: NOTIFIED}
# Rules end here.
settings_owner: payments
)";

Json Document(std::string_view text) { return *ParseJsonOrYaml(text, "test"); }

Json NewRule() {
  return Json::parse(R"({"name": "bump-image", "mode": "enforce",
    "event_pattern": {"detail-type": ["Security Hub Findings - Imported"],
                      "detail": {"findings": {"Resources": {"Id": [{"prefix": "registry/app:"}]}}}},
    "guardrails": {"cooldown": "1h", "max_actions": 5},
    "targets": [{"action": "gitops.bump-image", "params": {"repository": "manifests", "tag": "2.4.2"}}]})");
}

TEST(RulesText, ReplaceKeepsOtherLines) {
  Json after = Document(kCommented);
  after["rules"][1]["state"] = "DISABLED";
  const std::string text = RulesFileText(kCommented, Document(kCommented)["rules"], after);

  EXPECT_EQ(Document(text), after);
  EXPECT_THAT(text, HasSubstr("# Rules of the payments team.\n"));
  EXPECT_THAT(text, HasSubstr("    mode: enforce   # reviewed in March\n"));
  EXPECT_THAT(text, HasSubstr("  # Marks informational findings as notified.\n"));
  EXPECT_THAT(text, HasSubstr("# Rules end here.\nsettings_owner: payments\n"));
  EXPECT_THAT(text, HasSubstr("  - name: quiet-informational\n"));
  EXPECT_THAT(text, HasSubstr("    state: DISABLED\n"));
}

TEST(RulesText, AppendGoesAfterLastRule) {
  Json after = Document(kCommented);
  after["rules"].push_back(NewRule());
  const std::string text = RulesFileText(kCommented, Document(kCommented)["rules"], after);

  EXPECT_EQ(Document(text), after);
  const std::size_t added = text.find("  - name: bump-image\n");
  ASSERT_NE(added, std::string::npos);
  EXPECT_LT(text.find("params: {workflow_status: NOTIFIED}"), added);
  EXPECT_LT(added, text.find("# Rules end here."));
  EXPECT_THAT(text, HasSubstr("    guardrails:\n      cooldown: \"1h\"\n      max_actions: 5\n"));
  EXPECT_THAT(text, HasSubstr("          Resources:\n            Id:\n              - prefix: "
                              "\"registry/app:\"\n"));
}

TEST(RulesText, RemoveTakesItsComment) {
  Json after = Document(kCommented);
  after["rules"].erase(0);
  const std::string text = RulesFileText(kCommented, Document(kCommented)["rules"], after);

  EXPECT_EQ(Document(text), after);
  EXPECT_THAT(text, Not(HasSubstr("page-critical")));
  EXPECT_THAT(text, Not(HasSubstr("reviewed in March")));
  EXPECT_THAT(text, Not(HasSubstr("Pages for anything critical")));
  EXPECT_THAT(text, HasSubstr("rules:\n\n  # Marks informational findings as notified.\n"
                              "  - name: quiet-informational\n"));
}

TEST(RulesText, AppendThenRemoveRestoresFile) {
  const Json before = Document(kCommented);
  Json added = before;
  added["rules"].push_back(NewRule());
  const std::string with_rule = RulesFileText(kCommented, before["rules"], added);
  const std::string restored = RulesFileText(with_rule, added["rules"], before);

  EXPECT_EQ(restored, kCommented);
}

TEST(RulesText, JsonFileWrittenAsJson) {
  const std::string json_text = R"([{"name": "a", "event_pattern": {"source": ["x"]}}])";
  Json after = Document(json_text);
  after[0]["state"] = "DISABLED";
  const std::string text = RulesFileText(json_text, Document(json_text), after);

  EXPECT_EQ(text, after.dump(2) + "\n");
}

TEST(RulesText, EmptyFileWrittenAsJson) {
  const Json after = Json::object({{"rules", Json::array({NewRule()})}});
  EXPECT_EQ(RulesFileText("", Json::array(), after), after.dump(2) + "\n");
}

TEST(RulesText, TwoChangesWrittenWhole) {
  Json after = Document(kCommented);
  after["rules"][0]["state"] = "DISABLED";
  after["rules"][1]["state"] = "DISABLED";
  const std::string text = RulesFileText(kCommented, Document(kCommented)["rules"], after);

  EXPECT_EQ(text, after.dump(2) + "\n");
}

TEST(RulesText, ScalarsReadBackUnchanged) {
  const Json rule = {{"name", "odd-values"},
                     {"values",
                      {"true", "no", "1h", "a: b", "#x", "", "-dash", " padded", "plain words",
                       "ünïcode", "x,y", "[z]"}},
                     {"flags", {true, nullptr, 2.5, -3}},
                     {"empty", Json::object()},
                     {"nested", {{"list", Json::array()}, {"deep", {{"x", {1, 2}}}}}}};
  const Json reread = Document("- " + BlockYaml(rule, 2));

  ASSERT_TRUE(reread.is_array());
  EXPECT_EQ(reread[0], rule);
}

TEST(RulesText, ExampleRulesKeepComments) {
  const std::string path = std::string(RAMPART_SOURCE_DIR) + "/examples/rules.yaml";
  const std::string original = *ReadFile(path);
  const Json before = Document(original);
  Json after = before;
  after["rules"][0]["state"] = "DISABLED";
  const std::string text = RulesFileText(original, before["rules"], after);

  EXPECT_EQ(Document(text), after);
  std::size_t comments_before = 0;
  std::size_t comments_after = 0;
  for (std::size_t at = original.find('#'); at != std::string::npos;
       at = original.find('#', at + 1)) {
    ++comments_before;
  }
  for (std::size_t at = text.find('#'); at != std::string::npos; at = text.find('#', at + 1)) {
    ++comments_after;
  }
  EXPECT_EQ(comments_after, comments_before);
}

}  // namespace
}  // namespace rampart::server
