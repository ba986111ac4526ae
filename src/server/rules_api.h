// The rules endpoints over the rules file of `rampart serve`:
//   GET    /v1/rules            (read)   the running rules and the last reload problem
//   GET    /v1/rules/{name}     (read)
//   POST   /v1/rules            (admin)  creates a rule; 409 when the name exists
//   PUT    /v1/rules/{name}     (admin)  replaces a rule
//   DELETE /v1/rules/{name}     (admin)
//   POST   /v1/rules/validate   (read)   checks a rules file or one rule without storing it
// A change is validated with the whole file before it is written. An invalid change is
// rejected with the errors that `rampart rules check` prints, and the file stays as it was.
#pragma once

#include "server/api_support.h"
#include "server/http_server.h"
#include "server/rules_state.h"

namespace rampart::server {

// Returns a running rule as JSON: name, description, state, event_pattern, targets, enrich
// (when the rule has it) and the rule's other keys.
Json RuleJson(const pattern::Rule& rule);

// Returns the check of each rule's remediation side (mode, guardrails, targets) as the
// engine of `rampart run` reads it, against the built-in actions.
RulesState::RuleCheck RemediationCheck();

// Adds the rule routes; `rules` and `stores` (for the audit log) outlive the server.
void AddRuleRoutes(HttpServer& server, RulesState& rules, ApiStores& stores);

}  // namespace rampart::server
