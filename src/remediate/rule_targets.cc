#include "remediate/rule_targets.h"

#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace rampart::remediate {

Json PolicyDocument(const pattern::Rule& rule) {
  Json document = rule.extra.is_object() ? rule.extra : Json::object();
  document["name"] = rule.name;
  document["targets"] = rule.targets;
  return document;
}

Status CheckPolicyTargets(const RemediationPolicy& policy, const ActionRegistry& actions) {
  for (std::size_t i = 0; i < policy.targets.size(); ++i) {
    const Target& target = policy.targets[i];
    const Action* action = actions.Find(target.action);
    if (action == nullptr) {
      return InvalidArgument(
          fmt::format("rule \"{}\": targets[{}]: unknown action \"{}\"; known actions: {}",
                      policy.rule, i, target.action, fmt::join(actions.Names(), ", ")));
    }
    RAMPART_RETURN_IF_ERROR(
        action->Validate(target.params)
            .WithContext(fmt::format("rule \"{}\": targets[{}]", policy.rule, i)));
  }
  return Status::Ok();
}

namespace {

// Turns an error of ParsePolicy or CheckPolicyTargets, "rule \"NAME\": KEY: PROBLEM", into a
// rule error at the rule's path followed by KEY.
pattern::RuleError ToRuleError(const pattern::Rule& rule, std::string_view message) {
  const std::string prefix = fmt::format("rule \"{}\": ", rule.name);
  if (message.starts_with(prefix)) {
    message.remove_prefix(prefix.size());
  }
  std::string path = rule.path.empty() ? "$" : rule.path;
  if (const auto colon = message.find(": "); colon != std::string_view::npos) {
    path += "." + std::string(message.substr(0, colon));
    message.remove_prefix(colon + 2);
  }
  return pattern::RuleError{rule.name, std::move(path), "invalid_remediation", std::string(message),
                            rule.line};
}

}  // namespace

void CheckRuleTargets(pattern::RulesFile& file, const ActionRegistry& actions) {
  std::vector<pattern::Rule> valid;
  for (pattern::Rule& rule : file.rules) {
    auto policy = ParsePolicy(PolicyDocument(rule));
    const Status checked = policy ? CheckPolicyTargets(*policy, actions) : policy.status();
    if (checked.ok()) {
      valid.push_back(std::move(rule));
      continue;
    }
    file.errors.push_back(ToRuleError(rule, checked.message()));
  }
  file.rules = std::move(valid);
}

}  // namespace rampart::remediate
