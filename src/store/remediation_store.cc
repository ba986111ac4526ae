#include "store/remediation_store.h"

#include <sqlite3.h>

#include <array>
#include <functional>
#include <mutex>

#include <fmt/format.h>

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

constexpr const char* kColumns =
    "id, idempotency_key, rule, target_index, action, dry_run, product_arn, finding_id, "
    "resource_id, state, attempts, max_attempts, next_attempt_at, lease_until, summary, diff, "
    "output, error, approved_by, decided_at, params, finding, event, rollback, created_at, "
    "updated_at, started_at, finished_at";

Json ParseStored(const std::string& text) {
  if (text.empty()) {
    return nullptr;
  }
  Json value = Json::parse(text, nullptr, false);
  return value.is_discarded() ? Json(nullptr) : value;
}

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
  record.params = ParseStored(ColumnText(statement, 20));
  record.finding = ParseStored(ColumnText(statement, 21));
  record.event = ParseStored(ColumnText(statement, 22));
  record.rollback = ParseStored(ColumnText(statement, 23));
  record.created_at = ColumnText(statement, 24);
  record.updated_at = ColumnText(statement, 25);
  record.started_at = ColumnText(statement, 26);
  record.finished_at = ColumnText(statement, 27);
  return record;
}

std::string Dump(const Json& value) { return value.is_null() ? "" : value.dump(); }

}  // namespace

std::string_view RemediationStateName(RemediationState state) {
  return kRemediationStates[static_cast<std::size_t>(state)];
}

std::optional<RemediationState> ParseRemediationState(std::string_view text) {
  for (std::size_t i = 0; i < kRemediationStates.size(); ++i) {
    if (kRemediationStates[i] == text) {
      return static_cast<RemediationState>(i);
    }
  }
  return std::nullopt;
}

Json RemediationToJson(const Remediation& r) {
  return Json{{"Id", r.id},
              {"IdempotencyKey", r.idempotency_key},
              {"Rule", r.rule},
              {"TargetIndex", r.target_index},
              {"Action", r.action},
              {"DryRun", r.dry_run},
              {"FindingProductArn", r.product_arn},
              {"FindingId", r.finding_id},
              {"ResourceId", r.resource_id},
              {"State", RemediationStateName(r.state)},
              {"Attempts", r.attempts},
              {"MaxAttempts", r.max_attempts},
              {"Summary", r.summary},
              {"Diff", r.diff},
              {"Output", r.output},
              {"Error", r.error},
              {"ApprovedBy", r.approved_by},
              {"DecidedAt", r.decided_at},
              {"Params", r.params},
              {"CreatedAt", r.created_at},
              {"UpdatedAt", r.updated_at},
              {"StartedAt", r.started_at},
              {"FinishedAt", r.finished_at}};
}

struct RemediationStore::Impl {
  SqliteDb db;
  const Clock* clock = nullptr;
  std::mutex mutex;

  std::string Now() const { return FormatTimestamp(clock->Now()); }

  Result<std::vector<Remediation>> Select(const std::string& where,
                                          const std::function<void(sqlite3_stmt*)>& bind) {
    SqliteStatement select(db.get(),
                           fmt::format("SELECT {} FROM remediations {}", kColumns, where));
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
    BindText(update.get(), 12, Dump(r.rollback));
    BindText(update.get(), 13, now);
    BindText(update.get(), 14, r.started_at);
    sqlite3_bind_int64(update.get(), 15, 0);
    if (auto started = ParseTimestamp(r.started_at)) {
      sqlite3_bind_int64(update.get(), 15, ToUnixMicros(*started));
    }
    BindText(update.get(), 16, r.finished_at);
    sqlite3_bind_int(update.get(), 17, r.dry_run ? 1 : 0);
    sqlite3_bind_int64(update.get(), 18, r.id);
    BindText(update.get(), 19, std::string(RemediationStateName(expected)));
    if (sqlite3_step(update.get()) != SQLITE_DONE) {
      return db.Error("update failed");
    }
    if (sqlite3_changes(db.get()) == 0) {
      return FailedPrecondition(
          fmt::format("remediation {} is no longer {}", r.id, RemediationStateName(expected)));
    }
    return Status::Ok();
  }
};

RemediationStore::RemediationStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RemediationStore::~RemediationStore() = default;

Result<std::unique_ptr<RemediationStore>> RemediationStore::Open(
    const std::string& path, const Clock& clock, const sqlite::OpenOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->clock = &clock;
  RAMPART_RETURN_IF_ERROR(impl->db.Open(path, "remediation store", options));
  RAMPART_RETURN_IF_ERROR(impl->db.Exec(kSchema));
  return std::unique_ptr<RemediationStore>(new RemediationStore(std::move(impl)));
}

Result<std::pair<Remediation, bool>> RemediationStore::Plan(const Remediation& r) {
  std::lock_guard lock(impl_->mutex);
  const std::string now = impl_->Now();
  SqliteStatement insert(
      impl_->db.get(),
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
  BindText(insert.get(), 12, Dump(r.params));
  BindText(insert.get(), 13, Dump(r.finding));
  BindText(insert.get(), 14, Dump(r.event));
  BindText(insert.get(), 15, now);
  sqlite3_bind_int64(insert.get(), 16, ToUnixMicros(impl_->clock->Now()));
  BindText(insert.get(), 17, now);
  if (sqlite3_step(insert.get()) != SQLITE_DONE) {
    return impl_->db.Error("plan failed");
  }
  const bool inserted = sqlite3_changes(impl_->db.get()) > 0;
  auto stored = impl_->Select("WHERE idempotency_key = ?",
                              [&](sqlite3_stmt* s) { BindText(s, 1, r.idempotency_key); });
  if (!stored) {
    return stored.status();
  }
  if (stored->empty()) {
    return Internal("planned remediation not found after insert");
  }
  return std::make_pair(std::move(stored->front()), inserted);
}

Result<std::optional<Remediation>> RemediationStore::Get(std::int64_t id) {
  std::lock_guard lock(impl_->mutex);
  auto records =
      impl_->Select("WHERE id = ?", [&](sqlite3_stmt* s) { sqlite3_bind_int64(s, 1, id); });
  if (!records) {
    return records.status();
  }
  if (records->empty()) {
    return std::optional<Remediation>();
  }
  return std::optional<Remediation>(std::move(records->front()));
}

Result<std::optional<Remediation>> RemediationStore::GetByKey(const std::string& key) {
  std::lock_guard lock(impl_->mutex);
  auto records =
      impl_->Select("WHERE idempotency_key = ?", [&](sqlite3_stmt* s) { BindText(s, 1, key); });
  if (!records) {
    return records.status();
  }
  if (records->empty()) {
    return std::optional<Remediation>();
  }
  return std::optional<Remediation>(std::move(records->front()));
}

Result<std::vector<Remediation>> RemediationStore::List(const RemediationFilter& filter) {
  std::lock_guard lock(impl_->mutex);
  const std::string state = filter.state ? std::string(RemediationStateName(*filter.state)) : "";
  return impl_->Select(
      "WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR rule = ?2) ORDER BY id DESC LIMIT ?3",
      [&](sqlite3_stmt* s) {
        BindText(s, 1, state);
        BindText(s, 2, filter.rule);
        sqlite3_bind_int64(s, 3, static_cast<sqlite3_int64>(filter.limit));
      });
}

Result<std::vector<Remediation>> RemediationStore::ClaimDue(std::size_t limit,
                                                            std::int64_t lease_us) {
  std::lock_guard lock(impl_->mutex);
  const std::int64_t now_us = ToUnixMicros(impl_->clock->Now());
  SqliteTransaction transaction(impl_->db);
  RAMPART_RETURN_IF_ERROR(transaction.Begin());
  auto due = impl_->Select(
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
    record.started_at = impl_->Now();
    RAMPART_RETURN_IF_ERROR(impl_->WriteAll(record, RemediationState::kPlanned));
  }
  RAMPART_RETURN_IF_ERROR(transaction.Commit());
  return due;
}

Status RemediationStore::Update(const Remediation& record, RemediationState expected) {
  std::lock_guard lock(impl_->mutex);
  return impl_->WriteAll(record, expected);
}

Result<Remediation> RemediationStore::Decide(std::int64_t id, bool approve,
                                             const std::string& who) {
  auto found = Get(id);
  if (!found) {
    return found.status();
  }
  if (!found->has_value()) {
    return NotFound(
        fmt::format("remediation {} does not exist; see rampart remediations list", id));
  }
  Remediation record = std::move(**found);
  if (record.state != RemediationState::kAwaitingApproval) {
    return FailedPrecondition(fmt::format("remediation {} is {}, not AWAITING_APPROVAL", id,
                                          RemediationStateName(record.state)));
  }
  record.approved_by = approve ? who : "";
  record.decided_at = impl_->Now();
  if (approve) {
    record.state = RemediationState::kPlanned;
    record.next_attempt_at_us = ToUnixMicros(impl_->clock->Now());
  } else {
    record.state = RemediationState::kFailed;
    record.error = fmt::format("rejected by {}", who);
    record.finished_at = record.decided_at;
  }
  RAMPART_RETURN_IF_ERROR(Update(record, RemediationState::kAwaitingApproval));
  return record;
}

Result<std::int64_t> RemediationStore::CountStartedSince(const std::string& rule,
                                                         std::int64_t since_us) {
  std::lock_guard lock(impl_->mutex);
  SqliteStatement count(impl_->db.get(),
                        "SELECT COUNT(*) FROM remediations WHERE rule = ? AND started_at_us >= ? "
                        "AND started_at_us > 0");
  BindText(count.get(), 1, rule);
  sqlite3_bind_int64(count.get(), 2, since_us);
  if (sqlite3_step(count.get()) != SQLITE_ROW) {
    return impl_->db.Error("count failed");
  }
  return static_cast<std::int64_t>(sqlite3_column_int64(count.get(), 0));
}

Result<bool> RemediationStore::RecentForResource(const std::string& rule,
                                                 const std::string& resource_id,
                                                 std::int64_t since_us,
                                                 const std::string& except_key) {
  std::lock_guard lock(impl_->mutex);
  SqliteStatement select(impl_->db.get(),
                         "SELECT 1 FROM remediations WHERE rule = ? AND resource_id = ? AND "
                         "created_at_us >= ? AND idempotency_key != ? LIMIT 1");
  BindText(select.get(), 1, rule);
  BindText(select.get(), 2, resource_id);
  sqlite3_bind_int64(select.get(), 3, since_us);
  BindText(select.get(), 4, except_key);
  const int code = sqlite3_step(select.get());
  if (code != SQLITE_ROW && code != SQLITE_DONE) {
    return impl_->db.Error("cool-down lookup failed");
  }
  return code == SQLITE_ROW;
}

Result<std::vector<std::pair<std::string, std::int64_t>>> RemediationStore::CountByState() {
  std::lock_guard lock(impl_->mutex);
  SqliteStatement select(impl_->db.get(),
                         "SELECT state, COUNT(*) FROM remediations GROUP BY state ORDER BY state");
  std::vector<std::pair<std::string, std::int64_t>> counts;
  int code = SQLITE_ROW;
  while ((code = sqlite3_step(select.get())) == SQLITE_ROW) {
    counts.emplace_back(ColumnText(select.get(), 0), sqlite3_column_int64(select.get(), 1));
  }
  if (code != SQLITE_DONE) {
    return impl_->db.Error("count failed");
  }
  return counts;
}

Result<std::int64_t> RemediationStore::RecoverAllRunning() {
  std::lock_guard lock(impl_->mutex);
  const std::int64_t now_us = ToUnixMicros(impl_->clock->Now());
  SqliteStatement update(impl_->db.get(),
                         "UPDATE remediations SET state = 'PLANNED', next_attempt_at = ?, "
                         "lease_until = 0 WHERE state = 'RUNNING'");
  sqlite3_bind_int64(update.get(), 1, now_us);
  if (sqlite3_step(update.get()) != SQLITE_DONE) {
    return impl_->db.Error("recovery of running remediations failed");
  }
  return static_cast<std::int64_t>(sqlite3_changes(impl_->db.get()));
}

Result<std::int64_t> RemediationStore::RecoverExpiredLeases() {
  std::lock_guard lock(impl_->mutex);
  const std::int64_t now_us = ToUnixMicros(impl_->clock->Now());
  SqliteStatement update(impl_->db.get(),
                         "UPDATE remediations SET state = 'PLANNED', next_attempt_at = ?, "
                         "lease_until = 0 WHERE state = 'RUNNING' AND lease_until < ?");
  sqlite3_bind_int64(update.get(), 1, now_us);
  sqlite3_bind_int64(update.get(), 2, now_us);
  if (sqlite3_step(update.get()) != SQLITE_DONE) {
    return impl_->db.Error("lease recovery failed");
  }
  return static_cast<std::int64_t>(sqlite3_changes(impl_->db.get()));
}

}  // namespace rampart::store
