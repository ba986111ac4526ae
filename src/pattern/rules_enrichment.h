// Checks of the enrich blocks of a whole rules file. Each check moves a failing rule from
// file.rules to file.errors, as the parser does with invalid rules, so the other rules stay.
#pragma once

#include <string_view>

#include "core/scoring_model.h"
#include "pattern/rules_file.h"

namespace rampart::pattern {

// Rejects a rule whose score name (enrich.as) another rule already uses for another model
// or other fields, since one event member cannot hold two scores. ParseRulesFile runs it.
void CheckScoreNames(RulesFile& file);

// Rejects a rule whose model `models` cannot find or load, or whose fields do not match
// the model's features. The errors name the rule, the model and the fix.
void CheckEnrichmentModels(RulesFile& file, ModelCatalog& models);

// Rejects every rule with an enrich block, with `reason` as the message: for a caller that
// matches rules but has no models folder.
void RejectEnrichment(RulesFile& file, std::string_view reason);

// Returns whether any rule has an enrich block.
bool HasEnrichment(const RulesFile& file);

}  // namespace rampart::pattern
