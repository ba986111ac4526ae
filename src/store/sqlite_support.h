// Small RAII helpers over the SQLite C API, shared by the SQLite-backed stores.
#pragma once

#include <sqlite3.h>

#include <string>

#include "core/status.h"
#include "store/sqlite_database.h"

namespace rampart::store {

// An open database connection in WAL mode with a busy timeout. Not thread-safe by itself;
// each store guards its connection with a mutex.
class SqliteDb {
 public:
  SqliteDb() = default;
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Opens `path`; `what` names the store in error messages. Of `options`, only the
  // synchronous mode and wal_autocheckpoint_pages apply.
  Status Open(const std::string& path, const std::string& what,
              const sqlite::OpenOptions& options = {});
  Status Exec(const std::string& sql);
  Status Error(const std::string& what) const;
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string what_;
};

// A prepared statement that finalizes itself.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  sqlite3_stmt* get() const { return statement_; }
  bool valid() const { return statement_ != nullptr; }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed uncommitted.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb& db) : db_(db) {}
  ~SqliteTransaction();
  Status Begin();
  Status Commit();

 private:
  SqliteDb& db_;
  bool open_ = false;
};

std::string ColumnText(sqlite3_stmt* statement, int column);
void BindText(sqlite3_stmt* statement, int index, const std::string& text);

}  // namespace rampart::store
