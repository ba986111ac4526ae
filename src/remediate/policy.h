// A rule's remediation policy: its targets and the guardrails that decide what runs.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace rampart::remediate {

// One target of a rule: an action name and its parameters.
struct Target {
  std::string action;
  Json params = Json::object();
};

// The check that verifies a fix after it ran. With `command`, the program runs (argv, no shell, the
// finding on standard input) and exit status 0 means the problem is gone. With `report`, the
// file is ingested again and the problem is gone when the finding is missing from it, or
// present with Compliance.Status PASSED or RecordState ARCHIVED.
struct VerifySpec {
  std::vector<std::string> command;
  std::string report;
  std::chrono::microseconds timeout{std::chrono::seconds(300)};
  bool rollback_on_failure = true;

  bool enabled() const { return !command.empty() || !report.empty(); }
};

// Guardrails of one rule. The defaults are the safe ones: dry run, no rate limit or
// cool-down, three attempts.
struct Guardrails {
  bool dry_run = true;  // dry run unless the rule sets `mode: enforce`
  bool approval_required = false;
  int max_actions = 0;  // per window; 0 means no limit
  std::chrono::microseconds window{std::chrono::hours(1)};
  std::chrono::microseconds cooldown{0};  // per resource; 0 means none
  int max_attempts = 3;
  std::chrono::microseconds timeout{std::chrono::seconds(60)};  // per attempt
  std::chrono::microseconds backoff_initial{std::chrono::seconds(1)};
  std::chrono::microseconds backoff_max{std::chrono::minutes(5)};
  std::vector<std::string> namespaces;  // allow-lists; empty means the global ones
  std::vector<std::string> repositories;
  std::vector<std::string> accounts;
  std::vector<std::string> hosts;
};

// Everything the engine needs of one rule besides its event pattern.
struct RemediationPolicy {
  std::string rule;
  std::vector<Target> targets;
  Guardrails guardrails;
  VerifySpec verify;
};

// Reads a policy from a rule as written in the rules file: `name`, `mode` (dry-run or
// enforce), `guardrails` {approval, max_actions, window, cooldown, max_attempts, timeout,
// backoff_initial, backoff_max, allow: {namespaces, repositories, accounts, hosts}},
// `verify` {command | report, timeout, rollback} and `targets` [{action, params}] (also
// accepted: `type` for `action`, or the parameters beside `action`). Errors name the rule,
// the key and the fix.
Result<RemediationPolicy> ParsePolicy(const Json& rule);

}  // namespace rampart::remediate
