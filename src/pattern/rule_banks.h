// The citylots2 benchmark rule banks of event-ruler and quamina, as stored in
// citylots2/*-cl2-rulesets.json: a name, pattern texts, and the match count each engine's
// benchmark asserts for each pattern over the 213,068 citylots2 events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace rampart::pattern {

struct RuleBank {
  std::string engine;  // "event-ruler" or "quamina"
  std::string name;    // such as "EXACT"
  std::vector<std::string> rules;
  std::vector<std::uint64_t> expected_matches;
};

// Reads {"rulesets": [{"name", "rules", "expected_matches"}]}. quamina's "shellstyle"
// operator is renamed "wildcard", EventBridge's name for the same '*' matching.
Result<std::vector<RuleBank>> ParseRuleBanks(const Json& document, std::string_view engine);

// Splits newline-delimited events into lines, skipping empty ones. The views point into
// `text`.
std::vector<std::string_view> SplitLines(std::string_view text);

}  // namespace rampart::pattern
