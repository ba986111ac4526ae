#include "remediate/event_router.h"

#include "core/log.h"

namespace rampart::remediate {

EventRouter::EventRouter(const pattern::Matcher& matcher, Engine& engine, EventEnricher* enricher)
    : matcher_(matcher),
      engine_(engine),
      enricher_(enricher != nullptr && !enricher->empty() ? enricher : nullptr) {}

Status EventRouter::Enrich(const std::string& text, std::optional<Json>& document,
                           std::string& enriched, DispatchReport& report) {
  auto result = enricher_->EnrichText(text);
  if (!result) {
    return result.status();
  }
  report.scores += result->report.computed;
  report.scores_skipped += result->report.skipped;
  enriched = std::move(result->text);
  document = std::move(result->document);
  return Status::Ok();
}

Result<RouteOutcome> EventRouter::Route(std::string_view event_id, const std::string& text,
                                        const Json* document, DispatchReport& report) {
  report.events += 1;
  matches_.clear();
  std::optional<Json> enriched_document;
  std::string enriched_text;
  Status matched = Status::Ok();
  if (enricher_ != nullptr) {
    matched = Enrich(text, enriched_document, enriched_text, report);
  }
  if (matched.ok()) {
    matched = matcher_.Match(enricher_ != nullptr ? enriched_text : text, match_state_, matches_);
  }
  if (!matched.ok()) {
    report.invalid_events += 1;
    Logger("dispatch")
        ->error("event {} cannot be matched and is dropped: {}", event_id, matched.ToString());
    return RouteOutcome::kInvalid;
  }
  if (matches_.empty()) {
    return RouteOutcome::kRouted;
  }

  std::vector<std::string> rules;
  for (const pattern::RuleId id : matches_) {
    rules.push_back(matcher_.rule_name(id));
    report.matches_by_rule[rules.back()] += 1;
  }
  report.matched_rules += static_cast<int>(rules.size());
  if (enriched_document) {
    document = &*enriched_document;
  } else if (document == nullptr) {
    auto parsed = ParseJson(text, "event");
    if (!parsed) {
      return parsed.status();
    }
    enriched_document = std::move(*parsed);
    document = &*enriched_document;
  }
  auto plan = engine_.PlanEvent(*document, rules);
  if (!plan) {
    return plan.status();
  }
  report.planned += plan->planned;
  report.awaiting_approval += plan->awaiting_approval;
  report.duplicates += plan->duplicates;
  report.skipped += plan->skipped;
  report.remediation_ids.insert(report.remediation_ids.end(), plan->remediation_ids.begin(),
                                plan->remediation_ids.end());
  return RouteOutcome::kRouted;
}

}  // namespace rampart::remediate
