// A connection to a NATS server with its JetStream context. Errors name the server URL with
// any user name, password or token removed.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <nats/nats.h>

#include "core/status.h"

namespace rampart::bus {

struct ConnectOptions {
  std::string name = "rampart";  // the client name that the server shows in its monitoring
  std::chrono::milliseconds connect_timeout{2000};
  // Between reconnect attempts after the connection is lost. The client keeps trying
  // forever when max_reconnect is -1, and buffers publishes in the meantime.
  std::chrono::milliseconds reconnect_wait{250};
  int max_reconnect = -1;
  // How long JetStream API calls and publish acknowledgements may take.
  std::chrono::milliseconds request_timeout{5000};
};

// Returns `url` with the user information (user:password@ or token@) removed.
std::string RedactUrl(std::string_view url);

// Owns a natsConnection and its jsCtx. The NATS client is thread-safe, so several threads may
// publish and fetch through one Connection, but each bus object here is driven by one thread.
class Connection {
 public:
  // Connects to `url` (nats://HOST:PORT, optionally with user:password@). Fails with
  // kUnavailable when no server accepts the connection.
  static Result<std::unique_ptr<Connection>> Open(const std::string& url,
                                                  const ConnectOptions& options = {});

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  natsConnection* nats() const { return connection_; }
  jsCtx* jetstream() const { return jetstream_; }
  const std::string& url() const { return redacted_url_; }
  const ConnectOptions& options() const { return options_; }

  // Returns true while the client is connected (not reconnecting, not closed).
  bool connected() const;

  // Returns the error of `action` that failed with `status`, naming the URL, the client's
  // last error text and the JetStream error code when there is one.
  Status Error(std::string_view action, natsStatus status, jsErrCode code = jsErrCode(0)) const;

 private:
  Connection(std::string redacted_url, ConnectOptions options)
      : redacted_url_(std::move(redacted_url)), options_(std::move(options)) {}

  std::string redacted_url_;
  ConnectOptions options_;
  natsConnection* connection_ = nullptr;
  jsCtx* jetstream_ = nullptr;
};

// Returns the status of a NATS client call that failed with `status` while doing `action`
// against `url`: kDeadlineExceeded for timeouts, kUnavailable when the server is away.
Status NatsError(std::string_view url, std::string_view action, natsStatus status,
                 jsErrCode code = jsErrCode(0));

}  // namespace rampart::bus
