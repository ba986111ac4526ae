// The audit log in a SQLite database file.
#include <sqlite3.h>

#include <mutex>

#include <fmt/format.h>

#include "store/audit_backend.h"
#include "store/sqlite_support.h"

namespace rampart::store {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS audit_log (
  sequence      INTEGER PRIMARY KEY,
  time          TEXT NOT NULL,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  subject       TEXT NOT NULL,
  details       TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  hash          TEXT NOT NULL
);)sql";

class SqliteAudit final : public AuditBackend {
 public:
  sqlite3* db = nullptr;
  const Clock* clock = nullptr;
  std::mutex mutex;

  ~SqliteAudit() override { sqlite3_close(db); }

  Status Exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      Status status = IoError(fmt::format("audit log: {}", error != nullptr ? error : "?"));
      sqlite3_free(error);
      return status;
    }
    return Status::Ok();
  }

  Status Error(const char* what) {
    return IoError(fmt::format("audit log: {}: {}", what, sqlite3_errmsg(db)));
  }

  Result<std::vector<Entry>> AppendAll(const std::vector<EntryDraft>& drafts) override;
  Result<std::vector<Entry>> ReadEntries(std::int64_t after_sequence, std::size_t limit,
                                         std::vector<std::string>* details_texts) override;
};

}  // namespace

Result<std::unique_ptr<AuditBackend>> OpenSqliteAudit(const std::string& path, const Clock& clock,
                                                      const sqlite::OpenOptions& options) {
  auto impl = std::make_unique<SqliteAudit>();
  impl->clock = &clock;
  if (sqlite3_open(path.c_str(), &impl->db) != SQLITE_OK) {
    return IoError(fmt::format("{}: cannot open audit log: {}", path, sqlite3_errmsg(impl->db)));
  }
  sqlite3_busy_timeout(impl->db, 10000);
  RAMPART_RETURN_IF_ERROR(impl->Exec(sqlite::ConnectionPragmas(options).c_str()));
  RAMPART_RETURN_IF_ERROR(impl->Exec(kSchema));
  return std::unique_ptr<AuditBackend>(std::move(impl));
}

Result<std::vector<Entry>> SqliteAudit::AppendAll(const std::vector<EntryDraft>& drafts) {
  std::lock_guard lock(mutex);
  // BEGIN IMMEDIATE takes the write lock before reading the last hash, so two processes
  // appending at once cannot both extend the same predecessor.
  RAMPART_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  std::int64_t last_sequence = 0;
  std::string last_hash;
  {
    SqliteStatement last(db, "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1");
    if (sqlite3_step(last.get()) == SQLITE_ROW) {
      last_sequence = sqlite3_column_int64(last.get(), 0);
      last_hash = ColumnText(last.get(), 1);
    }
  }
  SqliteStatement insert(db,
                         "INSERT INTO audit_log (sequence, time, actor, action, subject, details, "
                         "previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  const std::string time = FormatTimestamp(clock->Now());
  std::vector<Entry> entries;
  entries.reserve(drafts.size());
  for (const EntryDraft& draft : drafts) {
    const std::string details_text = draft.details.dump();
    Entry entry = NextEntry(last_sequence, last_hash, time, draft, details_text);
    sqlite3_reset(insert.get());
    sqlite3_bind_int64(insert.get(), 1, entry.sequence);
    BindText(insert.get(), 2, entry.time);
    BindText(insert.get(), 3, entry.actor);
    BindText(insert.get(), 4, entry.action);
    BindText(insert.get(), 5, entry.subject);
    BindText(insert.get(), 6, details_text);
    BindText(insert.get(), 7, entry.previous_hash);
    BindText(insert.get(), 8, entry.hash);
    if (sqlite3_step(insert.get()) != SQLITE_DONE) {
      Status status = Error("append failed");
      (void)Exec("ROLLBACK");
      return status;
    }
    last_sequence = entry.sequence;
    last_hash = entry.hash;
    entries.push_back(std::move(entry));
  }
  RAMPART_RETURN_IF_ERROR(Exec("COMMIT"));
  return entries;
}

Result<std::vector<Entry>> SqliteAudit::ReadEntries(std::int64_t after_sequence, std::size_t limit,
                                                    std::vector<std::string>* details_texts) {
  std::lock_guard lock(mutex);
  SqliteStatement select(
      db,
      "SELECT sequence, time, actor, action, subject, details, previous_hash, hash "
      "FROM audit_log WHERE sequence > ? ORDER BY sequence LIMIT ?");
  sqlite3_bind_int64(select.get(), 1, after_sequence);
  sqlite3_bind_int64(select.get(), 2, static_cast<sqlite3_int64>(limit));
  std::vector<Entry> entries;
  int code = SQLITE_ROW;
  while ((code = sqlite3_step(select.get())) == SQLITE_ROW) {
    Entry entry;
    entry.sequence = sqlite3_column_int64(select.get(), 0);
    entry.time = ColumnText(select.get(), 1);
    entry.actor = ColumnText(select.get(), 2);
    entry.action = ColumnText(select.get(), 3);
    entry.subject = ColumnText(select.get(), 4);
    std::string details_text = ColumnText(select.get(), 5);
    entry.details = Json::parse(details_text, nullptr, false);
    if (details_texts != nullptr) {
      details_texts->push_back(std::move(details_text));
    }
    entry.previous_hash = ColumnText(select.get(), 6);
    entry.hash = ColumnText(select.get(), 7);
    entries.push_back(std::move(entry));
  }
  if (code != SQLITE_DONE) {
    return Error("read failed");
  }
  return entries;
}

}  // namespace rampart::store
