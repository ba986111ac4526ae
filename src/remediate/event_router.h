// The per-event step of routing, which the outbox dispatcher and the JetStream consumer share.
// It adds the model scores that rules ask for (event_enricher.h), matches the event against
// the compiled rules, and has the engine plan the targets of every matching rule.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "pattern/matcher.h"
#include "remediate/engine.h"
#include "remediate/event_enricher.h"

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

// The source of a worker's events: the outbox dispatcher in this process, or the JetStream
// consumer when events travel through NATS.
class EventSource {
 public:
  virtual ~EventSource() = default;

  // Routes up to `limit` pending events and returns the counts. Zero events means none is
  // pending now.
  virtual Result<DispatchReport> DispatchOnce(std::size_t limit) = 0;
};

enum class RouteOutcome {
  kRouted,   // matched and planned (possibly no rule, possibly only duplicates)
  kInvalid,  // the event cannot be read or matched, so it is logged, counted and dropped
};

// Thread-compatible: one thread drives an EventRouter.
class EventRouter {
 public:
  // `enricher`, when not null and not empty, adds model scores to each event before matching.
  // The enricher, the matcher and the engine must outlive the router.
  EventRouter(const pattern::Matcher& matcher, Engine& engine, EventEnricher* enricher = nullptr);

  // Routes one event given as JSON text. `document` is the same event parsed, when the caller
  // has it, or null. Adds to `report`. The error is a planning failure (the remediation store),
  // after which the event must be delivered again.
  Result<RouteOutcome> Route(std::string_view event_id, const std::string& text,
                             const Json* document, DispatchReport& report);

 private:
  // Parses `text`, adds its scores, and sets `document` to the enriched event and `enriched`
  // to the enriched event as JSON text. Fails when the event is not valid JSON.
  Status Enrich(const std::string& text, std::optional<Json>& document, std::string& enriched,
                DispatchReport& report);

  const pattern::Matcher& matcher_;
  Engine& engine_;
  EventEnricher* enricher_;
  pattern::MatchState match_state_;
  std::vector<pattern::RuleId> matches_;
};

}  // namespace rampart::remediate
