#include "remediate/event_enricher.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/log.h"

namespace rampart::remediate {

EventEnricher::EventEnricher(const pattern::RulesFile& rules, ModelCatalog& models)
    : models_(models) {
  std::map<std::string, std::size_t> index_by_key;
  for (const pattern::Rule& rule : rules.rules) {
    if (!rule.enabled || !rule.enrichment) {
      continue;
    }
    const std::string key = rule.enrichment->ComputationKey();
    const auto [it, inserted] = index_by_key.emplace(key, computations_.size());
    if (inserted) {
      computations_.push_back({*rule.enrichment, {}, {}});
    }
    Computation& computation = computations_[it->second];
    computation.rules.push_back(rule.name);
    const std::string& name = rule.enrichment->score_name;
    if (std::find(computation.score_names.begin(), computation.score_names.end(), name) ==
        computation.score_names.end()) {
      computation.score_names.push_back(name);
    }
  }
}

EnrichReport EventEnricher::Enrich(Json& event) {
  EnrichReport report;
  if (!event.is_object()) {
    return report;
  }
  const std::string parent(pattern::kScoresParent);
  const std::string member(pattern::kScoresMember);
  if (event.contains(parent)) {
    if (event[parent].is_object()) {
      event[parent].erase(member);
    } else {
      event[parent] = Json::object();
    }
  }
  for (const Computation& computation : computations_) {
    const std::optional<double> score = Compute(computation, event);
    if (!score) {
      report.skipped += 1;
      continue;
    }
    for (const std::string& name : computation.score_names) {
      event[parent][member][name] = *score;
    }
    report.computed += 1;
  }
  return report;
}

Result<EnrichedEvent> EventEnricher::EnrichText(const std::string& text) {
  auto parsed = ParseJson(text, "outbox event");
  if (!parsed) {
    return parsed.status();
  }
  const std::string parent(pattern::kScoresParent);
  const bool had_parent = parsed->is_object() && parsed->contains(parent);
  EnrichedEvent enriched;
  enriched.report = Enrich(*parsed);
  if (had_parent) {
    enriched.text = parsed->dump();
  } else if (parsed->is_object() && parsed->contains(parent)) {
    enriched.text = text.substr(0, text.rfind('}'));
    enriched.text += parsed->size() > 1 ? "," : "";
    enriched.text += Json(parent).dump() + ":" + (*parsed)[parent].dump() + "}";
  } else {
    enriched.text = text;
  }
  enriched.document = std::move(*parsed);
  return enriched;
}

std::optional<double> EventEnricher::Compute(const Computation& computation, const Json& event) {
  const pattern::Enrichment& enrichment = computation.enrichment;
  auto model = models_.Find(enrichment.model);
  if (!model) {
    LogSkip(computation, "model", model.status().message(), event);
    return std::nullopt;
  }
  auto fields = pattern::FieldsInModelOrder(enrichment, (*model)->feature_names());
  if (!fields) {
    LogSkip(computation, "features", fields.status().message(), event);
    return std::nullopt;
  }

  std::vector<double> row(fields->size());
  for (std::size_t i = 0; i < fields->size(); ++i) {
    const pattern::FieldPath& field = *(*fields)[i];
    const Json* value = pattern::ResolveFieldPath(event, field);
    if (value == nullptr) {
      LogSkip(computation, "missing " + field.ToString(),
              fmt::format("field {} is missing", field.ToString()), event);
      return std::nullopt;
    }
    if (!pattern::FeatureValue(*value, row[i])) {
      LogSkip(computation, "not a number " + field.ToString(),
              fmt::format("field {} is {}, not a number", field.ToString(), value->dump()), event);
      return std::nullopt;
    }
  }
  const double score = (*model)->Score(row);
  if (!std::isfinite(score)) {
    LogSkip(computation, "score", "the model returned no finite score", event);
    return std::nullopt;
  }
  return score;
}

void EventEnricher::LogSkip(const Computation& computation, const std::string& reason,
                            const std::string& message, const Json& event) {
  if (!logged_.insert(computation.enrichment.ComputationKey() + "\n" + reason).second) {
    return;
  }
  Logger("dispatch")
      ->warn(
          "enrichment with model \"{}\" skipped for event {} (rules {}): {}; such events get no "
          "score {} and patterns that require it do not match. Later events skipped for the same "
          "reason are counted, not logged.",
          computation.enrichment.model, StringOr(event, "id", "without id"),
          fmt::join(computation.rules, ", "), message, fmt::join(computation.score_names, ", "));
}

}  // namespace rampart::remediate
