// Enrichment of events before matching: for each distinct enrich block of the enabled rules
// (one model and its fields), once per event, reads the fields, scores them with the model
// and writes the score to rampart.scores.<name> (pattern/enrichment.h). An enrichment that
// cannot be computed for an event is skipped: the event gets no score of that name, so a
// pattern that requires it does not match, and every other rule matches as before.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/scoring_model.h"
#include "pattern/rules_file.h"

namespace rampart::remediate {

struct EnrichReport {
  int computed = 0;  // enrichments written into the event
  int skipped = 0;   // enrichments that could not be computed for the event
};

// An event after enrichment, as the dispatcher matches it and the engine plans from it.
struct EnrichedEvent {
  Json document;
  std::string text;  // `document` as JSON text
  EnrichReport report;
};

// Thread-compatible: one thread enriches with one EventEnricher.
class EventEnricher {
 public:
  // Collects the enrich blocks of the enabled rules of `rules`; rules that share a model
  // and fields share one computation. `models` must outlive the enricher.
  EventEnricher(const pattern::RulesFile& rules, ModelCatalog& models);

  // Returns whether no enabled rule enriches events.
  bool empty() const { return computations_.empty(); }

  // Removes the rampart.scores that `event` arrived with, so that a score is never taken
  // from the event's sender, then writes every score it can compute. A top-level "rampart"
  // member that is not an object is replaced. Each distinct reason for a skip is logged
  // once, naming the rules, the model, the field and the event id.
  EnrichReport Enrich(Json& event);

  // Parses the JSON text of an event and enriches it. When the event had no top-level
  // "rampart" member, the scores are spliced in before the closing brace, so every other byte
  // of `text` stays as it was and rules that name no score match as before. Fails when
  // `text` is not valid JSON.
  Result<EnrichedEvent> EnrichText(const std::string& text);

 private:
  struct Computation {
    pattern::Enrichment enrichment;
    std::vector<std::string> score_names;
    std::vector<std::string> rules;
  };

  // Returns the score, or nullopt after logging why it cannot be computed.
  std::optional<double> Compute(const Computation& computation, const Json& event);
  void LogSkip(const Computation& computation, const std::string& reason,
               const std::string& message, const Json& event);

  ModelCatalog& models_;
  std::vector<Computation> computations_;
  std::set<std::string> logged_;  // computation key and reason of each skip already logged
};

}  // namespace rampart::remediate
