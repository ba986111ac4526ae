#include "remediate/dispatcher.h"

#include "core/log.h"

namespace rampart::remediate {

Dispatcher::Dispatcher(store::FindingStore& findings, const pattern::Matcher& matcher,
                       Engine& engine, std::string consumer, std::chrono::seconds lease)
    : findings_(findings),
      matcher_(matcher),
      engine_(engine),
      consumer_(std::move(consumer)),
      lease_(lease) {}

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
    const Status matched = matcher_.Match(event.event, match_state_, matches_);
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
      auto document = ParseJson(event.event, "outbox event");
      if (!document) {
        return document.status();
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
