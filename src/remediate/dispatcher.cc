#include "remediate/dispatcher.h"

namespace rampart::remediate {

Dispatcher::Dispatcher(store::FindingStore& findings, const pattern::Matcher& matcher,
                       Engine& engine, std::string consumer, std::chrono::seconds lease,
                       EventEnricher* enricher)
    : findings_(findings),
      consumer_(std::move(consumer)),
      lease_(lease),
      router_(matcher, engine, enricher) {}

Result<DispatchReport> Dispatcher::DispatchOnce(std::size_t limit) {
  DispatchReport report;
  auto events = findings_.ClaimEvents(consumer_, limit, lease_);
  if (!events) {
    return events.status();
  }
  std::vector<std::int64_t> delivered;
  for (const store::OutboxEvent& event : *events) {
    auto routed = router_.Route(event.event_id, event.event, nullptr, report);
    if (!routed) {
      // Leave the rest undelivered: they come back after the lease.
      RAMPART_RETURN_IF_ERROR(findings_.MarkDelivered(delivered));
      return routed.status();
    }
    delivered.push_back(event.sequence);
  }
  RAMPART_RETURN_IF_ERROR(findings_.MarkDelivered(delivered));
  return report;
}

}  // namespace rampart::remediate
