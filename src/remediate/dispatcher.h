// The outbox dispatcher: claims finding events from the store's outbox and routes each one
// through an EventRouter (scores, rule matching, planning) in this process. Delivery is at
// least once; the engine's idempotency keys make a re-delivered event plan nothing new.
#pragma once

#include <chrono>
#include <string>

#include "pattern/matcher.h"
#include "remediate/engine.h"
#include "remediate/event_enricher.h"
#include "remediate/event_router.h"
#include "store/finding_store.h"

namespace rampart::remediate {

// Thread-compatible: one thread drives a Dispatcher.
class Dispatcher final : public EventSource {
 public:
  // `enricher`, when not null, adds model scores to each event before matching; it must
  // outlive the dispatcher.
  Dispatcher(store::FindingStore& findings, const pattern::Matcher& matcher, Engine& engine,
             std::string consumer, std::chrono::seconds lease = std::chrono::seconds(60),
             EventEnricher* enricher = nullptr);

  // Claims up to `limit` undelivered events, plans their remediations and marks them
  // delivered. An event is marked delivered only after its plans are written, so a crash
  // in between re-delivers it.
  Result<DispatchReport> DispatchOnce(std::size_t limit) override;

 private:
  store::FindingStore& findings_;
  std::string consumer_;
  std::chrono::seconds lease_;
  EventRouter router_;
};

}  // namespace rampart::remediate
