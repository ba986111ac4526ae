// The outbox publisher: moves events from the finding store's outbox to the JetStream stream.
// Each event is published with its outbox event id as Nats-Msg-Id and marked delivered only
// after the stream acknowledged it. A crash in between republishes the event, and the
// stream's de-duplication window drops the copy, so each event is stored once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "bus/connection.h"
#include "bus/stream.h"
#include "store/finding_store.h"

namespace rampart::bus {

struct PublisherOptions {
  // The outbox consumer name given to ClaimEvents. Every publisher process needs its own.
  std::string consumer = "nats-publisher";
  std::chrono::seconds lease{60};  // how long claimed events stay with this publisher
  std::size_t batch = 100;         // events claimed per PublishOnce
};

// The counts of one PublishOnce call.
struct PublishReport {
  int claimed = 0;
  int published = 0;   // stored by the stream as new messages
  int duplicates = 0;  // acknowledged by the stream as copies of stored messages
};

// Thread-compatible: one thread drives a publisher. The store and connection must outlive it.
class OutboxPublisher {
 public:
  OutboxPublisher(store::FindingStore& findings, Connection& connection, StreamOptions stream,
                  PublisherOptions options = {});

  // Claims up to options.batch events, publishes each and waits for its acknowledgement,
  // then marks the published ones delivered. A publish that fails stops the batch. The
  // events published before it are marked delivered, and the rest stay claimed and are
  // published again by the next call.
  Result<PublishReport> PublishOnce() { return PublishOnce(options_.batch); }

  // As PublishOnce, claiming up to `limit` events.
  Result<PublishReport> PublishOnce(std::size_t limit);

 private:
  Status Publish(const store::OutboxEvent& event, PublishReport& report);

  store::FindingStore& findings_;
  Connection& connection_;
  StreamOptions stream_;
  PublisherOptions options_;
};

}  // namespace rampart::bus
