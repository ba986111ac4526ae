// The JetStream stream that carries Rampart's events: file storage, one subject per event
// kind under a common prefix, and a de-duplication window on the Nats-Msg-Id header.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "bus/connection.h"
#include "core/json.h"
#include "core/status.h"

namespace rampart::bus {

enum class StreamRetention {
  kWorkQueue,  // a message is removed once a consumer acknowledges it
  kLimits,     // messages stay until max_age, and other durable consumers may read them
};

struct StreamOptions {
  std::string name = "RAMPART_EVENTS";
  // Events are published on PREFIX.KIND, and the stream takes PREFIX.>.
  std::string subject_prefix = "rampart.events";
  // A message whose Nats-Msg-Id was stored within this window is dropped as a duplicate. It
  // must be longer than the outbox lease plus the time a crashed publisher takes to come back,
  // or an event republished after a crash is stored twice (and then planned once, through the
  // idempotency keys).
  std::chrono::seconds duplicate_window{std::chrono::minutes(10)};
  StreamRetention retention = StreamRetention::kWorkQueue;
  std::chrono::seconds max_age{0};  // 0 keeps messages until they are acknowledged or removed
};

// Returns `options` with the stream name and subject prefix of the store whose identity (see
// FindingStore::Identity) is `store_identity`: NAME_ID and rampart.ID.events, where ID is the
// identity's first 12 characters (upper case in the name). Stores that share one NATS server
// so get streams of their own, whose subjects do not overlap.
StreamOptions StoreStream(StreamOptions options, std::string_view store_identity);

// Returns an error naming the invalid stream name or subject prefix, or ok.
Status ValidateStreamOptions(const StreamOptions& options);

// Returns the subject filter of the stream: PREFIX.>.
std::string StreamSubjects(const StreamOptions& options);

// Returns PREFIX.KIND for an EventBridge event, where KIND is its detail-type in lower case
// with every run of other characters than letters and digits turned into one '-', such as
// "rampart.events.security-hub-findings-imported". An event without a detail-type gets
// KIND "unknown".
std::string EventSubject(const StreamOptions& options, const Json& event);

// Creates the stream, or updates its duplicate window and max age when it exists. Fails when
// the stream exists with another retention policy, which JetStream cannot change in place.
Status EnsureStream(Connection& connection, const StreamOptions& options);

// The number of messages and the first and last sequence stored in the stream.
struct StreamState {
  std::uint64_t messages = 0;
  std::uint64_t first_sequence = 0;
  std::uint64_t last_sequence = 0;
};

Result<StreamState> GetStreamState(Connection& connection, std::string_view stream);

}  // namespace rampart::bus
