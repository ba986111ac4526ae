// The `bus` setting of rampart.yaml: "in-process" (the outbox dispatcher in this process) or
// the URL of a NATS server with JetStream.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace rampart {

inline constexpr std::string_view kInProcessBus = "in-process";

// The parts of nats://[USER[:PASSWORD]@]HOST[:PORT].
struct NatsUrl {
  std::string host;  // a name, an IPv4 address, or an IPv6 address in brackets
  int port = 4222;   // NATS's default client port when the URL names none
  bool has_credentials = false;
};

// Parses a NATS URL. The error names the value (with any password replaced by "***") and
// shows the expected form.
Result<NatsUrl> ParseNatsUrl(std::string_view url);

// Returns ok for "in-process" and for a valid NATS URL.
Status ValidateBusSetting(std::string_view value);

}  // namespace rampart
