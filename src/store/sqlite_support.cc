#include "store/sqlite_support.h"

#include <fmt/format.h>

namespace rampart::store {

SqliteDb::~SqliteDb() { sqlite3_close(db_); }

Status SqliteDb::Open(const std::string& path, const std::string& what,
                      const sqlite::OpenOptions& options) {
  what_ = what;
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    return IoError(fmt::format("{}: cannot open {}: {}", path, what, sqlite3_errmsg(db_)));
  }
  sqlite3_busy_timeout(db_, 10000);
  return Exec(sqlite::ConnectionPragmas(options));
}

Status SqliteDb::Exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    Status status =
        IoError(fmt::format("{}: {}", what_, message != nullptr ? message : "unknown error"));
    sqlite3_free(message);
    return status;
  }
  return Status::Ok();
}

Status SqliteDb::Error(const std::string& what) const {
  return IoError(fmt::format("{}: {}: {}", what_, what, sqlite3_errmsg(db_)));
}

SqliteStatement::SqliteStatement(sqlite3* db, const std::string& sql) {
  sqlite3_prepare_v2(db, sql.c_str(), -1, &statement_, nullptr);
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

SqliteTransaction::~SqliteTransaction() {
  if (open_) {
    (void)db_.Exec("ROLLBACK");
  }
}

Status SqliteTransaction::Begin() {
  RAMPART_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  open_ = true;
  return Status::Ok();
}

Status SqliteTransaction::Commit() {
  RAMPART_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  open_ = false;
  return Status::Ok();
}

std::string ColumnText(sqlite3_stmt* statement, int column) {
  const auto* text = sqlite3_column_text(statement, column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

void BindText(sqlite3_stmt* statement, int index, const std::string& text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

}  // namespace rampart::store
