#include "store/sqlite_schema.h"

#include <fmt/format.h>

#include <span>

namespace rampart::store::sqlite {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Append new migrations at the end; never edit one that has shipped.
constexpr Migration kMigrations[] = {
    {1, R"sql(
-- One row per finding: the whole ASFF document, and copies of the attributes that filters,
-- sorting and rules use most, each indexed. Timestamps are microseconds since the Unix
-- epoch. A missing Compliance.Status is stored as '' so every indexed column is NOT NULL.
-- Findings are found by id_hash, a 64-bit FNV-1a hash of Id: its index is a tenth of the
-- size of one on (ProductArn, Id), which matters because Ids arrive in random order. The
-- store keeps (ProductArn, Id) unique itself: it looks a finding up before inserting it,
-- inside the write transaction.
CREATE TABLE findings (
  seq INTEGER PRIMARY KEY,
  product_arn TEXT NOT NULL,
  id TEXT NOT NULL,
  id_hash INTEGER NOT NULL,
  generator_id TEXT NOT NULL,
  aws_account_id TEXT NOT NULL,
  severity_label TEXT NOT NULL,
  severity_normalized INTEGER NOT NULL,
  workflow_status TEXT NOT NULL,
  record_state TEXT NOT NULL,
  compliance_status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  customer_fields INTEGER NOT NULL DEFAULT 0,
  document TEXT NOT NULL
);
CREATE INDEX findings_id_hash ON findings (id_hash);
-- Equality filters on these columns usually come with the default sort, newest first.
CREATE INDEX findings_product_arn ON findings (product_arn, updated_at);
CREATE INDEX findings_severity_label ON findings (severity_label, updated_at);
CREATE INDEX findings_severity_normalized ON findings (severity_normalized, updated_at);
CREATE INDEX findings_workflow_status ON findings (workflow_status, updated_at);
CREATE INDEX findings_record_state ON findings (record_state, updated_at);
CREATE INDEX findings_compliance_status ON findings (compliance_status, updated_at);
CREATE INDEX findings_aws_account_id ON findings (aws_account_id, updated_at);
CREATE INDEX findings_generator_id ON findings (generator_id, updated_at);
CREATE INDEX findings_updated_at ON findings (updated_at);
CREATE INDEX findings_created_at ON findings (created_at);

-- Resources[] and Vulnerabilities[] as rows, keyed for the lookups that filters make:
-- findings by resource type, by resource id and by vulnerability id.
CREATE TABLE finding_resources (
  type TEXT NOT NULL,
  finding_seq INTEGER NOT NULL,
  position INTEGER NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (type, finding_seq, position)
) WITHOUT ROWID;
CREATE INDEX finding_resources_id ON finding_resources (id, finding_seq);

CREATE TABLE finding_vulnerabilities (
  vulnerability_id TEXT NOT NULL,
  finding_seq INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (vulnerability_id, finding_seq, position)
) WITHOUT ROWID;

-- Every accepted change, in the shape of Security Hub's finding history. `updates` is a
-- JSON array of {"UpdatedField", "OldValue", "NewValue"}.
CREATE TABLE finding_history (
  seq INTEGER PRIMARY KEY,
  finding_seq INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  source_type TEXT NOT NULL,
  identity TEXT NOT NULL,
  finding_created INTEGER NOT NULL,
  updates TEXT NOT NULL
);
CREATE INDEX finding_history_finding ON finding_history (finding_seq, seq);

-- EventBridge events written in the transaction of the change they describe. AUTOINCREMENT
-- keeps sequences from being reused after delivered events are pruned.
CREATE TABLE outbox (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  event TEXT NOT NULL,
  claimed_by TEXT,
  claimed_until INTEGER,
  delivered_at INTEGER
);
CREATE INDEX outbox_pending ON outbox (sequence) WHERE delivered_at IS NULL;
)sql"},
    {2, R"sql(
-- The event of a finding change no longer copies the finding: its outbox row has event = ''
-- and finding_seq, and the event text is built from the finding's row when it is read.
-- findings.event_sequence is the outbox event (0 for none) that refers to the current
-- document. Before the document changes, the store writes that event out in full, so every
-- event keeps the document as it was at its change.
ALTER TABLE outbox ADD COLUMN finding_seq INTEGER;
ALTER TABLE findings ADD COLUMN event_sequence INTEGER NOT NULL DEFAULT 0;
-- The creation of a finding is no longer a row of finding_history: History reports it from
-- created_time (microseconds since the Unix epoch) and created_by (NULL when the actor was
-- the ProductArn). Findings created before version 2 have created_time NULL, and their
-- creation stays in finding_history.
ALTER TABLE findings ADD COLUMN created_time INTEGER;
ALTER TABLE findings ADD COLUMN created_by TEXT;
)sql"},
    {3, R"sql(
-- The store's identity, drawn once at random: every process that opens the store reads the
-- same value, and the names of the store's NATS stream include it.
CREATE TABLE store_identity (id TEXT NOT NULL);
INSERT INTO store_identity VALUES (lower(hex(randomblob(16))));
)sql"},
};

Result<int> ReadVersion(Database& db) {
  auto statement = db.Prepare("PRAGMA user_version");
  if (!statement) {
    return statement.status();
  }
  auto row = (*statement)->Step();
  if (!row) {
    return row.status();
  }
  const int version = *row ? static_cast<int>((*statement)->ColumnInt64(0)) : 0;
  (*statement)->Reset();
  return version;
}

}  // namespace

int CurrentSchemaVersion() { return std::span(kMigrations).back().version; }

Status Migrate(Database& db) { return MigrateTo(db, CurrentSchemaVersion()); }

Status MigrateTo(Database& db, int target_version) {
  auto transaction = Transaction::Begin(db, TransactionMode::kWrite);
  if (!transaction) {
    return transaction.status();
  }
  auto version = ReadVersion(db);
  if (!version) {
    return version.status();
  }
  if (*version > CurrentSchemaVersion()) {
    return FailedPrecondition(fmt::format(
        "{}: the database has schema version {}, newer than the {} this rampart writes; "
        "use a newer rampart",
        db.path(), *version, CurrentSchemaVersion()));
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *version || migration.version > target_version) {
      continue;
    }
    Status status = db.Execute(migration.sql);
    if (!status.ok()) {
      return status.WithContext(fmt::format("schema migration {}", migration.version));
    }
    RAMPART_RETURN_IF_ERROR(db.Execute(fmt::format("PRAGMA user_version = {}", migration.version)));
  }
  return (*transaction)->Commit();
}

}  // namespace rampart::store::sqlite
