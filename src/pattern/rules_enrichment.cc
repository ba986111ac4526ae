#include "pattern/rules_enrichment.h"

#include <map>
#include <utility>

#include <fmt/format.h>

namespace rampart::pattern {
namespace {

// Keeps the rules for which `check` returns no error and moves the others to file.errors.
template <typename Check>
void FilterRules(RulesFile& file, Check check) {
  std::vector<Rule> kept;
  for (Rule& rule : file.rules) {
    std::optional<RuleError> error;
    if (rule.enrichment) {
      error = check(rule, *rule.enrichment);
    }
    if (error) {
      file.errors.push_back(std::move(*error));
    } else {
      kept.push_back(std::move(rule));
    }
  }
  file.rules = std::move(kept);
}

}  // namespace

void CheckScoreNames(RulesFile& file) {
  // score name -> (computation key, rule name) of the first rule that uses it
  std::map<std::string, std::pair<std::string, std::string>> first;
  FilterRules(
      file, [&](const Rule& rule, const Enrichment& enrichment) -> std::optional<RuleError> {
        const std::string key = enrichment.ComputationKey();
        const auto [it, inserted] = first.emplace(enrichment.score_name, std::pair(key, rule.name));
        if (inserted || it->second.first == key) {
          return std::nullopt;
        }
        return RuleError{
            rule.name, enrichment.path + ".as", "score_name_conflict",
            fmt::format("score \"{}\" is already the score of rule \"{}\", from another "
                        "model or other fields; give this score another name with as:",
                        enrichment.score_name, it->second.second),
            enrichment.line};
      });
}

void CheckEnrichmentModels(RulesFile& file, ModelCatalog& models) {
  FilterRules(file,
              [&](const Rule& rule, const Enrichment& enrichment) -> std::optional<RuleError> {
                auto model = models.Find(enrichment.model);
                if (!model) {
                  const bool missing = model.status().code() == StatusCode::kNotFound;
                  return RuleError{rule.name, enrichment.path + ".model",
                                   missing ? "unknown_model" : "invalid_model",
                                   model.status().message(), enrichment.line};
                }
                auto fields = FieldsInModelOrder(enrichment, (*model)->feature_names());
                if (!fields) {
                  return RuleError{rule.name, enrichment.path + ".features", "feature_mismatch",
                                   fields.status().message(), enrichment.line};
                }
                return std::nullopt;
              });
}

void RejectEnrichment(RulesFile& file, std::string_view reason) {
  FilterRules(
      file, [&](const Rule& rule, const Enrichment& enrichment) -> std::optional<RuleError> {
        return RuleError{rule.name, enrichment.path, "no_models_folder",
                         fmt::format("enrich names model \"{}\", but {}", enrichment.model, reason),
                         enrichment.line};
      });
}

bool HasEnrichment(const RulesFile& file) {
  for (const Rule& rule : file.rules) {
    if (rule.enrichment) {
      return true;
    }
  }
  return false;
}

}  // namespace rampart::pattern
