// Background checkpoints of a SQLite database in WAL mode, so that commits on a latency path
// never copy the write-ahead log into the database file themselves.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"

struct sqlite3;

namespace rampart::store {

// Runs a passive checkpoint of one database at every interval on its own thread and
// connection. Connections opened with wal_autocheckpoint_pages = 0 need one, because without
// checkpoints the write-ahead log grows without bound. A passive checkpoint waits for no
// reader or writer, so commits go on while it runs. Stops in its destructor.
class Checkpointer {
 public:
  static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path,
                                                     std::chrono::milliseconds interval);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Checkpoints that ran to the end of the write-ahead log, and those that failed.
  std::int64_t completed() const;
  std::int64_t failed() const;

 private:
  Checkpointer(sqlite3* db, std::string path, std::chrono::milliseconds interval);
  void Loop();

  sqlite3* db_;
  std::string path_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stop_ = false;
  std::int64_t completed_ = 0;
  std::int64_t failed_ = 0;
  std::thread thread_;
};

}  // namespace rampart::store
