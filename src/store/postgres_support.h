// Shared plumbing of the PostgreSQL stores: connections, conversion of libpqxx exceptions into
// Status, and versioned schema migrations. libpqxx throws; nothing thrown here leaves these
// functions, and callers in other files catch with ErrorStatus.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <pqxx/pqxx>

#include "core/status.h"

namespace rampart::store::postgres {

// Advisory lock keys. Rampart takes two-part keys (kAdvisoryLockClass, n); PostgreSQL keeps
// them apart from single 64-bit keys, which the finding store takes per finding.
inline constexpr std::int32_t kAdvisoryLockClass = 0x52414d50;  // "RAMP" in ASCII
inline constexpr std::int32_t kMigrationLock = 0;
inline constexpr std::int32_t kOutboxLock = 1;

// A read-only transaction whose statements all read one snapshot of the database.
using SnapshotTransaction = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// Returns `url` with its password, if any, replaced by "***", for messages and logs. Handles
// URLs (postgresql://user:secret@host/db) and key=value strings (password=secret).
std::string RedactUrl(std::string_view url);

// Converts an exception thrown by libpqxx while doing `action` on the database at `url` into
// a Status: kUnavailable when the connection is lost or cannot be made, kInternal otherwise.
// The message names the URL without its password and, for SQL errors, the SQLSTATE.
Status ErrorStatus(const std::exception& error, std::string_view url, std::string_view action);

// Runs `body()` after `reconnect()` and returns what it returns. A connection that the server
// closed, as a restart does, fails on its next use with pqxx::broken_connection: `connection`
// is then reset, and the body runs once more after `reconnect()`. Its writes were in a
// transaction that the lost connection rolled back, so each body must keep its writes in one
// transaction. Other exceptions, and a reconnection that fails, become `fail(error)`.
template <typename Body, typename Reconnect, typename Fail>
auto RunReconnecting(std::unique_ptr<pqxx::connection>& connection, Reconnect&& reconnect,
                     Fail&& fail, Body&& body) -> decltype(body()) {
  RAMPART_RETURN_IF_ERROR(reconnect());
  try {
    return body();
  } catch (const pqxx::broken_connection& error) {
    connection.reset();
    if (!reconnect().ok()) {
      return fail(error);
    }
  } catch (const std::exception& error) {
    return fail(error);
  }
  try {
    return body();
  } catch (const std::exception& error) {
    return fail(error);
  }
}

// Returns true when `error` is a serialization failure or a deadlock, after which the whole
// transaction may be retried.
bool IsRetryable(const std::exception& error);

// Opens a connection to `url` (a postgresql:// URL or a libpq key=value string).
Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& url);

// One step of a schema: `sql` moves the schema of `component` from version - 1 to version.
struct Migration {
  int version;
  const char* sql;
};

// Applies the migrations of `component` (such as "findings") that the database lacks, in
// version order, each in one transaction with its row in rampart_schema_versions. Each
// transaction first takes a transaction-scoped advisory lock, so processes that start
// together wait for each other instead of applying a migration twice. Fails when the
// database has a version of `component` newer than the last of `migrations`.
Status Migrate(pqxx::connection& connection, std::string_view url, std::string_view component,
               std::span<const Migration> migrations);

// Returns the highest applied version of `component`, 0 when none.
Result<int> SchemaVersion(pqxx::connection& connection, std::string_view url,
                          std::string_view component);

}  // namespace rampart::store::postgres
