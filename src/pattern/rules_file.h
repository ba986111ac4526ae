// Rules files: YAML or JSON lists of rules, each an EventBridge event pattern with the
// targets that remediation runs when it matches.
//
//   rules:                      # or a top-level list
//     - name: critical-image-vulns
//       description: bump images with critical CVEs
//       state: ENABLED          # or DISABLED; ENABLED when omitted
//       event_pattern:          # an object, or a JSON string as EventBridge stores it
//         source: [aws.securityhub]
//         detail: {findings: {Severity: {Label: [CRITICAL]}}}
//       targets: [...]          # kept as JSON for the remediation engine
//       enrich: {...}           # optional: a model score to add first (enrichment.h)
//       mode: dry-run           # any other key is kept as JSON too
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "pattern/enrichment.h"
#include "pattern/matcher.h"
#include "pattern/pattern.h"

namespace rampart::pattern {

struct Rule {
  std::string name;
  std::string description;
  bool enabled = true;
  Json event_pattern;  // the pattern as a JSON object
  Pattern pattern;     // the parsed pattern
  Json targets = Json::array();
  std::optional<Enrichment> enrichment;  // the model score added before matching
  Json extra = Json::object();           // every other key of the rule, such as mode and guardrails
  int line = 0;                          // 1-based line of the rule in its file; 0 when unknown
  std::string path;                      // JSON path of the rule in its file, such as "$.rules[2]"
};

// One problem in a rules file. Errors in one rule never drop the other rules.
struct RuleError {
  std::string rule;  // the rule's name, or "" when it has none
  std::string path;  // JSON path in the file, such as "$.rules[2].event_pattern.detail"
  std::string code;  // a stable snake_case code, such as "duplicate_name" or "leaf_not_array"
  std::string message;
  int line = 0;  // 1-based; 0 when unknown

  // Returns "SOURCE:LINE: rule "NAME": PATH: MESSAGE [CODE]".
  std::string ToString(std::string_view source) const;
};

struct RulesFile {
  std::vector<Rule> rules;  // the valid rules, in file order
  std::vector<RuleError> errors;
};

// Parses a rules file, in YAML or JSON (JSON is valid YAML). Quoted YAML scalars stay
// strings. Unquoted ones that read as JSON numbers, true, false or null become those values.
RulesFile ParseRulesFile(std::string_view text);

// Adds the enabled rules to `matcher`.
Status AddEnabledRules(const RulesFile& file, Matcher& matcher);

}  // namespace rampart::pattern
