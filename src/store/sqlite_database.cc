#include "store/sqlite_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "core/log.h"
#include "store/sqlite_functions.h"

namespace rampart::store::sqlite {
namespace {

Status ErrorStatus(int code, std::string message) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(std::move(message) + "; another process holds the database lock");
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return IoError(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return FailedPrecondition(std::move(message) + "; the file is not an intact database");
    default:
      return Internal(std::move(message));
  }
}

std::string_view SynchronousName(Synchronous synchronous) {
  return synchronous == Synchronous::kFull ? "FULL" : "NORMAL";
}

}  // namespace

Statement::Statement(sqlite3* db, sqlite3_stmt* statement, std::string sql)
    : db_(db), statement_(statement), sql_(std::move(sql)) {}

Statement::~Statement() { sqlite3_finalize(statement_); }

void Statement::BindText(int index, std::string_view text) {
  sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void Statement::BindTextNoCopy(int index, std::string_view text) {
  sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void Statement::BindInt64(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
}

void Statement::BindDouble(int index, double value) {
  sqlite3_bind_double(statement_, index, value);
}

void Statement::BindNull(int index) { sqlite3_bind_null(statement_, index); }

Result<bool> Statement::Step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) {
    return true;
  }
  if (code == SQLITE_DONE) {
    return false;
  }
  return ErrorStatus(code, fmt::format("SQLite statement failed: {} (in: {})", sqlite3_errmsg(db_),
                                       sql_.substr(0, 120)));
}

Status Statement::Run() {
  auto row = Step();
  if (!row) {
    return row.status();
  }
  Reset();
  return Status::Ok();
}

void Statement::Reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::int64_t Statement::ColumnInt64(int column) const {
  return sqlite3_column_int64(statement_, column);
}

double Statement::ColumnDouble(int column) const {
  return sqlite3_column_double(statement_, column);
}

std::string_view Statement::ColumnText(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  if (text == nullptr) {
    return {};
  }
  return {text, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
}

int Statement::ColumnType(int column) const { return sqlite3_column_type(statement_, column); }

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const OpenOptions& options) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create_if_missing) {
    flags |= SQLITE_OPEN_CREATE;
  }
  sqlite3* handle = nullptr;
  const int code = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  std::unique_ptr<Database> db(new Database(handle, path));
  if (code != SQLITE_OK) {
    if (!options.create_if_missing && (code & 0xff) == SQLITE_CANTOPEN) {
      return NotFound(
          fmt::format("{}: no database at this path; run `rampart ingest` first or "
                      "pass --db with the right path",
                      path));
    }
    const std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
    std::error_code error;
    if ((code & 0xff) == SQLITE_CANTOPEN && !std::filesystem::is_directory(folder, error)) {
      return NotFound(
          fmt::format("{}: cannot create the database: the folder {} does not exist; "
                      "create it first or pass another path",
                      path, folder.string()));
    }
    return ErrorStatus(code,
                       fmt::format("{}: cannot open the database: {}", path,
                                   handle != nullptr ? sqlite3_errmsg(handle) : "out of memory"));
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, options.busy_timeout_ms);
  // journal_mode returns a row, so it goes through Execute's sqlite3_exec, which ignores rows.
  const Status pragmas = db->Execute(
      fmt::format("{} PRAGMA cache_size = -{}; PRAGMA mmap_size = {}; PRAGMA foreign_keys = OFF; "
                  "PRAGMA temp_store = MEMORY;",
                  ConnectionPragmas(options), options.cache_size_kib, options.mmap_size_bytes));
  if (!pragmas.ok()) {
    const int primary = sqlite3_extended_errcode(handle) & 0xff;
    if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN) {
      return FailedPrecondition(fmt::format(
          "{}: the database cannot be written ({}); SQLite keeps its write-ahead log beside it, "
          "in {}-wal and {}-shm, also for reading, so this user needs write access to the file "
          "and to the folder {}; to read a copy, copy the database to a writable folder",
          path, sqlite3_errmsg(handle), path, path,
          std::filesystem::absolute(path).parent_path().string()));
    }
    return pragmas;
  }
  RAMPART_RETURN_IF_ERROR(RegisterFunctions(handle));
  return db;
}

std::string ConnectionPragmas(const OpenOptions& options) {
  // The page size applies only to a new database, so it comes before anything is written.
  return fmt::format(
      "PRAGMA page_size = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; "
      "PRAGMA wal_autocheckpoint = {};",
      kNewDatabasePageSize, SynchronousName(options.synchronous),
      std::max(0, options.wal_autocheckpoint_pages));
}

Database::~Database() {
  statements_.clear();
  sqlite3_close_v2(db_);
}

Result<Statement*> Database::Prepare(std::string_view sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* statement = nullptr;
  const int code = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (code != SQLITE_OK) {
    return ErrorStatus(code, fmt::format("SQLite cannot prepare a statement: {} (in: {})",
                                         sqlite3_errmsg(db_), sql.substr(0, 120)));
  }
  auto owned = std::make_unique<Statement>(db_, statement, std::string(sql));
  Statement* raw = owned.get();
  statements_.emplace(std::string(sql), std::move(owned));
  return raw;
}

void Database::TrimStatementCache(std::size_t max_statements) {
  if (statements_.size() > max_statements) {
    statements_.clear();
  }
}

Status Database::Execute(std::string_view sql) {
  char* message = nullptr;
  const std::string text(sql);
  const int code = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (code != SQLITE_OK) {
    std::string detail = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return ErrorStatus(code, fmt::format("{}: SQLite failed: {}", path_, detail));
  }
  return Status::Ok();
}

Status Database::Error(std::string_view what) const {
  return ErrorStatus(sqlite3_extended_errcode(db_),
                     fmt::format("{}: {}: {}", path_, what, sqlite3_errmsg(db_)));
}

std::int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t Database::Changes() const { return sqlite3_changes64(db_); }

Result<std::unique_ptr<Transaction>> Transaction::Begin(Database& db, TransactionMode mode) {
  RAMPART_RETURN_IF_ERROR(
      db.Execute(mode == TransactionMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  return std::unique_ptr<Transaction>(new Transaction(db));
}

Transaction::~Transaction() {
  if (open_) {
    const Status status = db_.Execute("ROLLBACK");
    if (!status.ok()) {
      Logger("store")->warn("rollback failed: {}", status.message());
    }
  }
}

Status Transaction::Commit() {
  RAMPART_RETURN_IF_ERROR(db_.Execute("COMMIT"));
  open_ = false;
  return Status::Ok();
}

}  // namespace rampart::store::sqlite
