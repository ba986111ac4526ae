// Rules files in YAML and JSON.
#include "pattern/rules_file.h"

#include <string>

#include <gtest/gtest.h>

namespace rampart::pattern {
namespace {

TEST(RulesFile, ReadsYamlRules) {
  const RulesFile file = ParseRulesFile(R"(rules:
  - name: critical-images
    description: bump images with critical CVEs
    state: ENABLED
    event_pattern:
      source: [aws.securityhub]
      detail:
        findings:
          Severity:
            Normalized: [{numeric: [">=", 90]}]
          Compliance:
            Status: ["FAILED"]
    targets:
      - action: gitops.bump-image
        repository: git@example.com:manifests.git
    mode: dry-run
    guardrails: {max_actions_per_hour: 5, namespaces: [payments]}
  - name: off
    state: DISABLED
    event_pattern: '{"source": ["aws.guardduty"]}'
)");
  ASSERT_TRUE(file.errors.empty()) << file.errors[0].ToString("rules.yaml");
  ASSERT_EQ(file.rules.size(), 2u);
  const Rule& rule = file.rules[0];
  EXPECT_EQ(rule.name, "critical-images");
  EXPECT_EQ(rule.description, "bump images with critical CVEs");
  EXPECT_TRUE(rule.enabled);
  EXPECT_EQ(rule.line, 2);
  EXPECT_EQ(rule.event_pattern["detail"]["findings"]["Severity"]["Normalized"][0]["numeric"][1],
            90);
  EXPECT_EQ(rule.targets[0]["action"], "gitops.bump-image");
  EXPECT_EQ(rule.extra["mode"], "dry-run");
  EXPECT_EQ(rule.extra["guardrails"]["max_actions_per_hour"], 5);
  EXPECT_EQ(rule.extra["guardrails"]["namespaces"][0], "payments");
  EXPECT_FALSE(file.rules[1].enabled);
  EXPECT_EQ(file.rules[1].event_pattern["source"][0], "aws.guardduty");
  EXPECT_TRUE(file.rules[1].targets.is_array());

  Matcher matcher;
  ASSERT_TRUE(AddEnabledRules(file, matcher).ok());
  EXPECT_EQ(matcher.rule_count(), 1u);
  MatchState state;
  std::vector<RuleId> ids;
  ASSERT_TRUE(matcher
                  .Match(R"({"source": "aws.securityhub", "detail": {"findings": [{"Severity":
                         {"Normalized": 95}, "Compliance": {"Status": "FAILED"}}]}})",
                         state, ids)
                  .ok());
  EXPECT_EQ(ids.size(), 1u);
}

TEST(RulesFile, YamlScalarsKeepTheirTypes) {
  const RulesFile file = ParseRulesFile(R"(- name: types
  event_pattern:
    quoted: ["90", "true", "null"]
    plain: [90, true, null, 1.5e3, -2, 0x10, 1_000, yes]
)");
  ASSERT_TRUE(file.errors.empty());
  const Json& pattern = file.rules[0].event_pattern;
  EXPECT_EQ(pattern["quoted"], Json::array({"90", "true", "null"}));
  EXPECT_EQ(pattern["plain"],
            Json::parse(R"([90, true, null, 1.5e3, -2, "0x10", "1_000", "yes"])"));
}

TEST(RulesFile, ReadsJsonList) {
  const RulesFile file = ParseRulesFile(
      R"([{"name": "a", "event_pattern": {"source": ["x"]}, "targets": [{"action": "webhook"}]},
          {"name": "b", "event_pattern": "{\"detail\": {\"n\": [{\"numeric\": [\">\", 1]}]}}"}])");
  ASSERT_TRUE(file.errors.empty());
  ASSERT_EQ(file.rules.size(), 2u);
  EXPECT_EQ(file.rules[0].targets[0]["action"], "webhook");
  EXPECT_EQ(file.rules[1].pattern.alternatives.size(), 1u);
}

TEST(RulesFile, KeepsValidRulesBesideInvalidOnes) {
  const RulesFile file = ParseRulesFile(R"(- name: good
  event_pattern: {a: [1]}
- description: no name
  event_pattern: {a: [1]}
- name: no-pattern
- name: bad-targets
  event_pattern: {a: [1]}
  targets: {action: x}
- name: bad-string-pattern
  event_pattern: '{"a": "x"}'
- name: good
  event_pattern: {b: [1]}
- 42
)");
  ASSERT_EQ(file.rules.size(), 1u);
  EXPECT_EQ(file.rules[0].name, "good");
  ASSERT_EQ(file.errors.size(), 6u);
  EXPECT_EQ(file.errors[0].code, "missing_field");
  EXPECT_EQ(file.errors[0].path, "$[1].name");
  EXPECT_EQ(file.errors[0].line, 3);
  EXPECT_EQ(file.errors[1].code, "missing_field");
  EXPECT_EQ(file.errors[1].rule, "no-pattern");
  EXPECT_EQ(file.errors[1].path, "$[2].event_pattern");
  EXPECT_EQ(file.errors[2].code, "wrong_type");
  EXPECT_EQ(file.errors[2].path, "$[3].targets");
  EXPECT_EQ(file.errors[3].code, "leaf_not_array");
  EXPECT_EQ(file.errors[3].path, "$[4].event_pattern.a");
  EXPECT_EQ(file.errors[4].code, "duplicate_name");
  EXPECT_EQ(file.errors[4].line, 11);
  EXPECT_EQ(file.errors[5].code, "wrong_type");
  EXPECT_EQ(file.errors[5].path, "$[6]");
  EXPECT_EQ(file.errors[4].ToString("r.yaml"),
            "r.yaml:11: rule \"good\": $[5].name: rule name \"good\" is already used at $[0]; "
            "rule names must be unique [duplicate_name]");
}

TEST(RulesFile, DuplicateAndMergeKeysAreErrors) {
  const RulesFile file = ParseRulesFile(R"(- name: twice
  event_pattern:
    detail:
      findings:
        Severity: {Label: [CRITICAL]}
        Severity: {Label: [LOW]}
- name: two-patterns
  event_pattern: {source: [a]}
  event_pattern: {source: [b]}
- name: merged
  event_pattern:
    <<: {source: [a]}
    detail-type: [x]
- name: fine
  event_pattern: {source: [a]}
)");
  ASSERT_EQ(file.rules.size(), 1u);
  EXPECT_EQ(file.rules[0].name, "fine");
  ASSERT_EQ(file.errors.size(), 3u);
  EXPECT_EQ(file.errors[0].code, "duplicate_key");
  EXPECT_EQ(file.errors[0].line, 6);
  EXPECT_NE(file.errors[0].message.find("key \"Severity\" is given twice"), std::string::npos);
  EXPECT_EQ(file.errors[1].code, "duplicate_key");
  EXPECT_EQ(file.errors[1].path, "$[1].event_pattern");
  EXPECT_EQ(file.errors[1].line, 9);
  EXPECT_EQ(file.errors[2].code, "merge_key");
  EXPECT_EQ(file.errors[2].line, 12);
}

TEST(RulesFile, DuplicateNameReportsOtherErrorsToo) {
  const RulesFile file = ParseRulesFile(R"(- name: page
  event_pattern: {source: [a]}
- name: page
  state: BOGUS
  event_pattern: {source: x}
)");
  ASSERT_EQ(file.rules.size(), 1u);
  ASSERT_EQ(file.errors.size(), 3u);
  EXPECT_EQ(file.errors[0].code, "duplicate_name");
  EXPECT_EQ(file.errors[1].code, "invalid_state");
  EXPECT_EQ(file.errors[2].code, "leaf_not_array");
}

TEST(RulesFile, ReportsFileLevelProblems) {
  const RulesFile bad_yaml = ParseRulesFile("rules: [\n  - {name: a\n");
  ASSERT_EQ(bad_yaml.errors.size(), 1u);
  EXPECT_EQ(bad_yaml.errors[0].code, "invalid_yaml");
  EXPECT_GT(bad_yaml.errors[0].line, 0);
  const RulesFile not_a_list = ParseRulesFile("rules: 5\n");
  ASSERT_EQ(not_a_list.errors.size(), 1u);
  EXPECT_EQ(not_a_list.errors[0].code, "wrong_type");
  EXPECT_EQ(not_a_list.errors[0].path, "$.rules");
  const RulesFile empty = ParseRulesFile("");
  EXPECT_TRUE(empty.errors.empty());
  EXPECT_TRUE(empty.rules.empty());
}

TEST(RulesFile, RejectsTextThatIsNotUtf8) {
  // A Latin-1 byte inside an enrich block, which is written out as JSON later.
  const RulesFile file = ParseRulesFile(
      "rules:\n  - name: a\n    event_pattern: {source: [x]}\n"
      "    enrich: {model: caf\xE9}\n");
  ASSERT_EQ(file.errors.size(), 1u);
  EXPECT_TRUE(file.rules.empty());
  EXPECT_EQ(file.errors[0].ToString("r.yaml"),
            "r.yaml:4: $: byte 0xE9 at line 4, column 24 is not UTF-8; a rules file must be "
            "UTF-8, so convert it (for example with iconv -t UTF-8) [invalid_utf8]");

  // yaml-cpp reads a NUL byte and "_" as the single byte 0xA0, which is not UTF-8.
  const RulesFile nul =
      ParseRulesFile(std::string("rules:\n  - name: a\n    event_pattern: {source: [x]}\n"
                                 "    enrich: {model: m, features: [a], as: log\0_score}\n",
                                 106));
  ASSERT_EQ(nul.errors.size(), 1u);
  EXPECT_TRUE(nul.rules.empty());
  EXPECT_EQ(nul.errors[0].code, "invalid_yaml");
  EXPECT_EQ(nul.errors[0].message,
            "a NUL byte at line 4, column 46; YAML text cannot contain NUL bytes");
}

TEST(RulesFile, ExpansionOfAliasesIsBounded) {
  // Each level doubles the nodes: 2^20 leaves from a file of a few hundred bytes.
  std::string text = "a0: &a0 [x, x]\n";
  for (int i = 1; i <= 20; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) +
            ", *a" + std::to_string(i - 1) + "]\n";
  }
  text += "rules:\n  - name: bomb\n    event_pattern: {a: [1]}\n    targets: [*a20]\n";
  const RulesFile file = ParseRulesFile(text);
  ASSERT_EQ(file.errors.size(), 1u);
  EXPECT_EQ(file.errors[0].code, "too_complex");
  EXPECT_EQ(file.errors[0].path, "$.rules[0].targets");
}

TEST(RulesFile, PointsAtTheLineOfAPatternError) {
  const RulesFile file = ParseRulesFile(R"(rules:
  - name: r
    event_pattern:
      detail:
        ok: [1]
        "odd.name":
          - prefix: 5
)");
  ASSERT_EQ(file.errors.size(), 1u);
  EXPECT_EQ(file.errors[0].path, "$.rules[0].event_pattern.detail[\"odd.name\"][0].prefix");
  EXPECT_EQ(file.errors[0].line, 7);
}

}  // namespace
}  // namespace rampart::pattern
