// The finding history of the SQLite finding store: one finding_history row per accepted
// update, and the creation of each finding read from its findings row.
#include <fmt/format.h>

#include "store/json_writer.h"
#include "store/sqlite_finding_store.h"

namespace rampart::store {
namespace {

using sqlite::Statement;

constexpr std::string_view kInsertHistory =
    "INSERT INTO finding_history (finding_seq, update_time, source_type, identity, "
    "finding_created, updates) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr std::string_view kSelectHistory =
    "SELECT update_time, source_type, identity, finding_created, updates FROM finding_history "
    "WHERE finding_seq = ?1 ORDER BY seq";
constexpr std::string_view kSelectCreation =
    "SELECT created_time, coalesce(created_by, product_arn) FROM findings WHERE seq = ?1";

}  // namespace

Status SqliteFindingStore::WriteHistory(std::int64_t seq, TimePoint now, UpdateSource source,
                                        std::string_view identity,
                                        const std::vector<FieldChange>& changes) {
  auto statement = db_->Prepare(kInsertHistory);
  if (!statement) {
    return statement.status();
  }
  Statement& insert = **statement;
  insert.BindInt64(1, seq);
  insert.BindInt64(2, ToUnixMicros(now));
  insert.BindText(3, UpdateSourceName(source));
  insert.BindText(4, identity);
  insert.BindInt64(5, 0);
  std::string updates;
  if (!WriteJson(FieldChangesJson(changes), updates)) {
    return Internal("a finding change holds text that is not valid UTF-8");
  }
  insert.BindText(6, updates);
  return insert.Run();
}

Result<std::optional<HistoryRecord>> SqliteFindingStore::CreationRecord(std::int64_t seq) {
  auto statement = db_->Prepare(kSelectCreation);
  if (!statement) {
    return statement.status();
  }
  Statement& select = **statement;
  select.BindInt64(1, seq);
  auto row = select.Step();
  if (!row) {
    return row.status();
  }
  std::optional<HistoryRecord> record;
  if (*row && !select.IsNull(0)) {
    record.emplace();
    record->update_time = FromUnixMicros(select.ColumnInt64(0));
    record->source = UpdateSource::kBatchImportFindings;
    record->identity = std::string(select.ColumnText(1));
    record->finding_created = true;
  }
  select.Reset();
  return record;
}

Result<std::vector<HistoryRecord>> SqliteFindingStore::History(const FindingKey& key) {
  auto transaction = sqlite::Transaction::Begin(*db_, sqlite::TransactionMode::kRead);
  if (!transaction) {
    return transaction.status();
  }
  auto stored = Find(key.product_arn, key.id);
  if (!stored) {
    return stored.status();
  }
  if (!*stored) {
    return NotFound(
        fmt::format("no finding with ProductArn \"{}\" and Id \"{}\"", key.product_arn, key.id));
  }

  std::vector<HistoryRecord> records;
  auto creation = CreationRecord((*stored)->seq);
  if (!creation) {
    return creation.status();
  }
  if (*creation) {
    records.push_back(std::move(**creation));
  }

  auto statement = db_->Prepare(kSelectHistory);
  if (!statement) {
    return statement.status();
  }
  Statement& select = **statement;
  select.BindInt64(1, (*stored)->seq);
  while (true) {
    auto row = select.Step();
    if (!row) {
      return row.status();
    }
    if (!*row) {
      break;
    }
    HistoryRecord record;
    record.update_time = FromUnixMicros(select.ColumnInt64(0));
    record.source = select.ColumnText(1) == UpdateSourceName(UpdateSource::kBatchUpdateFindings)
                        ? UpdateSource::kBatchUpdateFindings
                        : UpdateSource::kBatchImportFindings;
    record.identity = std::string(select.ColumnText(2));
    record.finding_created = select.ColumnInt64(3) != 0;
    auto updates = ParseStored(select.ColumnText(4));
    if (!updates) {
      return updates.status();
    }
    for (const Json& change : *updates) {
      record.updates.push_back({StringOr(change, "UpdatedField", ""),
                                change.value("OldValue", Json()),
                                change.value("NewValue", Json())});
    }
    records.push_back(std::move(record));
  }
  select.Reset();
  RAMPART_RETURN_IF_ERROR((*transaction)->Commit());
  return records;
}

}  // namespace rampart::store
