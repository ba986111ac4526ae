// Remediation records in a SQLite database file.
#include <sqlite3.h>

#include <functional>
#include <mutex>

#include <fmt/format.h>

#include "store/remediation_backend.h"
#include "store/sqlite_support.h"

namespace rampart::store {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS remediations (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key  TEXT NOT NULL UNIQUE,
  rule             TEXT NOT NULL,
  target_index     INTEGER NOT NULL,
  action           TEXT NOT NULL,
  dry_run          INTEGER NOT NULL,
  product_arn      TEXT NOT NULL,
  finding_id       TEXT NOT NULL,
  resource_id      TEXT NOT NULL,
  state            TEXT NOT NULL,
  attempts         INTEGER NOT NULL,
  max_attempts     INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,
  lease_until      INTEGER NOT NULL,
  summary          TEXT NOT NULL,
  diff             TEXT NOT NULL,
  output           TEXT NOT NULL,
  error            TEXT NOT NULL,
  approved_by      TEXT NOT NULL,
  decided_at       TEXT NOT NULL,
  params           TEXT NOT NULL,
  finding          TEXT NOT NULL,
  event            TEXT NOT NULL,
  rollback         TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  created_at_us    INTEGER NOT NULL,
  updated_at       TEXT NOT NULL,
  started_at       TEXT NOT NULL,
  started_at_us    INTEGER NOT NULL,
  finished_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS remediations_due ON remediations(state, next_attempt_at);
CREATE INDEX IF NOT EXISTS remediations_rule ON remediations(rule, started_at_us);
CREATE INDEX IF NOT EXISTS remediations_resource ON remediations(rule, resource_id, created_at_us);
)sql";

Remediation ReadRecord(sqlite3_stmt* statement) {
  Remediation record;
  record.id = sqlite3_column_int64(statement, 0);
  record.idempotency_key = ColumnText(statement, 1);
  record.rule = ColumnText(statement, 2);
  record.target_index = sqlite3_column_int(statement, 3);
  record.action = ColumnText(statement, 4);
  record.dry_run = sqlite3_column_int(statement, 5) != 0;
  record.product_arn = ColumnText(statement, 6);
  record.finding_id = ColumnText(statement, 7);
  record.resource_id = ColumnText(statement, 8);
  record.state =
      ParseRemediationState(ColumnText(statement, 9)).value_or(RemediationState::kFailed);
  record.attempts = sqlite3_column_int(statement, 10);
  record.max_attempts = sqlite3_column_int(statement, 11);
  record.next_attempt_at_us = sqlite3_column_int64(statement, 12);
  record.lease_until_us = sqlite3_column_int64(statement, 13);
  record.summary = ColumnText(statement, 14);
  record.diff = ColumnText(statement, 15);
  record.output = ColumnText(statement, 16);
  record.error = ColumnText(statement, 17);
  record.approved_by = ColumnText(statement, 18);
  record.decided_at = ColumnText(statement, 19);
  record.params = ParseStoredJson(ColumnText(statement, 20));
  record.finding = ParseStoredJson(ColumnText(statement, 21));
  record.event = ParseStoredJson(ColumnText(statement, 22));
  record.rollback = ParseStoredJson(ColumnText(statement, 23));
  record.created_at = ColumnText(statement, 24);
  record.updated_at = ColumnText(statement, 25);
  record.started_at = ColumnText(statement, 26);
  record.finished_at = ColumnText(statement, 27);
  return record;
}

class SqliteRemediations final : public RemediationBackend {
 public:
  SqliteDb db;
  const Clock* clock = nullptr;
  std::mutex mutex;

  std::string Now() const { return FormatTimestamp(clock->Now()); }

  Result<std::vector<Remediation>> Select(const std::string& where,
                                          const std::function<void(sqlite3_stmt*)>& bind) {
    SqliteStatement select(
        db.get(), fmt::format("SELECT {} FROM remediations {}", kRemediationColumns, where));
    if (!select.valid()) {
      return db.Error("prepare failed");
    }
    bind(select.get());
    std::vector<Remediation> records;
    int code = SQLITE_ROW;
    while ((code = sqlite3_step(select.get())) == SQLITE_ROW) {
      records.push_back(ReadRecord(select.get()));
    }
    if (code != SQLITE_DONE) {
      return db.Error("read failed");
    }
    return records;
  }

  Status WriteAll(const Remediation& r, RemediationState expected) {
    SqliteStatement update(
        db.get(),
        "UPDATE remediations SET state=?, attempts=?, max_attempts=?, next_attempt_at=?, "
        "lease_until=?, summary=?, diff=?, output=?, error=?, approved_by=?, decided_at=?, "
        "rollback=?, updated_at=?, started_at=?, started_at_us=?, finished_at=?, dry_run=? "
        "WHERE id=? AND state=?");
    const std::string now = Now();
    BindText(update.get(), 1, std::string(RemediationStateName(r.state)));
    sqlite3_bind_int(update.get(), 2, r.attempts);
    sqlite3_bind_int(update.get(), 3, r.max_attempts);
    sqlite3_bind_int64(update.get(), 4, r.next_attempt_at_us);
    sqlite3_bind_int64(update.get(), 5, r.lease_until_us);
    BindText(update.get(), 6, r.summary);
    BindText(update.get(), 7, r.diff);
    BindText(update.get(), 8, r.output);
    BindText(update.get(), 9, r.error);
    BindText(update.get(), 10, r.approved_by);
    BindText(update.get(), 11, r.decided_at);
    BindText(update.get(), 12, DumpStoredJson(r.rollback));
    BindText(update.get(), 13, now);
    BindText(update.get(), 14, r.started_at);
    sqlite3_bind_int64(update.get(), 15, StoredMicros(r.started_at));
    BindText(update.get(), 16, r.finished_at);
    sqlite3_bind_int(update.get(), 17, r.dry_run ? 1 : 0);
    sqlite3_bind_int64(update.get(), 18, r.id);
    BindText(update.get(), 19, std::string(RemediationStateName(expected)));
    if (sqlite3_step(update.get()) != SQLITE_DONE) {
      return db.Error("update failed");
    }
    if (sqlite3_changes(db.get()) == 0) {
      return StateChanged(r.id, expected);
    }
    return Status::Ok();
  }

  Result<std::pair<Remediation, bool>> Plan(const Remediation& record) override;
  Result<std::optional<Remediation>> Get(std::int64_t id) override;
  Result<std::optional<Remediation>> GetByKey(const std::string& key) override;
  Result<std::vector<Remediation>> List(const RemediationFilter& filter) override;
  Result<std::vector<Remediation>> ClaimDue(std::size_t limit, std::int64_t lease_us) override;
  Status Update(const Remediation& record, RemediationState expected) override;
  Result<std::int64_t> CountStartedSince(const std::string& rule, std::int64_t since_us) override;
  Result<bool> RecentForResource(const std::string& rule, const std::string& resource_id,
                                 std::int64_t since_us, const std::string& except_key) override;
  Result<std::vector<std::pair<std::string, std::int64_t>>> CountByState() override;
  Result<std::int64_t> RecoverExpiredLeases() override;
  Result<std::int64_t> RecoverAllRunning() override;
};

}  // namespace

Result<std::pair<Remediation, bool>> SqliteRemediations::Plan(const Remediation& r) {
  std::lock_guard lock(mutex);
  const std::string now = Now();
  SqliteStatement insert(
      db.get(),
      "INSERT OR IGNORE INTO remediations (idempotency_key, rule, target_index, action, dry_run, "
      "product_arn, finding_id, resource_id, state, attempts, max_attempts, next_attempt_at, "
      "lease_until, summary, diff, output, error, approved_by, decided_at, params, finding, "
      "event, rollback, created_at, created_at_us, updated_at, started_at, started_at_us, "
      "finished_at) VALUES (?,?,?,?,?,?,?,?,?,0,?,?,0,'','','','','','',?,?,?,'',?,?,?,'',0,'')");
  BindText(insert.get(), 1, r.idempotency_key);
  BindText(insert.get(), 2, r.rule);
  sqlite3_bind_int(insert.get(), 3, r.target_index);
  BindText(insert.get(), 4, r.action);
  sqlite3_bind_int(insert.get(), 5, r.dry_run ? 1 : 0);
  BindText(insert.get(), 6, r.product_arn);
  BindText(insert.get(), 7, r.finding_id);
  BindText(insert.get(), 8, r.resource_id);
  BindText(insert.get(), 9, std::string(RemediationStateName(r.state)));
  sqlite3_bind_int(insert.get(), 10, r.max_attempts);
  sqlite3_bind_int64(insert.get(), 11, r.next_attempt_at_us);
  BindText(insert.get(), 12, DumpStoredJson(r.params));
  BindText(insert.get(), 13, DumpStoredJson(r.finding));
  BindText(insert.get(), 14, DumpStoredJson(r.event));
  BindText(insert.get(), 15, now);
  sqlite3_bind_int64(insert.get(), 16, ToUnixMicros(clock->Now()));
  BindText(insert.get(), 17, now);
  if (sqlite3_step(insert.get()) != SQLITE_DONE) {
    return db.Error("plan failed");
  }
  const bool inserted = sqlite3_changes(db.get()) > 0;
  auto stored = Select("WHERE idempotency_key = ?",
                       [&](sqlite3_stmt* s) { BindText(s, 1, r.idempotency_key); });
  if (!stored) {
    return stored.status();
  }
  if (stored->empty()) {
    return Internal("planned remediation not found after insert");
  }
  return std::make_pair(std::move(stored->front()), inserted);
}

Result<std::optional<Remediation>> SqliteRemediations::Get(std::int64_t id) {
  std::lock_guard lock(mutex);
  auto records = Select("WHERE id = ?", [&](sqlite3_stmt* s) { sqlite3_bind_int64(s, 1, id); });
  if (!records) {
    return records.status();
  }
  if (records->empty()) {
    return std::optional<Remediation>();
  }
  return std::optional<Remediation>(std::move(records->front()));
}

Result<std::optional<Remediation>> SqliteRemediations::GetByKey(const std::string& key) {
  std::lock_guard lock(mutex);
  auto records = Select("WHERE idempotency_key = ?", [&](sqlite3_stmt* s) { BindText(s, 1, key); });
  if (!records) {
    return records.status();
  }
  if (records->empty()) {
    return std::optional<Remediation>();
  }
  return std::optional<Remediation>(std::move(records->front()));
}

Result<std::vector<Remediation>> SqliteRemediations::List(const RemediationFilter& filter) {
  std::lock_guard lock(mutex);
  const std::string state = filter.state ? std::string(RemediationStateName(*filter.state)) : "";
  return Select(
      "WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR rule = ?2) ORDER BY id DESC LIMIT ?3",
      [&](sqlite3_stmt* s) {
        BindText(s, 1, state);
        BindText(s, 2, filter.rule);
        sqlite3_bind_int64(s, 3, static_cast<sqlite3_int64>(filter.limit));
      });
}

Result<std::vector<Remediation>> SqliteRemediations::ClaimDue(std::size_t limit,
                                                              std::int64_t lease_us) {
  std::lock_guard lock(mutex);
  const std::int64_t now_us = ToUnixMicros(clock->Now());
  SqliteTransaction transaction(db);
  RAMPART_RETURN_IF_ERROR(transaction.Begin());
  auto due = Select(
      "WHERE state = 'PLANNED' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
      [&](sqlite3_stmt* s) {
        sqlite3_bind_int64(s, 1, now_us);
        sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(limit));
      });
  if (!due) {
    return due.status();
  }
  for (Remediation& record : *due) {
    record.state = RemediationState::kRunning;
    record.attempts += 1;
    record.lease_until_us = now_us + lease_us;
    record.started_at = Now();
    RAMPART_RETURN_IF_ERROR(WriteAll(record, RemediationState::kPlanned));
  }
  RAMPART_RETURN_IF_ERROR(transaction.Commit());
  return due;
}

Status SqliteRemediations::Update(const Remediation& record, RemediationState expected) {
  std::lock_guard lock(mutex);
  return WriteAll(record, expected);
}

Result<std::int64_t> SqliteRemediations::CountStartedSince(const std::string& rule,
                                                           std::int64_t since_us) {
  std::lock_guard lock(mutex);
  SqliteStatement count(db.get(),
                        "SELECT COUNT(*) FROM remediations WHERE rule = ? AND started_at_us >= ? "
                        "AND started_at_us > 0");
  BindText(count.get(), 1, rule);
  sqlite3_bind_int64(count.get(), 2, since_us);
  if (sqlite3_step(count.get()) != SQLITE_ROW) {
    return db.Error("count failed");
  }
  return static_cast<std::int64_t>(sqlite3_column_int64(count.get(), 0));
}

Result<bool> SqliteRemediations::RecentForResource(const std::string& rule,
                                                   const std::string& resource_id,
                                                   std::int64_t since_us,
                                                   const std::string& except_key) {
  std::lock_guard lock(mutex);
  SqliteStatement select(db.get(),
                         "SELECT 1 FROM remediations WHERE rule = ? AND resource_id = ? AND "
                         "created_at_us >= ? AND idempotency_key != ? LIMIT 1");
  BindText(select.get(), 1, rule);
  BindText(select.get(), 2, resource_id);
  sqlite3_bind_int64(select.get(), 3, since_us);
  BindText(select.get(), 4, except_key);
  const int code = sqlite3_step(select.get());
  if (code != SQLITE_ROW && code != SQLITE_DONE) {
    return db.Error("cool-down lookup failed");
  }
  return code == SQLITE_ROW;
}

Result<std::vector<std::pair<std::string, std::int64_t>>> SqliteRemediations::CountByState() {
  std::lock_guard lock(mutex);
  SqliteStatement select(db.get(),
                         "SELECT state, COUNT(*) FROM remediations GROUP BY state ORDER BY state");
  std::vector<std::pair<std::string, std::int64_t>> counts;
  int code = SQLITE_ROW;
  while ((code = sqlite3_step(select.get())) == SQLITE_ROW) {
    counts.emplace_back(ColumnText(select.get(), 0), sqlite3_column_int64(select.get(), 1));
  }
  if (code != SQLITE_DONE) {
    return db.Error("count failed");
  }
  return counts;
}

Result<std::int64_t> SqliteRemediations::RecoverAllRunning() {
  std::lock_guard lock(mutex);
  const std::int64_t now_us = ToUnixMicros(clock->Now());
  SqliteStatement update(db.get(),
                         "UPDATE remediations SET state = 'PLANNED', next_attempt_at = ?, "
                         "lease_until = 0 WHERE state = 'RUNNING'");
  sqlite3_bind_int64(update.get(), 1, now_us);
  if (sqlite3_step(update.get()) != SQLITE_DONE) {
    return db.Error("recovery of running remediations failed");
  }
  return static_cast<std::int64_t>(sqlite3_changes(db.get()));
}

Result<std::int64_t> SqliteRemediations::RecoverExpiredLeases() {
  std::lock_guard lock(mutex);
  const std::int64_t now_us = ToUnixMicros(clock->Now());
  SqliteStatement update(db.get(),
                         "UPDATE remediations SET state = 'PLANNED', next_attempt_at = ?, "
                         "lease_until = 0 WHERE state = 'RUNNING' AND lease_until < ?");
  sqlite3_bind_int64(update.get(), 1, now_us);
  sqlite3_bind_int64(update.get(), 2, now_us);
  if (sqlite3_step(update.get()) != SQLITE_DONE) {
    return db.Error("lease recovery failed");
  }
  return static_cast<std::int64_t>(sqlite3_changes(db.get()));
}

Result<std::unique_ptr<RemediationBackend>> OpenSqliteRemediations(
    const std::string& path, const Clock& clock, const sqlite::OpenOptions& options) {
  auto store = std::make_unique<SqliteRemediations>();
  store->clock = &clock;
  RAMPART_RETURN_IF_ERROR(store->db.Open(path, "remediation store", options));
  RAMPART_RETURN_IF_ERROR(store->db.Exec(kSchema));
  return std::unique_ptr<RemediationBackend>(std::move(store));
}

}  // namespace rampart::store
