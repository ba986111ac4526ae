// Rule enrichment: before matching, the dispatcher scores numeric fields of each event with
// a model of the models folder and writes the score into the event, so that a rule's
// pattern can require a score above a number.
//
//   enrich:
//     model: ssh-logins             # the model file ssh-logins.model
//     features:                     # event fields, in the model's feature order
//       - detail.findings[0].ProductFields."rampart/detect/Count"
//     as: login_score               # the score's name; the model name when omitted
//
// `features` may instead map the model's feature names to fields, in any order:
//
//     features: {failures: detail.findings[0].ProductFields."rampart/detect/Count"}
//
// The score is written to rampart.scores.<as> at the top of the event, such as
// {"rampart": {"scores": {"login_score": 0.71}}}. Field paths are described in
// field_path.h. A field contains a number, or a string that is a decimal number.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/scoring_model.h"
#include "pattern/field_path.h"

namespace rampart::pattern {

// The top-level event member that contains the scores, and its member for them.
inline constexpr std::string_view kScoresParent = "rampart";
inline constexpr std::string_view kScoresMember = "scores";

struct Enrichment {
  std::string model;
  std::vector<FieldPath> features;         // event fields, one per model feature
  std::vector<std::string> feature_names;  // the model feature of each field in mapping
                                           // form, empty in list form
  std::string score_name;                  // the member of rampart.scores that gets the score
  Json source;                             // the block as written in the rules file
  std::string path;                        // JSON path of the block in the rules file
  int line = 0;                            // 1-based line of the block; 0 when unknown

  // Returns a text that is equal for two enrichments exactly when they compute the same
  // score: the model and its fields.
  std::string ComputationKey() const;
};

// One problem in an enrich block. `path` is relative to the block, such as ".features[1]".
struct EnrichmentError {
  std::string path;
  std::string code;
  std::string message;
};

// Reads an enrich block (already converted from YAML). Returns the errors, or none and fills
// `out`.
std::vector<EnrichmentError> ParseEnrichment(const Json& block, Enrichment& out);

// Returns the event fields in the order of `model_features`. In list form these are the
// fields as given, when their count matches. In mapping form they are the fields mapped to
// each model feature. The error names the model, the expected features and the fix.
Result<std::vector<const FieldPath*>> FieldsInModelOrder(
    const Enrichment& enrichment, const std::vector<std::string>& model_features);

// Reads the number in a feature field into `out`: a finite JSON number, or a string that is
// entirely a finite decimal number such as "5" or "-0.25" (ASFF ProductFields values are
// strings). Returns false for any other value.
bool FeatureValue(const Json& value, double& out);

}  // namespace rampart::pattern
