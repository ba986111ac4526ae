// The outbox of the SQLite finding store: reading, claiming and acknowledging events.
#include <algorithm>

#include <fmt/format.h>

#include "store/event.h"
#include "store/json_writer.h"
#include "store/sqlite_finding_store.h"

namespace rampart::store {
namespace {

using sqlite::Statement;
using sqlite::Transaction;
using sqlite::TransactionMode;

// An event of a finding change is stored as event = '' with the finding's seq, and its text
// is built from the finding's row when it is read (see schema version 2).
constexpr std::string_view kSelectFindingEvent =
    "SELECT event_id, created_at FROM outbox WHERE sequence = ?1 AND event = ''";
constexpr std::string_view kWriteOutEvent = "UPDATE outbox SET event = ?2 WHERE sequence = ?1";
// The envelope fields of an event: ProductArn, Id and AwsAccountId are columns, and Region
// is read from the document, as "" unless it is a string.
constexpr std::string_view kSelectEventFinding =
    "SELECT document, product_arn, id, aws_account_id, "
    "CASE json_type(document, '$.Region') WHEN 'text' THEN json_extract(document, '$.Region') "
    "ELSE '' END FROM findings WHERE seq = ?1";
constexpr std::string_view kReadEvents =
    "SELECT sequence, event_id, created_at, event, finding_seq FROM outbox WHERE sequence > ?1 "
    "ORDER BY sequence LIMIT ?2";
// SQLite serializes writers, so the claim needs no row locks; PostgreSQL runs the inner
// SELECT with FOR UPDATE SKIP LOCKED instead.
constexpr std::string_view kClaimEvents =
    "UPDATE outbox SET claimed_by = ?1, claimed_until = ?2 WHERE sequence IN ("
    "SELECT sequence FROM outbox WHERE delivered_at IS NULL "
    "AND (claimed_until IS NULL OR claimed_until <= ?3 OR claimed_by = ?1) "
    "ORDER BY sequence LIMIT ?4) "
    "RETURNING sequence, event_id, created_at, event, finding_seq";
constexpr std::string_view kMarkDelivered =
    "UPDATE outbox SET delivered_at = ?2, claimed_by = NULL, claimed_until = NULL "
    "WHERE sequence = ?1 AND delivered_at IS NULL";
constexpr std::string_view kInsertPublished =
    "INSERT INTO outbox (event_id, created_at, event) VALUES (?1, ?2, ?3)";
constexpr std::string_view kPruneDelivered =
    "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND created_at < ?1";

// Reads every row of an (sequence, event_id, created_at, event, finding_seq) result, and the
// finding_seq of each event into `finding_seqs` (0 for an event stored in full).
Result<std::vector<OutboxEvent>> ReadRows(Statement& statement,
                                          std::vector<std::int64_t>& finding_seqs) {
  std::vector<OutboxEvent> events;
  finding_seqs.clear();
  while (true) {
    auto row = statement.Step();
    if (!row) {
      return row.status();
    }
    if (!*row) {
      break;
    }
    events.push_back({statement.ColumnInt64(0), std::string(statement.ColumnText(1)),
                      FromUnixMicros(statement.ColumnInt64(2)),
                      std::string(statement.ColumnText(3))});
    finding_seqs.push_back(events.back().event.empty() ? statement.ColumnInt64(4) : 0);
  }
  statement.Reset();
  return events;
}

}  // namespace

Result<std::int64_t> SqliteFindingStore::PublishEvent(const Json& event) {
  RAMPART_RETURN_IF_ERROR(CheckPublishedEvent(event));
  std::string text;
  if (!WriteJson(event, text)) {
    return InvalidArgument(fmt::format("PublishEvent: event {} holds text that is not valid UTF-8",
                                       event["id"].get<std::string>()));
  }
  auto statement = db_->Prepare(kInsertPublished);
  if (!statement) {
    return statement.status();
  }
  Statement& insert = **statement;
  insert.BindText(1, event["id"].get<std::string>());
  insert.BindInt64(2, ToUnixMicros(clock_->Now()));
  insert.BindText(3, text);
  RAMPART_RETURN_IF_ERROR(insert.Run());
  const std::int64_t sequence = db_->LastInsertRowId();
  NotifyOutbox();
  return sequence;
}

Result<std::vector<OutboxEvent>> SqliteFindingStore::ReadEvents(std::int64_t after_sequence,
                                                                std::size_t limit) {
  // One snapshot for the events and the findings their texts are built from.
  auto transaction = Transaction::Begin(*db_, TransactionMode::kRead);
  if (!transaction) {
    return transaction.status();
  }
  auto statement = db_->Prepare(kReadEvents);
  if (!statement) {
    return statement.status();
  }
  (*statement)->BindInt64(1, after_sequence);
  (*statement)->BindInt64(2, static_cast<std::int64_t>(limit));
  std::vector<std::int64_t> finding_seqs;
  auto events = ReadRows(**statement, finding_seqs);
  if (!events) {
    return events.status();
  }
  RAMPART_RETURN_IF_ERROR(BuildFindingEvents(*events, finding_seqs));
  RAMPART_RETURN_IF_ERROR((*transaction)->Commit());
  return events;
}

Result<std::vector<OutboxEvent>> SqliteFindingStore::ClaimEvents(std::string_view consumer,
                                                                 std::size_t limit,
                                                                 std::chrono::seconds lease) {
  if (consumer.empty()) {
    return InvalidArgument("ClaimEvents: the consumer must be named");
  }
  const TimePoint now = clock_->Now();
  auto transaction = Transaction::Begin(*db_, TransactionMode::kWrite);
  if (!transaction) {
    return transaction.status();
  }
  auto statement = db_->Prepare(kClaimEvents);
  if (!statement) {
    return statement.status();
  }
  Statement& claim = **statement;
  claim.BindText(1, consumer);
  claim.BindInt64(2, ToUnixMicros(now + lease));
  claim.BindInt64(3, ToUnixMicros(now));
  claim.BindInt64(4, static_cast<std::int64_t>(limit));
  std::vector<std::int64_t> finding_seqs;
  auto events = ReadRows(claim, finding_seqs);
  if (!events) {
    return events.status();
  }
  RAMPART_RETURN_IF_ERROR(BuildFindingEvents(*events, finding_seqs));
  RAMPART_RETURN_IF_ERROR((*transaction)->Commit());
  // RETURNING gives rows in no defined order.
  std::sort(events->begin(), events->end(),
            [](const OutboxEvent& a, const OutboxEvent& b) { return a.sequence < b.sequence; });
  return events;
}

Status SqliteFindingStore::MarkDelivered(std::span<const std::int64_t> sequences) {
  const TimePoint now = clock_->Now();
  auto transaction = Transaction::Begin(*db_, TransactionMode::kWrite);
  if (!transaction) {
    return transaction.status();
  }
  for (const std::int64_t sequence : sequences) {
    auto statement = db_->Prepare(kMarkDelivered);
    if (!statement) {
      return statement.status();
    }
    (*statement)->BindInt64(1, sequence);
    (*statement)->BindInt64(2, ToUnixMicros(now));
    RAMPART_RETURN_IF_ERROR((*statement)->Run());
  }
  return (*transaction)->Commit();
}

Status SqliteFindingStore::WriteOutEvent(const StoredFinding& stored, const Json& previous) {
  if (stored.event_sequence == 0) {
    return Status::Ok();
  }
  auto select = db_->Prepare(kSelectFindingEvent);
  if (!select) {
    return select.status();
  }
  (*select)->BindInt64(1, stored.event_sequence);
  auto row = (*select)->Step();
  if (!row) {
    return row.status();
  }
  if (!*row) {
    return Status::Ok();  // pruned after delivery
  }
  WriteImportedEvent(previous, stored.document, (*select)->ColumnText(0),
                     FromUnixMicros((*select)->ColumnInt64(1)), event_text_);
  (*select)->Reset();
  auto update = db_->Prepare(kWriteOutEvent);
  if (!update) {
    return update.status();
  }
  (*update)->BindInt64(1, stored.event_sequence);
  (*update)->BindTextNoCopy(2, event_text_);
  return (*update)->Run();
}

Status SqliteFindingStore::BuildFindingEvents(std::vector<OutboxEvent>& events,
                                              const std::vector<std::int64_t>& finding_seqs) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (finding_seqs[i] == 0) {
      continue;
    }
    auto statement = db_->Prepare(kSelectEventFinding);
    if (!statement) {
      return statement.status();
    }
    Statement& select = **statement;
    select.BindInt64(1, finding_seqs[i]);
    auto row = select.Step();
    if (!row) {
      return row.status();
    }
    if (!*row) {
      return Internal(fmt::format("{}: outbox event {} refers to finding {}, which is missing",
                                  db_->path(), events[i].sequence, finding_seqs[i]));
    }
    const EventSubject subject{std::string(select.ColumnText(1)), std::string(select.ColumnText(2)),
                               std::string(select.ColumnText(3)),
                               std::string(select.ColumnText(4))};
    WriteImportedEvent(subject, select.ColumnText(0), events[i].event_id, events[i].created_at,
                       events[i].event);
    select.Reset();
  }
  return Status::Ok();
}

Result<std::string> SqliteFindingStore::Identity() {
  auto statement = db_->Prepare("SELECT id FROM store_identity");
  if (!statement) {
    return statement.status();
  }
  auto row = (*statement)->Step();
  if (!row) {
    return row.status();
  }
  if (!*row) {
    return Internal(fmt::format("{}: the store has no identity row", db_->path()));
  }
  std::string id((*statement)->ColumnText(0));
  (*statement)->Reset();
  return id;
}

Result<std::int64_t> SqliteFindingStore::PruneDelivered(TimePoint before) {
  auto statement = db_->Prepare(kPruneDelivered);
  if (!statement) {
    return statement.status();
  }
  (*statement)->BindInt64(1, ToUnixMicros(before));
  RAMPART_RETURN_IF_ERROR((*statement)->Run());
  return db_->Changes();
}

}  // namespace rampart::store
