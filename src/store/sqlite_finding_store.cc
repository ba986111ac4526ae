#include "store/sqlite_finding_store.h"

#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/log.h"
#include "finding/validate.h"
#include "store/batch_duplicates.h"
#include "store/import_outcome.h"
#include "store/import_rules.h"
#include "store/json_writer.h"
#include "store/sqlite_query.h"
#include "store/sqlite_schema.h"

namespace rampart::store {
namespace {

using sqlite::Statement;
using sqlite::Transaction;
using sqlite::TransactionMode;

constexpr std::string_view kSelectFinding =
    "SELECT seq, updated_at, customer_fields, document, event_sequence FROM findings "
    "WHERE id_hash = ?1 AND id = ?2 AND product_arn = ?3";
}  // namespace

std::string_view ImportOutcomeName(ImportOutcome outcome) {
  switch (outcome) {
    case ImportOutcome::kCreated:
      return "created";
    case ImportOutcome::kUpdated:
      return "updated";
    case ImportOutcome::kUnchanged:
      return "unchanged";
    case ImportOutcome::kFailed:
      return "failed";
  }
  return "failed";
}

std::string_view UpdateSourceName(UpdateSource source) {
  return source == UpdateSource::kBatchImportFindings ? "BATCH_IMPORT_FINDINGS"
                                                      : "BATCH_UPDATE_FINDINGS";
}

Result<Json> SqliteFindingStore::ParseStored(std::string_view text) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& error) {
    return Internal(fmt::format("a stored finding is not valid JSON: {}", error.what()));
  }
}

SqliteFindingStore::SqliteFindingStore(std::unique_ptr<sqlite::Database> db,
                                       const SqliteStoreOptions& options)
    : db_(std::move(db)),
      clock_(options.clock),
      outbox_signal_(options.outbox_signal),
      random_(options.random_seed ? *options.random_seed : std::random_device{}()),
      max_finding_bytes_(options.max_finding_bytes),
      many_side_rows_(options.many_side_rows),
      finding_rows_("findings",
                    "product_arn, id, id_hash, generator_id, aws_account_id, severity_label, "
                    "severity_normalized, workflow_status, record_state, compliance_status, "
                    "created_at, updated_at, customer_fields, document, event_sequence, "
                    "created_time, created_by",
                    17),
      event_rows_("outbox", "event_id, created_at, event, finding_seq", 4),
      resource_rows_("finding_resources", "type, finding_seq, position, id", 4),
      vulnerability_rows_("finding_vulnerabilities", "vulnerability_id, finding_seq, position", 3) {
  if (many_side_rows_ > 0) {
    estimator_ = [this](std::string_view table, std::string_view condition,
                        std::span<const sqlite::SqlValue> parameters) {
      return ManySideRows(table, condition, parameters);
    };
  }
  if (!options.random_seed) {
    // Two seeds of 32 bits each, so event ids from separate processes do not collide.
    random_.seed((static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
                 std::random_device{}());
  }
}

bool SqliteFindingStore::ManySideRows(std::string_view table, std::string_view condition,
                                      std::span<const sqlite::SqlValue> parameters) {
  auto statement =
      db_->Prepare(fmt::format("SELECT count(*) FROM (SELECT 1 FROM {} s WHERE {} LIMIT {})", table,
                               condition, many_side_rows_));
  if (!statement) {
    Logger("store")->warn("cannot estimate a side-table filter: {}", statement.status().message());
    return false;
  }
  sqlite::BindAll(**statement, {parameters.begin(), parameters.end()});
  auto row = (*statement)->Step();
  const bool many = row && *row && (*statement)->ColumnInt64(0) >= many_side_rows_;
  (*statement)->Reset();
  return many;
}

namespace {

// Warns when the database at `path` has pages smaller than the 16 KiB that new databases
// get: findings of 2 KB or more take a page each, which makes imports slower and the file
// larger.
void WarnAboutSmallPages(sqlite::Database& db, const std::string& path) {
  auto statement = db.Prepare("PRAGMA page_size");
  if (!statement) {
    return;
  }
  auto row = (*statement)->Step();
  const std::int64_t page_size = row && *row ? (*statement)->ColumnInt64(0) : 0;
  (*statement)->Reset();
  if (page_size > 0 && page_size < sqlite::kNewDatabasePageSize) {
    Logger("store")->warn(
        "{}: the database has {}-byte pages, where findings of 2 KB or more take a page each; "
        "new databases get {}-byte pages, which make imports faster. To convert it, stop every "
        "Rampart process that uses it and run: sqlite3 {} 'PRAGMA journal_mode=DELETE; "
        "PRAGMA page_size={}; VACUUM; PRAGMA journal_mode=WAL'",
        path, page_size, sqlite::kNewDatabasePageSize, path, sqlite::kNewDatabasePageSize);
  }
}

}  // namespace

Result<std::unique_ptr<SqliteFindingStore>> SqliteFindingStore::Open(
    const std::string& path, const SqliteStoreOptions& options) {
  auto db = sqlite::Database::Open(path, options.database);
  if (!db) {
    return db.status();
  }
  WarnAboutSmallPages(**db, path);
  RAMPART_RETURN_IF_ERROR(sqlite::Migrate(**db));
  return std::unique_ptr<SqliteFindingStore>(new SqliteFindingStore(std::move(*db), options));
}

Result<std::optional<SqliteFindingStore::StoredFinding>> SqliteFindingStore::Find(
    std::string_view product_arn, std::string_view id) {
  const std::int64_t id_hash = sqlite::IdHash(id);
  if (pending_id_hashes_.contains(id_hash)) {
    // The finding may have changed earlier in this transaction, in rows not inserted yet.
    RAMPART_RETURN_IF_ERROR(FlushPendingRows());
  }
  auto statement = db_->Prepare(kSelectFinding);
  if (!statement) {
    return statement.status();
  }
  Statement& select = **statement;
  select.BindInt64(1, id_hash);
  select.BindText(2, id);
  select.BindText(3, product_arn);
  auto row = select.Step();
  if (!row) {
    return row.status();
  }
  std::optional<StoredFinding> stored;
  if (*row) {
    stored = StoredFinding{select.ColumnInt64(0), select.ColumnInt64(1),
                           static_cast<std::uint32_t>(select.ColumnInt64(2)),
                           std::string(select.ColumnText(3)), select.ColumnInt64(4)};
  }
  select.Reset();
  return stored;
}

Result<ImportSummary> SqliteFindingStore::Import(std::vector<Json> findings,
                                                 const ImportOptions& options) {
  BatchDuplicates duplicates;
  for (const Json& finding : findings) {
    duplicates.Count(finding);
  }
  return ImportBatch(findings.size(), [&](std::size_t i, TimePoint now) -> Result<ImportResult> {
    const std::string& path = FindingPath(options, i);
    if (auto duplicate = duplicates.Check(findings[i], path)) {
      findings[i] = Json();
      return *std::move(duplicate);
    }
    auto result = ImportOne(findings[i], path, options, now);
    // Freed while still in the cache: freeing the whole batch after the loop took a fifth of
    // the import time in the profile (docs/performance-store.md).
    findings[i] = Json();
    return result;
  });
}

Result<ImportSummary> SqliteFindingStore::ImportPrepared(std::span<PreparedFinding* const> findings,
                                                         const ImportOptions& options) {
  BatchDuplicates duplicates;
  for (const PreparedFinding* finding : findings) {
    duplicates.Count(finding->finding);
  }
  return ImportBatch(findings.size(), [&](std::size_t i, TimePoint now) -> Result<ImportResult> {
    if (auto duplicate = duplicates.Check(findings[i]->finding, findings[i]->path)) {
      return *std::move(duplicate);
    }
    return ImportPreparedOne(*findings[i], options, now);
  });
}

Result<ImportSummary> SqliteFindingStore::ImportBatch(
    std::size_t count,
    const std::function<Result<ImportResult>(std::size_t, TimePoint)>& import_one) {
  const TimePoint now = clock_->Now();
  ImportSummary summary;
  summary.results.reserve(count);
  auto transaction = Transaction::Begin(*db_, TransactionMode::kWrite);
  if (!transaction) {
    return transaction.status();
  }
  RAMPART_RETURN_IF_ERROR(StartWrite());
  for (std::size_t i = 0; i < count; ++i) {
    auto result = import_one(i, now);
    if (!result) {
      return result.status();
    }
    AddResult(summary, std::move(*result));
  }
  RAMPART_RETURN_IF_ERROR(FlushPendingRows());
  RAMPART_RETURN_IF_ERROR((*transaction)->Commit());
  if (summary.created + summary.updated > 0) {
    NotifyOutbox();
  }
  return summary;
}

Result<ImportResult> SqliteFindingStore::ImportOne(Json& finding, const std::string& path,
                                                   const ImportOptions& options, TimePoint now) {
  if (!finding.is_object()) {
    return NotAnObject(finding, path);
  }
  FindingKey key{StringOr(finding, "ProductArn", ""), StringOr(finding, "Id", "")};
  std::optional<StoredFinding> stored;
  if (!key.product_arn.empty() && !key.id.empty()) {
    auto found = Find(key.product_arn, key.id);
    if (!found) {
      return found.status();
    }
    stored = std::move(*found);
  }
  return ImportFound(std::move(key), std::move(stored), finding, path, options, now);
}

Result<ImportResult> SqliteFindingStore::ImportPreparedOne(PreparedFinding& prepared,
                                                           const ImportOptions& options,
                                                           TimePoint now) {
  if (!prepared.ready) {
    return ImportOne(prepared.finding, prepared.path, options, now);
  }
  FindingKey key{StringOr(prepared.finding, "ProductArn", ""),
                 StringOr(prepared.finding, "Id", "")};
  auto found = Find(key.product_arn, key.id);
  if (!found) {
    return found.status();
  }
  if (*found) {
    return ImportFound(std::move(key), std::move(*found), prepared.finding, prepared.path, options,
                       now);
  }
  return StoreNewFinding(std::move(key), prepared.finding, prepared.text, prepared.path, options,
                         now);
}

Result<ImportResult> SqliteFindingStore::ImportFound(FindingKey key,
                                                     std::optional<StoredFinding> stored,
                                                     Json& finding, const std::string& path,
                                                     const ImportOptions& options, TimePoint now) {
  LayerProviderFields(finding, !stored.has_value());
  const auto problems = finding::ValidateFinding(finding, path);
  if (!problems.empty()) {
    return FailedImport(std::move(key), "InvalidInput",
                        finding::DescribeProblems(finding, problems));
  }
  if (auto future = InFuture(key, finding, path, now)) {
    return *std::move(future);
  }
  if (!stored) {
    return CreateFinding(std::move(key), finding, path, options, now);
  }
  if (UpdatedAtMicros(finding) <= stored->updated_at) {
    return NotNewer(std::move(key), finding, stored->updated_at);
  }
  return UpdateFinding(std::move(key), *stored, finding, path, options, now);
}

Result<ImportResult> SqliteFindingStore::CreateFinding(FindingKey key, Json& finding,
                                                       const std::string& path,
                                                       const ImportOptions& options,
                                                       TimePoint now) {
  CompleteNewFinding(finding, now);
  if (!WriteJson(finding, document_text_)) {
    return FailedImport(std::move(key), "InvalidInput", Utf8Message(finding, path));
  }
  return StoreNewFinding(std::move(key), finding, document_text_, path, options, now);
}

Result<ImportResult> SqliteFindingStore::StoreNewFinding(FindingKey key, const Json& finding,
                                                         std::string_view text,
                                                         const std::string& path,
                                                         const ImportOptions& options,
                                                         TimePoint now) {
  if (text.size() > max_finding_bytes_) {
    return FailedImport(std::move(key), "FindingSizeExceeded",
                        SizeMessage(finding, text.size(), max_finding_bytes_, path));
  }
  if (EscapesNul(text)) {
    return FailedImport(std::move(key), "InvalidInput", NulMessage(finding, path));
  }
  const std::string& actor = options.actor.empty() ? key.product_arn : options.actor;
  RAMPART_RETURN_IF_ERROR(QueueNewFinding(finding, text, actor, now));
  return ImportResult{std::move(key), ImportOutcome::kCreated, "", ""};
}

Result<ImportResult> SqliteFindingStore::UpdateFinding(FindingKey key, const StoredFinding& stored,
                                                       Json& finding, const std::string& path,
                                                       const ImportOptions& options,
                                                       TimePoint now) {
  auto previous = ParseStored(stored.document);
  if (!previous) {
    return previous.status();
  }
  Json merged = MergeProviderUpdate(*previous, std::move(finding), stored.customer_fields, now);
  if (!WriteJson(merged, document_text_)) {
    return FailedImport(std::move(key), "InvalidInput", Utf8Message(merged, path));
  }
  if (document_text_.size() > max_finding_bytes_) {
    return FailedImport(std::move(key), "FindingSizeExceeded",
                        SizeMessage(merged, document_text_.size(), max_finding_bytes_, path));
  }
  if (EscapesNul(document_text_)) {
    return FailedImport(std::move(key), "InvalidInput", NulMessage(merged, path));
  }
  RAMPART_RETURN_IF_ERROR(RewriteFinding(stored, *previous, merged, stored.customer_fields, now));
  const std::string& actor = options.actor.empty() ? key.product_arn : options.actor;
  RAMPART_RETURN_IF_ERROR(WriteHistory(stored.seq, now, UpdateSource::kBatchImportFindings, actor,
                                       DiffFindings(*previous, merged)));
  return ImportResult{std::move(key), ImportOutcome::kUpdated, "", ""};
}

void SqliteFindingStore::NotifyOutbox() const {
  if (outbox_signal_ != nullptr) {
    outbox_signal_->Notify();
  }
}

Result<UpdateSummary> SqliteFindingStore::Update(const FindingUpdate& update,
                                                 std::string_view actor) {
  RAMPART_RETURN_IF_ERROR(ValidateFindingUpdate(update));
  if (actor.empty()) {
    return InvalidArgument("the actor of an update must name who makes it");
  }
  const TimePoint now = clock_->Now();
  auto transaction = Transaction::Begin(*db_, TransactionMode::kWrite);
  if (!transaction) {
    return transaction.status();
  }
  RAMPART_RETURN_IF_ERROR(StartWrite());
  UpdateSummary summary;
  std::set<std::pair<std::string, std::string>> seen;
  for (const FindingIdentifier& identifier : update.finding_identifiers) {
    FindingKey key{identifier.product_arn, identifier.id};
    if (!seen.emplace(identifier.product_arn, identifier.id).second) {
      summary.unprocessed.push_back(
          {std::move(key), "DuplicatedFindingIdentifier",
           "the request names this finding more than once; it was updated once"});
      continue;
    }
    auto unprocessed = UpdateOne(update, identifier, actor, now);
    if (!unprocessed) {
      return unprocessed.status();
    }
    if (*unprocessed) {
      summary.unprocessed.push_back(std::move(**unprocessed));
    } else {
      summary.processed.push_back(std::move(key));
    }
  }
  RAMPART_RETURN_IF_ERROR(FlushPendingRows());
  RAMPART_RETURN_IF_ERROR((*transaction)->Commit());
  if (!summary.processed.empty()) {
    NotifyOutbox();
  }
  return summary;
}

Result<std::optional<UnprocessedFinding>> SqliteFindingStore::UpdateOne(
    const FindingUpdate& update, const FindingIdentifier& identifier, std::string_view actor,
    TimePoint now) {
  FindingKey key{identifier.product_arn, identifier.id};
  auto stored = Find(identifier.product_arn, identifier.id);
  if (!stored) {
    return stored.status();
  }
  if (!*stored) {
    return FindingNotFound(std::move(key));
  }
  auto previous = ParseStored((*stored)->document);
  if (!previous) {
    return previous.status();
  }
  Json finding = *previous;
  const std::uint32_t fields =
      (*stored)->customer_fields | ApplyCustomerUpdate(finding, update, now);
  const std::vector<FieldChange> changes = DiffFindings(*previous, finding);
  if (changes.empty()) {
    return std::optional<UnprocessedFinding>();
  }
  if (auto too_many = TooManyUserDefinedFields(key, finding)) {
    return too_many;
  }
  if (!WriteJson(finding, document_text_)) {
    return UnprocessedFinding{std::move(key), "InvalidInput", Utf8Message(finding)};
  }
  if (document_text_.size() > max_finding_bytes_) {
    return UnprocessedFinding{std::move(key), "FindingSizeExceeded",
                              SizeMessage(finding, document_text_.size(), max_finding_bytes_)};
  }
  if (EscapesNul(document_text_)) {
    return UnprocessedFinding{std::move(key), "InvalidInput", NulMessage(finding)};
  }
  RAMPART_RETURN_IF_ERROR(RewriteFinding(**stored, *previous, finding, fields, now));
  RAMPART_RETURN_IF_ERROR(
      WriteHistory((*stored)->seq, now, UpdateSource::kBatchUpdateFindings, actor, changes));
  return std::optional<UnprocessedFinding>();
}

Result<std::optional<Json>> SqliteFindingStore::Get(const FindingKey& key) {
  auto stored = Find(key.product_arn, key.id);
  if (!stored) {
    return stored.status();
  }
  if (!*stored) {
    return std::optional<Json>();
  }
  auto document = ParseStored((*stored)->document);
  if (!document) {
    return document.status();
  }
  return std::optional<Json>(std::move(*document));
}

}  // namespace rampart::store
