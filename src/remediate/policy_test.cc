#include "remediate/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rampart::remediate {
namespace {

TEST(Policy, DefaultsToDryRun) {
  auto policy = ParsePolicy(Json{{"name", "r"}, {"targets", {{{"action", "exec"}}}}});
  ASSERT_TRUE(policy.has_value());
  EXPECT_TRUE(policy->guardrails.dry_run);
  EXPECT_FALSE(policy->guardrails.approval_required);
  ASSERT_EQ(policy->targets.size(), 1u);
  EXPECT_EQ(policy->targets[0].action, "exec");
}

TEST(Policy, ReadsGuardrails) {
  const Json rule = Json::parse(R"({
    "name": "bump", "mode": "enforce",
    "guardrails": {"approval": true, "max_actions": 5, "window": "1h", "cooldown": "30m",
                   "max_attempts": 4, "timeout": "90s",
                   "allow": {"namespaces": ["payments"], "hosts": ["hooks.example.com"]}},
    "verify": {"command": ["/usr/bin/true"]},
    "targets": [{"action": "exec", "params": {"argv": ["/bin/true"]}}]
  })");
  auto policy = ParsePolicy(rule);
  ASSERT_TRUE(policy.has_value()) << policy.status().ToString();
  const Guardrails& g = policy->guardrails;
  EXPECT_FALSE(g.dry_run);
  EXPECT_TRUE(g.approval_required);
  EXPECT_EQ(g.max_actions, 5);
  EXPECT_EQ(g.window, std::chrono::hours(1));
  EXPECT_EQ(g.cooldown, std::chrono::minutes(30));
  EXPECT_EQ(g.max_attempts, 4);
  EXPECT_EQ(g.timeout, std::chrono::seconds(90));
  ASSERT_EQ(g.namespaces.size(), 1u);
  EXPECT_EQ(g.namespaces[0], "payments");
  EXPECT_TRUE(policy->verify.enabled());
  EXPECT_EQ(policy->targets[0].params["argv"][0], "/bin/true");
}

TEST(Policy, InlineParametersBesideAction) {
  auto policy = ParsePolicy(
      Json::parse(R"({"name": "r", "targets": [{"action": "webhook", "url": "https://x"}]})"));
  ASSERT_TRUE(policy.has_value());
  EXPECT_EQ(policy->targets[0].params["url"], "https://x");
}

TEST(Policy, RejectsUnknownMode) {
  auto policy = ParsePolicy(Json{{"name", "r"}, {"mode", "yolo"}});
  ASSERT_FALSE(policy.has_value());
  EXPECT_NE(policy.status().message().find("rule \"r\": mode"), std::string::npos);
}

TEST(Policy, RejectsBadDuration) {
  auto policy = ParsePolicy(Json{{"name", "r"}, {"guardrails", {{"cooldown", "soon"}}}});
  ASSERT_FALSE(policy.has_value());
  EXPECT_NE(policy.status().message().find("cooldown"), std::string::npos);
}

TEST(Policy, RejectsTargetWithoutAction) {
  auto policy = ParsePolicy(Json::parse(R"({"name": "r", "targets": [{"params": {}}]})"));
  ASSERT_FALSE(policy.has_value());
  EXPECT_NE(policy.status().message().find("targets[0]"), std::string::npos);
}

TEST(Policy, RejectsEmptyVerify) {
  auto policy = ParsePolicy(Json{{"name", "r"}, {"verify", Json::object()}});
  ASSERT_FALSE(policy.has_value());
}

TEST(Policy, RejectsMisspelledKeys) {
  const std::vector<std::pair<Json, std::string>> cases = {
      {Json{{"name", "r"}, {"guardrail", {{"approval", true}}}},
       "rule \"r\": guardrail: unknown key; use name, description,"},
      {Json{{"name", "r"}, {"guardrails", {{"aproval", true}}}},
       "rule \"r\": guardrails.aproval: unknown key; use approval, max_actions,"},
      {Json{{"name", "r"}, {"guardrails", {{"max_action", 3}}}},
       "rule \"r\": guardrails.max_action: unknown key"},
      {Json{{"name", "r"}, {"guardrails", {{"allow", {{"namespace", {"payments"}}}}}}},
       "rule \"r\": guardrails.allow.namespace: unknown key; use namespaces, repositories,"},
      {Json{{"name", "r"}, {"verify", {{"reports", "rescan.json"}}}},
       "rule \"r\": verify.reports: unknown key; use command, report, timeout, rollback"},
  };
  for (const auto& [rule, message] : cases) {
    SCOPED_TRACE(rule.dump());
    auto policy = ParsePolicy(rule);
    ASSERT_FALSE(policy.has_value());
    EXPECT_THAT(policy.status().message(), ::testing::StartsWith(message));
  }
}

}  // namespace
}  // namespace rampart::remediate
