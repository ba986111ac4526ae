// The event source of a worker whose events travel through NATS JetStream: publishes the
// store's pending outbox events to the stream, then fetches from the durable consumer and
// routes each message through an EventRouter. Several workers on one store and one stream
// share the events, because each message goes to one of the consumer's subscribers at a time.
#pragma once

#include <memory>
#include <string>

#include "bus/connection.h"
#include "bus/event_consumer.h"
#include "bus/outbox_publisher.h"
#include "remediate/event_router.h"

namespace rampart::remediate {

struct BusDispatcherOptions {
  bus::ConnectOptions connect;
  bus::StreamOptions stream;
  bus::PublisherOptions publisher;  // publisher.consumer must be unique per process
  bus::ConsumerOptions consumer;
};

// Thread-compatible: one thread drives a BusDispatcher.
class BusDispatcher final : public EventSource {
 public:
  // Connects to `url`, creates or updates the stream and the durable consumer. The stream's
  // name and subjects are options.stream's with the identity of `findings` added (see
  // bus::StoreStream), so workers of one store share a stream and other stores keep out of
  // it. `findings`, `matcher`, `engine` and `enricher` (which may be null) must outlive the
  // dispatcher.
  static Result<std::unique_ptr<BusDispatcher>> Open(const std::string& url,
                                                     store::FindingStore& findings,
                                                     const pattern::Matcher& matcher,
                                                     Engine& engine, EventEnricher* enricher,
                                                     BusDispatcherOptions options);

  // Publishes up to `limit` outbox events, then fetches up to the consumer's batch of messages
  // and routes them. The error is a failed publish or fetch (such as NATS being unreachable).
  // Events stay in the outbox or the stream and are routed by a later call. A publish or fetch
  // that fails while the connection is up creates the stream and the consumer again and tries
  // once more: a server that came back without its JetStream data has neither.
  Result<DispatchReport> DispatchOnce(std::size_t limit) override;

 private:
  BusDispatcher(store::FindingStore& findings, const pattern::Matcher& matcher, Engine& engine,
                EventEnricher* enricher)
      : findings_(findings), router_(matcher, engine, enricher) {}

  // Returns the handler of the consumer: it routes each message of this store, and leaves one
  // whose findings this store does not hold for redelivery, logged as an error.
  bus::MessageHandler Handler();

  // Creates the stream and the durable consumer again when the connection is up.
  Status Recreate();

  store::FindingStore& findings_;
  bus::StreamOptions stream_;
  bus::ConsumerOptions consumer_options_;
  std::unique_ptr<bus::Connection> connection_;
  std::unique_ptr<bus::OutboxPublisher> publisher_;
  EventRouter router_;
  DispatchReport report_;  // the handler adds to it during ConsumeOnce
  std::unique_ptr<bus::EventConsumer> consumer_;
};

}  // namespace rampart::remediate
