// A throwaway PostgreSQL 15 server for tests, started from Debian's packages on 127.0.0.1 at
// a free port, with its data folder in a fresh temporary folder. Each test creates its own
// database on the server, so tests stay independent while sharing one server per process.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/status.h"

namespace rampart::store::testing {

// kFast turns fsync, full-page writes and synchronous commit off, which tests need no more
// than a killed server needs its data. kDurable keeps PostgreSQL's defaults, for benchmarks.
enum class Durability { kFast, kDurable };

class PostgresServer {
 public:
  // Runs initdb and starts the server. As root, the server binaries run as the `postgres`
  // user through runuser, since initdb and postgres reject root. Fails with a message naming
  // scripts/install-deps when the binaries are missing, and with the server log otherwise.
  static Result<std::unique_ptr<PostgresServer>> Start(Durability durability = Durability::kFast);

  // Stops the server at once (pg_ctl stop -m immediate) and removes its folder.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Creates a new empty database and returns its URL, such as
  // "postgresql://postgres@127.0.0.1:40123/rampart_test_3".
  Result<std::string> CreateDatabase();

  // Stops the server at once and starts it again on the same port, which breaks every open
  // connection.
  Status Restart();

  int port() const { return port_; }

 private:
  PostgresServer(std::filesystem::path folder, int port)
      : folder_(std::move(folder)), port_(port) {}

  std::filesystem::path folder_;
  int port_;
  int databases_ = 0;
};

// Returns the server of this test process, started on first use and stopped at exit. Returns
// the start error to every caller when the server could not start.
// NOTE: a test process that crashes skips the stop, so its server keeps running and its
// folder under /tmp (rampart-pg-*) stays; `pg_ctl -D FOLDER/data stop` ends it.
Result<PostgresServer*> SharedPostgresServer();

}  // namespace rampart::store::testing
