#include "bus/outbox_publisher.h"

#include <fmt/format.h>

#include "core/log.h"

namespace rampart::bus {

OutboxPublisher::OutboxPublisher(store::FindingStore& findings, Connection& connection,
                                 StreamOptions stream, PublisherOptions options)
    : findings_(findings),
      connection_(connection),
      stream_(std::move(stream)),
      options_(std::move(options)) {}

Status OutboxPublisher::Publish(const store::OutboxEvent& event, PublishReport& report) {
  // The store writes the outbox, so a parse failure is unexpected. The event is still
  // published, and the consumer terminates it with a logged error.
  auto document = ParseJson(event.event, "outbox event " + event.event_id);
  const std::string subject = EventSubject(stream_, document ? *document : Json());

  jsPubOptions publish_options;
  jsPubOptions_Init(&publish_options);
  publish_options.MsgId = event.event_id.c_str();
  publish_options.ExpectStream = stream_.name.c_str();
  jsPubAck* ack = nullptr;
  jsErrCode code = jsErrCode(0);
  const natsStatus status =
      js_Publish(&ack, connection_.jetstream(), subject.c_str(), event.event.data(),
                 static_cast<int>(event.event.size()), &publish_options, &code);
  if (status != NATS_OK) {
    return connection_.Error(fmt::format("publishing event {} (outbox sequence {}) to {}",
                                         event.event_id, event.sequence, subject),
                             status, code);
  }
  if (ack->Duplicate) {
    report.duplicates += 1;
    Logger("bus")->info("event {} was already in stream {} as message {}; not stored again",
                        event.event_id, stream_.name, ack->Sequence);
  } else {
    report.published += 1;
  }
  jsPubAck_Destroy(ack);
  return Status::Ok();
}

Result<PublishReport> OutboxPublisher::PublishOnce(std::size_t limit) {
  PublishReport report;
  auto events = findings_.ClaimEvents(options_.consumer, limit, options_.lease);
  if (!events) {
    return events.status();
  }
  report.claimed = static_cast<int>(events->size());
  std::vector<std::int64_t> published;
  for (const store::OutboxEvent& event : *events) {
    Status status = Publish(event, report);
    if (!status.ok()) {
      Status marked = findings_.MarkDelivered(published);
      if (!marked.ok()) {
        Logger("bus")->error("marking {} published events delivered failed: {}", published.size(),
                             marked.ToString());
      }
      return status;
    }
    published.push_back(event.sequence);
  }
  RAMPART_RETURN_IF_ERROR(findings_.MarkDelivered(published));
  return report;
}

}  // namespace rampart::bus
