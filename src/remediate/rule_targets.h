// The check of a rules file's remediation side: what the engine reads from each rule.
#pragma once

#include "core/json.h"
#include "core/status.h"
#include "pattern/rules_file.h"
#include "remediate/action.h"
#include "remediate/policy.h"

namespace rampart::remediate {

// Returns a rule as ParsePolicy reads it: its other keys (mode, guardrails, verify) with its
// name and targets.
Json PolicyDocument(const pattern::Rule& rule);

// Checks that each target of `policy` names an action of `actions` with valid parameters.
Status CheckPolicyTargets(const RemediationPolicy& policy, const ActionRegistry& actions);

// Checks each rule of `file` as the engine will run it: its policy must parse and its
// targets must pass CheckPolicyTargets. A rule that fails moves from file.rules to
// file.errors, with the code "invalid_remediation".
void CheckRuleTargets(pattern::RulesFile& file, const ActionRegistry& actions);

}  // namespace rampart::remediate
