// The event consumer: a durable JetStream pull consumer that hands each event to a handler
// and acknowledges it only after the handler succeeded. Delivery is at least once: a message
// that is not acknowledged within the ack wait, or that the handler failed, comes again.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "bus/connection.h"
#include "bus/stream.h"
#include "core/json.h"
#include "core/status.h"

namespace rampart::bus {

struct ConsumerOptions {
  // The durable consumer name. Workers that use the same name share its messages.
  std::string durable = "rampart-remediation";
  // A message that is not acknowledged within ack_wait is delivered again. The messages of one
  // fetch are handled in turn and their ack waits start together, so ack_wait must exceed the
  // time to handle a whole batch, or the last ones are delivered again while still queued.
  std::chrono::milliseconds ack_wait{std::chrono::seconds(30)};
  // Deliveries of one message before JetStream stops redelivering it, or -1 for no limit.
  int max_deliver = 10;
  // The delay before a message whose handler failed is delivered again.
  std::chrono::milliseconds nak_delay{std::chrono::seconds(5)};
  int batch = 50;                                 // messages fetched per ConsumeOnce
  std::chrono::milliseconds fetch_timeout{1000};  // how long ConsumeOnce waits for messages
};

// One event as delivered: the EventBridge event as text and parsed.
struct Message {
  std::string subject;
  std::string msg_id;  // the Nats-Msg-Id header: the outbox event id
  std::string data;    // the event as JSON text
  Json event;          // the same, parsed; always a JSON object
  std::uint64_t stream_sequence = 0;
  std::uint64_t deliveries = 0;  // 1 on the first delivery
};

// Handles one message. OK acknowledges it. kInvalidArgument means it can never be handled:
// it is terminated and never delivered again. Any other error leaves it for redelivery after
// nak_delay.
using MessageHandler = std::function<Status(const Message& message)>;

// The counts of one ConsumeOnce call.
struct ConsumeReport {
  int fetched = 0;
  int acknowledged = 0;
  int terminated = 0;  // invalid messages, never delivered again
  int failed = 0;      // handler errors, delivered again after nak_delay
  int ack_errors = 0;  // acknowledgements the server did not confirm; delivered again
};

// Thread-compatible: one thread drives a consumer. The connection must outlive it. Several
// consumers, in one process or many, may share one durable name.
class EventConsumer {
 public:
  // Creates the durable consumer on the stream, or updates its ack wait and max deliver, and
  // subscribes to it. The stream must exist (EnsureStream).
  static Result<std::unique_ptr<EventConsumer>> Create(Connection& connection,
                                                       const StreamOptions& stream,
                                                       ConsumerOptions options,
                                                       MessageHandler handler);
  ~EventConsumer();
  EventConsumer(const EventConsumer&) = delete;
  EventConsumer& operator=(const EventConsumer&) = delete;

  // Fetches up to options.batch messages, waiting up to options.fetch_timeout, and handles
  // them in order. No message within the timeout is an empty report, not an error. Fails
  // when the fetch fails, for example while the connection is down.
  Result<ConsumeReport> ConsumeOnce();

 private:
  EventConsumer(Connection& connection, ConsumerOptions options, MessageHandler handler)
      : connection_(connection), options_(std::move(options)), handler_(std::move(handler)) {}

  void Handle(natsMsg* message, ConsumeReport& report);

  Connection& connection_;
  ConsumerOptions options_;
  MessageHandler handler_;
  natsSubscription* subscription_ = nullptr;
};

}  // namespace rampart::bus
