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

void Checkpointer::Loop() {
  std::unique_lock lock(mutex_);
  while (!stop_requested_.wait_for(lock, interval_, [this] { return stop_; })) {
    lock.unlock();
    int log_frames = 0;
    int checkpointed_frames = 0;
    const int code = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                               &checkpointed_frames);
    lock.lock();
    // SQLITE_BUSY means another connection is checkpointing; the next interval tries again.
    if (code != SQLITE_OK && code != SQLITE_BUSY) {
      failed_ += 1;
      // Logs the first failure and then every 100th, so a broken database cannot flood the log.
      if (failed_ % 100 == 1) {
        Logger("store")->warn("{}: checkpoint failed ({} failures so far): {}", path_, failed_,
                              sqlite3_errstr(code));
      }
    } else if (code == SQLITE_OK && log_frames >= 0 && checkpointed_frames == log_frames) {
      completed_ += 1;
    }
  }
}

}  // namespace rampart::store
