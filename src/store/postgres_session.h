// One PostgreSQL connection shared by the threads of a store: each call runs under a mutex,
// reconnects when the connection was lost, and turns libpqxx exceptions into Status.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "store/postgres_support.h"

namespace rampart::store::postgres {

// Advisory lock keys of these stores, in the kAdvisoryLockClass space.
inline constexpr std::int32_t kAuditAppendLock = 10;

// Returns `text` as PostgreSQL can store it in a TEXT column: each NUL byte and each byte that
// does not start a valid UTF-8 sequence becomes U+FFFD. Command output may hold either, and
// a write that PostgreSQL rejects would leave a finished remediation RUNNING.
std::string StorableText(std::string_view text);

class Session {
 public:
  // Connects to `url` and applies the migrations of `component`.
  static Result<std::unique_ptr<Session>> Open(const std::string& url, std::string_view component,
                                               std::span<const Migration> migrations);

  // Runs `body(connection)` under the session's mutex and returns what it returns; an
  // exception thrown while doing `action` becomes a Status naming the URL. A connection that
  // the server closed, as a restart does, fails on its next use: the body then runs once
  // more on a new connection. Its writes were in a transaction that the lost connection
  // rolled back, so each body must keep its writes in one transaction.
  template <typename Body>
  auto Run(std::string_view action, Body&& body)
      -> decltype(body(std::declval<pqxx::connection&>())) {
    std::lock_guard lock(mutex_);
    return RunReconnecting(
        connection_, [this] { return Reconnect(); },
        [&](const std::exception& error) { return ErrorStatus(error, url_, action); },
        [&] { return body(*connection_); });
  }

 private:
  explicit Session(std::string url) : url_(std::move(url)) {}
  Status Reconnect();

  std::string url_;
  std::mutex mutex_;
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace rampart::store::postgres
