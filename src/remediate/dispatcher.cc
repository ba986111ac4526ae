#include "remediate/dispatcher.h"

#include "core/log.h"

namespace rampart::remediate {

Dispatcher::Dispatcher(store::FindingStore& findings, const pattern::Matcher& matcher,
                       Engine& engine, std::string consumer, std::chrono::seconds lease,
                       EventEnricher* enricher)
    : findings_(findings),
      matcher_(matcher),
      engine_(engine),
      consumer_(std::move(consumer)),
      lease_(lease),
      enricher_(enricher != nullptr && !enricher->empty() ? enricher : nullptr) {}

Status Dispatcher::Enrich(const store::OutboxEvent& event, std::optional<Json>& document,
                          std::string& text, DispatchReport& report) {
  auto enriched = enricher_->EnrichText(event.event);
  if (!enriched) {
    return enriched.status();
  }
  report.scores += enriched->report.computed;
  report.scores_skipped += enriched->report.skipped;
  text = std::move(enriched->text);
  document = std::move(enriched->document);
  return Status::Ok();
}

Result<DispatchReport> Dispatcher::DispatchOnce(std::size_t limit) {
  DispatchReport report;
  auto events = findings_.ClaimEvents(consumer_, limit, lease_);
  if (!events) {
    return events.status();
  }
  std::vector<std::int64_t> delivered;
  for (const store::OutboxEvent& event : *events) {
    report.events += 1;
    matches_.clear();
    std::optional<Json> document;
    std::string enriched_text;
    Status matched = Status::Ok();
    if (enricher_ != nullptr) {
      matched = Enrich(event, document, enriched_text, report);
    }
    if (matched.ok()) {
      const std::string& text = enricher_ != nullptr ? enriched_text : event.event;
      matched = matcher_.Match(text, match_state_, matches_);
    }
    if (!matched.ok()) {
      report.invalid_events += 1;
      Logger("dispatch")
          ->error("event {} cannot be matched and is dropped: {}", event.event_id,
                  matched.ToString());
      delivered.push_back(event.sequence);
      continue;
    }
    if (!matches_.empty()) {
      std::vector<std::string> rules;
      for (const pattern::RuleId id : matches_) {
        rules.push_back(matcher_.rule_name(id));
        report.matches_by_rule[rules.back()] += 1;
      }
      report.matched_rules += static_cast<int>(rules.size());
      if (!document) {
        auto parsed = ParseJson(event.event, "outbox event");
        if (!parsed) {
          return parsed.status();
        }
        document = std::move(*parsed);
      }
      auto plan = engine_.PlanEvent(*document, rules);
      if (!plan) {
        // Leave the rest undelivered: they come back after the lease.
        RAMPART_RETURN_IF_ERROR(findings_.MarkDelivered(delivered));
        return plan.status();
      }
      report.planned += plan->planned;
      report.awaiting_approval += plan->awaiting_approval;
      report.duplicates += plan->duplicates;
      report.skipped += plan->skipped;
      report.remediation_ids.insert(report.remediation_ids.end(), plan->remediation_ids.begin(),
                                    plan->remediation_ids.end());
    }
    delivered.push_back(event.sequence);
  }
  RAMPART_RETURN_IF_ERROR(findings_.MarkDelivered(delivered));
  return report;
}

}  // namespace rampart::remediate
