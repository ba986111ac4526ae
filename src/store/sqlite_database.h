// A thin RAII layer over the SQLite C API: a connection with a cache of prepared
// statements, statements with typed binding, and transactions that roll back unless
// committed. Errors become Status values that carry SQLite's message.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rampart::store::sqlite {

// A prepared statement. Bind values with 1-based indexes, Step through rows, read columns
// with 0-based indexes. A statement from Database::Prepare is reset when prepared again.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* statement, std::string sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void BindText(int index, std::string_view text);
  // Binds without copying: `text` must stay valid until the statement is reset. For large
  // values, where the copy would cost as much as the insert.
  void BindTextNoCopy(int index, std::string_view text);
  void BindInt64(int index, std::int64_t value);
  void BindDouble(int index, double value);
  void BindNull(int index);

  // Advances to the next row: true when a row is available, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows.
  Status Run();
  // Resets for another execution and clears the bindings.
  void Reset();

  bool IsNull(int column) const;
  std::int64_t ColumnInt64(int column) const;
  double ColumnDouble(int column) const;
  // Returns text valid until the next Step or Reset.
  std::string_view ColumnText(int column) const;
  // Returns SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
  int ColumnType(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
  std::string sql_;
};

enum class Synchronous { kNormal, kFull };

// The page size of a new database. A 16 KiB page fits several 2-4 KB findings, where a 4 KiB
// page (SQLite's default) fits one; docs/performance-store.md has the measured difference.
inline constexpr int kNewDatabasePageSize = 16384;

struct OpenOptions {
  bool create_if_missing = true;
  // FULL syncs the write-ahead log on every commit, so a committed transaction survives a
  // power loss as well as a killed process; NORMAL survives a killed process only.
  Synchronous synchronous = Synchronous::kFull;
  int busy_timeout_ms = 10000;  // how long a writer waits for another writer's lock
  int cache_size_kib = 65536;   // page cache per connection
  // Reads the database file through a memory map of up to this many bytes instead of read()
  // calls, which saves a copy of every page read; SQLite caps it at its compile-time limit.
  std::int64_t mmap_size_bytes = std::int64_t{1} << 34;
  // The write-ahead log size, in pages, past which a commit also checkpoints the log into
  // the database file (SQLite's wal_autocheckpoint). 0 leaves checkpoints to a Checkpointer,
  // so that no commit waits for one.
  int wal_autocheckpoint_pages = 1000;
};

// Returns the PRAGMA statements that set the page size of a new database, and
// `options`' journal mode (WAL), synchronous mode and automatic checkpoint size on a
// connection. Every connection that may be the first to open a database runs them first:
// once a database has its first page, its page size no longer changes.
std::string ConnectionPragmas(const OpenOptions& options);

class Database {
 public:
  // Opens (or creates) the database at `path` in WAL mode and registers Rampart's SQL
  // functions (see sqlite_functions.h).
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const OpenOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Returns the cached statement for `sql`, preparing it on first use; it comes back reset.
  Result<Statement*> Prepare(std::string_view sql);

  // Finalizes every cached statement when more than `max_statements` are cached. Call only
  // while no statement from Prepare is in use.
  void TrimStatementCache(std::size_t max_statements);

  // Runs one or more statements without results (schema changes, PRAGMAs).
  Status Execute(std::string_view sql);

  // Returns an error Status naming `what` and SQLite's current message.
  Status Error(std::string_view what) const;

  // Returns the rowid of the last row inserted on this connection.
  std::int64_t LastInsertRowId() const;
  // Returns the number of rows the last INSERT, UPDATE or DELETE changed.
  std::int64_t Changes() const;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
};

enum class TransactionMode {
  kRead,  // a snapshot; concurrent writers do not block it
  // takes the write lock at BEGIN (waiting up to busy_timeout_ms), so no later statement
  // needs a lock upgrade, which SQLite cannot wait for
  kWrite,
};

// A transaction that rolls back when it goes out of scope without Commit.
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> Begin(Database& db, TransactionMode mode);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Commit();

 private:
  explicit Transaction(Database& db) : db_(db) {}

  Database& db_;
  bool open_ = true;
};

}  // namespace rampart::store::sqlite
