#include "store/audit_log.h"

#include <sqlite3.h>

#include <mutex>

#include <fmt/format.h>

#include "core/hash.h"

namespace rampart::store {
namespace {

const std::string kZeroHash(64, '0');

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

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr); }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return statement_; }
  bool valid() const { return statement_ != nullptr; }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

std::string ColumnText(sqlite3_stmt* statement, int column) {
  const auto* text = sqlite3_column_text(statement, column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

void BindText(sqlite3_stmt* statement, int index, const std::string& text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

}  // namespace

struct AuditLog::Impl {
  sqlite3* db = nullptr;
  const Clock* clock = nullptr;
  std::mutex mutex;

  ~Impl() { sqlite3_close(db); }

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
};

std::string ComputeEntryHash(const Entry& entry, std::string_view details_text) {
  const std::string sequence = std::to_string(entry.sequence);
  return StableId({entry.previous_hash, sequence, entry.time, entry.actor, entry.action,
                   entry.subject, details_text},
                  64);
}

Json EntryToJson(const Entry& entry) {
  return Json{{"sequence", entry.sequence},
              {"time", entry.time},
              {"actor", entry.actor},
              {"action", entry.action},
              {"subject", entry.subject},
              {"details", entry.details},
              {"previous_hash", entry.previous_hash},
              {"hash", entry.hash}};
}

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() = default;

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path, const Clock& clock,
                                                 const sqlite::OpenOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->clock = &clock;
  if (sqlite3_open(path.c_str(), &impl->db) != SQLITE_OK) {
    return IoError(fmt::format("{}: cannot open audit log: {}", path, sqlite3_errmsg(impl->db)));
  }
  sqlite3_busy_timeout(impl->db, 10000);
  RAMPART_RETURN_IF_ERROR(impl->Exec(sqlite::ConnectionPragmas(options).c_str()));
  RAMPART_RETURN_IF_ERROR(impl->Exec(kSchema));
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

Result<Entry> AuditLog::Append(const std::string& actor, const std::string& action,
                               const std::string& subject, const Json& details) {
  std::lock_guard lock(impl_->mutex);
  // BEGIN IMMEDIATE takes the write lock before reading the last hash, so two processes
  // appending at once cannot both extend the same predecessor.
  RAMPART_RETURN_IF_ERROR(impl_->Exec("BEGIN IMMEDIATE"));
  Entry entry;
  entry.previous_hash = kZeroHash;
  {
    Statement last(impl_->db,
                   "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1");
    if (sqlite3_step(last.get()) == SQLITE_ROW) {
      entry.sequence = sqlite3_column_int64(last.get(), 0);
      entry.previous_hash = ColumnText(last.get(), 1);
    }
  }
  entry.sequence += 1;
  entry.time = FormatTimestamp(impl_->clock->Now());
  entry.actor = actor;
  entry.action = action;
  entry.subject = subject;
  entry.details = details;
  const std::string details_text = details.dump();
  entry.hash = ComputeEntryHash(entry, details_text);

  Statement insert(impl_->db,
                   "INSERT INTO audit_log (sequence, time, actor, action, subject, details, "
                   "previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_bind_int64(insert.get(), 1, entry.sequence);
  BindText(insert.get(), 2, entry.time);
  BindText(insert.get(), 3, entry.actor);
  BindText(insert.get(), 4, entry.action);
  BindText(insert.get(), 5, entry.subject);
  BindText(insert.get(), 6, details_text);
  BindText(insert.get(), 7, entry.previous_hash);
  BindText(insert.get(), 8, entry.hash);
  if (sqlite3_step(insert.get()) != SQLITE_DONE) {
    Status status = impl_->Error("append failed");
    (void)impl_->Exec("ROLLBACK");
    return status;
  }
  RAMPART_RETURN_IF_ERROR(impl_->Exec("COMMIT"));
  return entry;
}

Result<std::vector<Entry>> AuditLog::Entries(std::int64_t after_sequence, std::size_t limit) {
  return ReadEntries(after_sequence, limit, nullptr);
}

Result<std::vector<Entry>> AuditLog::ReadEntries(std::int64_t after_sequence, std::size_t limit,
                                                 std::vector<std::string>* details_texts) {
  std::lock_guard lock(impl_->mutex);
  Statement select(impl_->db,
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
    return impl_->Error("read failed");
  }
  return entries;
}

Result<VerifyReport> AuditLog::Verify() {
  VerifyReport report;
  std::string previous = kZeroHash;
  std::int64_t after = 0;
  while (true) {
    std::vector<std::string> texts;
    auto batch = ReadEntries(after, 10000, &texts);
    if (!batch) {
      return batch.status();
    }
    if (batch->empty()) {
      return report;
    }
    for (std::size_t i = 0; i < batch->size(); ++i) {
      const Entry& entry = (*batch)[i];
      const std::int64_t expected_sequence = report.entries + 1;
      std::string problem;
      if (entry.sequence != expected_sequence) {
        problem = fmt::format("expected sequence {}, found {}: an entry was removed or moved",
                              expected_sequence, entry.sequence);
      } else if (entry.previous_hash != previous) {
        problem = "previous_hash does not match the hash of the entry before it";
      } else if (entry.details.is_discarded() || ComputeEntryHash(entry, texts[i]) != entry.hash) {
        problem = "hash does not match the entry's contents: the entry was edited";
      }
      if (!problem.empty()) {
        report.ok = false;
        report.first_bad_sequence = entry.sequence;
        report.problem = std::move(problem);
        return report;
      }
      previous = entry.hash;
      report.entries += 1;
      after = entry.sequence;
    }
  }
}

Status AuditLog::Export(std::ostream& out) {
  std::int64_t after = 0;
  while (true) {
    auto batch = Entries(after, 10000);
    if (!batch) {
      return batch.status();
    }
    if (batch->empty()) {
      return Status::Ok();
    }
    for (const Entry& entry : *batch) {
      out << EntryToJson(entry).dump() << '\n';
      after = entry.sequence;
    }
  }
}

}  // namespace rampart::store
