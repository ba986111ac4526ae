// The outbox dispatcher: claims finding events from the store's outbox, adds the model
// scores that rules ask for (event_enricher.h), matches each event against the compiled
// rules, and has the engine plan the targets of every matching rule. Delivery is at least
// once; the engine's idempotency keys make a re-delivered event plan nothing new.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "pattern/matcher.h"
#include "remediate/engine.h"
#include "remediate/event_enricher.h"
#include "store/finding_store.h"

namespace rampart::remediate {

struct DispatchReport {
  int events = 0;
  int matched_rules = 0;  // (event, rule) pairs
  int planned = 0;
  int awaiting_approval = 0;
  int duplicates = 0;
  int skipped = 0;
  int invalid_events = 0;  // events the matcher could not read; logged and delivered
  std::map<std::string, int> matches_by_rule;  // (event, rule) pairs per rule name
  int scores = 0;                              // model scores added to events
  int scores_skipped = 0;  // enrichments that could not be computed; their events still match
  std::vector<std::int64_t> remediation_ids;  // records planned by this call
};

// Thread-compatible: one thread drives a Dispatcher.
class Dispatcher {
 public:
  // `enricher`, when not null, adds model scores to each event before matching; it must
  // outlive the dispatcher.
  Dispatcher(store::FindingStore& findings, const pattern::Matcher& matcher, Engine& engine,
             std::string consumer, std::chrono::seconds lease = std::chrono::seconds(60),
             EventEnricher* enricher = nullptr);

  // Claims up to `limit` undelivered events, plans their remediations and marks them
  // delivered. An event is marked delivered only after its plans are written, so a crash
  // in between re-delivers it.
  Result<DispatchReport> DispatchOnce(std::size_t limit);

 private:
  // Parses `event`, adds its scores, and sets `document` to the enriched event and `text`
  // to the enriched event as JSON text. Fails when the event is not valid JSON.
  Status Enrich(const store::OutboxEvent& event, std::optional<Json>& document, std::string& text,
                DispatchReport& report);

  store::FindingStore& findings_;
  const pattern::Matcher& matcher_;
  Engine& engine_;
  std::string consumer_;
  std::chrono::seconds lease_;
  EventEnricher* enricher_;
  pattern::MatchState match_state_;
  std::vector<pattern::RuleId> matches_;
};

}  // namespace rampart::remediate
