#include "store/checkpointer.h"

#include <sqlite3.h>

#include <fmt/format.h>

#include "core/log.h"

namespace rampart::store {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path,
                                                          std::chrono::milliseconds interval) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    Status error = IoError(
        fmt::format("{}: cannot open the database for checkpoints: {}", path, sqlite3_errmsg(db)));
    sqlite3_close(db);
    return error;
  }
  sqlite3_busy_timeout(db, 10000);
  // A connection learns that the database is in WAL mode only when it first reads it. Until
  // then a checkpoint does nothing and reports -1 frames.
  if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr) != SQLITE_OK) {
    Status error = IoError(
        fmt::format("{}: cannot read the database for checkpoints: {}", path, sqlite3_errmsg(db)));
    sqlite3_close(db);
    return error;
  }
  return std::unique_ptr<Checkpointer>(new Checkpointer(db, path, interval));
}

Checkpointer::Checkpointer(sqlite3* db, std::string path, std::chrono::milliseconds interval)
    : db_(db), path_(std::move(path)), interval_(interval) {
  thread_ = std::thread([this] { Loop(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  stop_requested_.notify_all();
  thread_.join();
  sqlite3_close(db_);
}

std::int64_t Checkpointer::completed() const {
  std::lock_guard lock(mutex_);
  return completed_;
}

std::int64_t Checkpointer::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

namespace {

// After a checkpoint copied the whole log, the next write restarts the log from its start
// and syncs the new log header, even with synchronous = NORMAL. This write of one row makes
// the checkpointer pay that sync instead of a commit on the latency path.
constexpr const char* kRestartLog =
    "CREATE TABLE IF NOT EXISTS wal_restart (id INTEGER PRIMARY KEY, writes INTEGER NOT NULL);"
    "INSERT INTO wal_restart (id, writes) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET writes = writes + 1;";

// Returns PRAGMA data_version, which changes when another connection commits; -1 on error.
std::int64_t DataVersion(sqlite3* db) {
  sqlite3_stmt* statement = nullptr;
  std::int64_t version = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    version = sqlite3_column_int64(statement, 0);
  }
  sqlite3_finalize(statement);
  return version;
}

}  // namespace

void Checkpointer::Loop() {
  std::int64_t checked_version = -1;
  std::unique_lock lock(mutex_);
  while (!stop_requested_.wait_for(lock, interval_, [this] { return stop_; })) {
    lock.unlock();
    // Skips the checkpoint when no other connection wrote since the last one, so an idle
    // database is left alone, the restart writes above included.
    const std::int64_t version = DataVersion(db_);
    if (version != -1 && version == checked_version) {
      lock.lock();
      continue;
    }
    checked_version = version;
    int log_frames = 0;
    int checkpointed_frames = 0;
    int code = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                         &checkpointed_frames);
    const bool complete = code == SQLITE_OK && log_frames > 0 && checkpointed_frames == log_frames;
    if (complete) {
      code = sqlite3_exec(db_, kRestartLog, nullptr, nullptr, nullptr);
    }
    lock.lock();
    // SQLITE_BUSY means another connection is checkpointing or writing; the next interval
    // tries again.
    if (code != SQLITE_OK && code != SQLITE_BUSY) {
      failed_ += 1;
      // Logs the first failure and then every 100th, so a broken database cannot flood the log.
      if (failed_ % 100 == 1) {
        Logger("store")->warn("{}: checkpoint failed ({} failures so far): {}", path_, failed_,
                              sqlite3_errstr(code));
      }
    } else if (complete) {
      completed_ += 1;
    }
  }
}

}  // namespace rampart::store
