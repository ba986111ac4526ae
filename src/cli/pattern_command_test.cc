// The rules and pattern subcommands, run through CLI11 as `rampart` runs them.
#include "cli/pattern_command.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "detect/isolation_forest.h"
#include "detect/model_file.h"

namespace rampart::cli {
namespace {

class PatternCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pattern_command_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << content;
    return path;
  }

  // Runs `rampart ARGS...`; returns the exit status and stores standard output in `out_`.
  int Run(std::vector<std::string> args) {
    CLI::App app("rampart");
    int exit_code = 0;
    AddPatternCommands(app, exit_code);
    std::vector<const char*> argv = {"rampart"};
    for (const std::string& arg : args) {
      argv.push_back(arg.c_str());
    }
    ::testing::internal::CaptureStdout();
    try {
      app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
    } catch (const CLI::ParseError& error) {
      exit_code = app.exit(error) == 0 ? 0 : 2;
    }
    out_ = ::testing::internal::GetCapturedStdout();
    return exit_code;
  }

  std::filesystem::path dir_;
  std::string out_;
};

constexpr const char* kEvent = R"({
  "source": "aws.securityhub",
  "detail-type": "Security Hub Findings - Imported",
  "detail": {"findings": [{"Severity": {"Label": "CRITICAL"}, "RecordState": "ACTIVE"}]}
})";

TEST_F(PatternCommandTest, MatchPrintsMatch) {
  const std::string pattern =
      Write("p.json", R"({"detail": {"findings": {"Severity": {"Label": ["CRITICAL"]}}}})");
  const std::string event = Write("e.json", kEvent);
  EXPECT_EQ(Run({"pattern", "match", pattern, event}), 0);
  EXPECT_EQ(out_, "match\n");
}

TEST_F(PatternCommandTest, MatchPrintsNoMatch) {
  const std::string pattern = Write("p.json", R"({"source": ["aws.guardduty"]})");
  const std::string event = Write("e.json", kEvent);
  EXPECT_EQ(Run({"pattern", "match", pattern, event}), 1);
  EXPECT_EQ(out_, "no match\n");
}

TEST_F(PatternCommandTest, InvalidPatternExitsTwo) {
  const std::string pattern = Write("p.json", R"({"source": "aws.securityhub"})");
  const std::string event = Write("e.json", kEvent);
  EXPECT_EQ(Run({"pattern", "match", pattern, event}), 2);
  EXPECT_EQ(out_, "");
}

TEST_F(PatternCommandTest, InvalidEventExitsTwo) {
  const std::string pattern = Write("p.json", R"({"source": ["aws.securityhub"]})");
  const std::string event = Write("e.json", R"({"source": "aws.securityhub", })");
  EXPECT_EQ(Run({"pattern", "match", pattern, event}), 2);
  const std::string array_event = Write("a.json", R"(["aws.securityhub"])");
  EXPECT_EQ(Run({"pattern", "match", pattern, array_event}), 2);
}

TEST_F(PatternCommandTest, RulesMatchPrintsNamesPerLine) {
  const std::string rules = Write("rules.yaml", R"(rules:
  - name: critical
    event_pattern:
      detail:
        findings:
          Severity:
            Label: [CRITICAL]
    targets: [{action: finding.update}]
  - name: from-securityhub
    event_pattern: '{"source": ["aws.securityhub"]}'
  - name: disabled
    state: DISABLED
    event_pattern: {source: [{prefix: aws}]}
)");
  const std::string events =
      Write("events.jsonl",
            std::string(R"({"source": "aws.securityhub", "detail": {"findings": [{"Severity": )"
                        R"({"Label": "CRITICAL"}}]}})") +
                "\n\n" + R"({"source": "aws.guardduty"})" + "\n" +
                R"({"source": "aws.securityhub", "detail": {"findings": [{"Severity": )"
                R"({"Label": "LOW"}}]}})" +
                "\n");
  EXPECT_EQ(Run({"pattern", "match", "--rules", rules, events}), 0);
  EXPECT_EQ(out_, "1: critical from-securityhub\n3: (no match)\n4: from-securityhub\n");
}

TEST_F(PatternCommandTest, RulesMatchReportsBadLines) {
  const std::string rules =
      Write("rules.json", R"([{"name": "any", "event_pattern": {"a": [{"exists": true}]}}])");
  const std::string events = Write("events.jsonl", "{\"a\": 1}\n{\"a\": \n");
  EXPECT_EQ(Run({"pattern", "match", "--rules", rules, events}), 2);
  EXPECT_EQ(out_, "1: any\n");
}

TEST_F(PatternCommandTest, RulesCheckAcceptsValidFile) {
  const std::string rules = Write("rules.yaml", R"(- name: a
  event_pattern: {source: [aws.securityhub]}
- name: b
  state: DISABLED
  event_pattern: {source: [aws.guardduty]}
)");
  EXPECT_EQ(Run({"rules", "check", rules}), 0);
  EXPECT_EQ(out_, rules + ": 2 valid rules (1 enabled, 1 disabled), 0 errors\n");
}

TEST_F(PatternCommandTest, RulesCheckListsEveryError) {
  const std::string rules = Write("rules.yaml", R"(rules:
  - name: good
    event_pattern: {source: [aws.securityhub]}
  - name: bad-leaf
    event_pattern:
      detail:
        state: running
  - name: good
    event_pattern: {source: [aws.ec2]}
  - name: bad-operators
    state: PAUSED
    event_pattern:
      detail:
        ip: [{cidr: 10.0.0.0/33}]
        size: [{numeric: ["!=", 5]}]
)");
  EXPECT_EQ(Run({"rules", "check", rules}), 1);
  const std::string expected =
      rules +
      ":7: rule \"bad-leaf\": $.rules[1].event_pattern.detail.state: the value of "
      "\"state\" is a string; a field takes an object or an array of values, such as "
      "[\"running\"] [leaf_not_array]\n" +
      rules +
      ":8: rule \"good\": $.rules[2].name: rule name \"good\" is already used at "
      "$.rules[0]; rule names must be unique [duplicate_name]\n" +
      rules +
      ":11: rule \"bad-operators\": $.rules[3].state: state \"PAUSED\" is not ENABLED "
      "or DISABLED [invalid_state]\n" +
      rules +
      ":14: rule \"bad-operators\": $.rules[3].event_pattern.detail.ip[0].cidr: prefix "
      "length \"33\" is not a number from 0 to 32 [bad_cidr_mask]\n" +
      rules +
      ":15: rule \"bad-operators\": $.rules[3].event_pattern.detail.size[0].numeric[0]: "
      "unknown numeric comparator \"!=\"; use =, <, <=, > or >= "
      "[unknown_numeric_comparator]\n" +
      rules + ": 1 valid rules (1 enabled, 0 disabled), 5 errors\n";
  EXPECT_EQ(out_, expected);
}

TEST_F(PatternCommandTest, RulesCheckChecksRemediationTargets) {
  const std::string rules = Write("rules.yaml", R"(rules:
  - name: good
    event_pattern: {source: [aws.securityhub]}
    targets: [{action: finding.update, params: {workflow_status: NOTIFIED}}]
  - name: unknown-action
    event_pattern: {source: [aws.securityhub]}
    targets: [{action: rm.rf}]
  - name: bad-guardrail
    guardrails: {max_actions: many}
    event_pattern: {source: [aws.securityhub]}
)");
  EXPECT_EQ(Run({"rules", "check", rules}), 1);
  EXPECT_NE(out_.find(rules + ":8: rule \"bad-guardrail\": $.rules[2].guardrails.max_actions: "
                              "must be a whole number from 0 to 1000000, not \"many\" "
                              "[invalid_remediation]\n"),
            std::string::npos)
      << out_;
  EXPECT_NE(out_.find(rules + ":5: rule \"unknown-action\": $.rules[1].targets[0]: unknown "
                              "action \"rm.rf\"; known actions: "),
            std::string::npos)
      << out_;
  EXPECT_NE(out_.find("[invalid_remediation]\n"), std::string::npos) << out_;
  EXPECT_NE(out_.find(rules + ": 1 valid rules (1 enabled, 0 disabled), 2 errors\n"),
            std::string::npos)
      << out_;
}

TEST_F(PatternCommandTest, RulesCheckWithModelsChecksEnrichment) {
  const std::filesystem::path models = dir_ / "models";
  std::filesystem::create_directories(models);
  detect::Matrix rows(4, 1);
  rows.values = {1, 2, 3, 50};
  detect::RandomEngine engine(4);
  auto forest = detect::IsolationForest::Fit(rows, {}, engine);
  ASSERT_TRUE(forest.has_value());
  detect::ModelFile file;
  file.feature_names = {"failures"};
  file.payload = forest->Encode();
  ASSERT_TRUE(detect::WriteModelFile(file, (models / "ssh-logins.model").string()).ok());
  const std::string rules = Write("rules.yaml", R"(- name: known
  event_pattern: {rampart: {scores: {ssh-logins: [{numeric: [">", 0.6]}]}}}
  enrich: {model: ssh-logins, features: [detail.count]}
- name: unknown
  event_pattern: {rampart: {scores: {api: [{numeric: [">", 0.6]}]}}}
  enrich: {model: api-calls, features: [detail.count], as: api}
)");

  EXPECT_EQ(Run({"rules", "check", rules}), 0) << "without --models the models are not checked";
  EXPECT_EQ(Run({"rules", "check", rules, "--models", models.string()}), 1);
  const std::string model_path = (models / "api-calls.model").string();
  EXPECT_EQ(out_, rules + ":6: rule \"unknown\": $[1].enrich.model: model \"api-calls\" not " +
                      "found: " + model_path +
                      " cannot be read (No such file or directory); train it with `rampart " +
                      "model train --input ROWS.csv --out " + model_path +
                      "`, or fix the name [unknown_model]\n" + rules +
                      ": 1 valid rules (1 enabled, 0 disabled), 1 errors\n");
}

TEST_F(PatternCommandTest, RulesCheckUnreadableFileExitsTwo) {
  EXPECT_EQ(Run({"rules", "check", (dir_ / "missing.yaml").string()}), 2);
}

}  // namespace
}  // namespace rampart::cli
