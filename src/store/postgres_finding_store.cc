#include "store/postgres_finding_store.h"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/log.h"
#include "finding/validate.h"
#include "store/batch_duplicates.h"
#include "store/import_outcome.h"
#include "store/import_rules.h"
#include "store/json_writer.h"
#include "store/postgres_schema.h"
#include "store/postgres_support.h"
#include "store/sqlite_query.h"

namespace rampart::store {
namespace {

// Returns the key of `key` in batch_findings_: ProductArn, U+0000, Id.
std::string BatchKey(const FindingKey& key) {
  std::string text = key.product_arn;
  text.push_back('\0');
  text += key.id;
  return text;
}

}  // namespace

std::string PostgresFindingStore::JsonText(const Json& value) {
  std::string text;
  if (!WriteJson(value, text)) {
    throw std::invalid_argument("a value written to PostgreSQL is not valid UTF-8");
  }
  return text;
}

bool PostgresFindingStore::IsStorableKey(const FindingKey& key) {
  std::string text;
  return !HasNul(key) && WriteJson(Json(key.product_arn), text) && WriteJson(Json(key.id), text);
}

PostgresFindingStore::PostgresFindingStore(std::unique_ptr<pqxx::connection> connection,
                                           std::string url, const PostgresStoreOptions& options)
    : connection_(std::move(connection)),
      url_(std::move(url)),
      clock_(options.clock),
      outbox_signal_(options.outbox_signal),
      random_(options.random_seed ? *options.random_seed : std::random_device{}()),
      max_finding_bytes_(options.max_finding_bytes) {
  if (!options.random_seed) {
    // Two seeds of 32 bits each, so event ids from separate processes do not collide.
    random_.seed((static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
                 std::random_device{}());
  }
}

Result<std::unique_ptr<PostgresFindingStore>> PostgresFindingStore::Open(
    const std::string& url, const PostgresStoreOptions& options) {
  auto connection = postgres::Connect(url);
  if (!connection) {
    return connection.status();
  }
  RAMPART_RETURN_IF_ERROR(postgres::Migrate(**connection, url, postgres::kFindingsComponent,
                                            postgres::FindingMigrations()));
  PrepareStatements(**connection);
  return std::unique_ptr<PostgresFindingStore>(
      new PostgresFindingStore(std::move(*connection), url, options));
}

bool PostgresFindingStore::HasNul(const FindingKey& key) {
  return key.product_arn.find('\0') != std::string::npos || key.id.find('\0') != std::string::npos;
}

Status PostgresFindingStore::Failure(const std::exception& error, std::string_view action) const {
  return postgres::ErrorStatus(error, url_, action);
}

Status PostgresFindingStore::Reconnect() {
  if (connection_ != nullptr && connection_->is_open()) {
    return Status::Ok();
  }
  Logger("store")->warn("the connection to {} was lost; reconnecting", postgres::RedactUrl(url_));
  auto connection = postgres::Connect(url_);
  if (!connection) {
    Logger("store")->warn("reconnecting failed: {}", connection.status().message());
    return connection.status();
  }
  try {
    PrepareStatements(**connection);
  } catch (const std::exception& error) {
    return Failure(error, "preparing statements");
  }
  connection_ = std::move(*connection);
  return Status::Ok();
}

void PostgresFindingStore::NotifyOutbox() const {
  if (outbox_signal_ != nullptr) {
    outbox_signal_->Notify();
  }
}

void PostgresFindingStore::LockFindings(pqxx::work& work, const std::vector<FindingKey>& keys) {
  std::set<std::int64_t> lock_keys;
  for (const FindingKey& key : keys) {
    // The 64-bit FNV-1a hash of "ProductArn\0Id". Two findings whose hashes collide only
    // wait for each other.
    std::string text = key.product_arn;
    text.push_back('\0');
    text += key.id;
    lock_keys.insert(sqlite::IdHash(text));
  }
  if (lock_keys.empty()) {
    return;
  }
  // Ascending order, so two batches that share findings wait instead of deadlocking.
  work.exec_params("SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k",
                   fmt::format("{{{}}}", fmt::join(lock_keys, ",")));
}

std::optional<PostgresFindingStore::StoredFinding> PostgresFindingStore::FindOne(
    pqxx::work& work, const FindingKey& key) {
  if (!IsStorableKey(key)) {
    return std::nullopt;
  }
  const pqxx::result rows = work.exec_prepared("find_finding", key.product_arn, key.id);
  if (rows.empty()) {
    return std::nullopt;
  }
  const pqxx::row& row = rows[0];
  return StoredFinding{row[0].as<std::int64_t>(), row[1].as<std::int64_t>(),
                       row[2].as<std::uint32_t>(), Json::parse(row[3].c_str())};
}

void PostgresFindingStore::LoadBatch(pqxx::work& work, const std::vector<FindingKey>& keys) {
  batch_findings_.clear();
  repeated_keys_.clear();
  std::unordered_set<std::string> seen;
  Json lookups = Json::array();
  for (const FindingKey& key : keys) {
    const std::string text = BatchKey(key);
    if (!seen.insert(text).second) {
      repeated_keys_.insert(text);
    } else if (IsStorableKey(key)) {
      lookups.push_back({{"a", key.product_arn}, {"i", key.id}});
    }
  }
  if (lookups.empty()) {
    return;
  }
  const pqxx::result rows = work.exec_prepared("find_findings", JsonText(lookups));
  for (const pqxx::row& row : rows) {
    const FindingKey key{row[4].as<std::string>(), row[5].as<std::string>()};
    batch_findings_[BatchKey(key)] =
        StoredFinding{row[0].as<std::int64_t>(), row[1].as<std::int64_t>(),
                      row[2].as<std::uint32_t>(), Json::parse(row[3].c_str())};
  }
}

std::optional<PostgresFindingStore::StoredFinding> PostgresFindingStore::Find(
    const FindingKey& key) const {
  const auto found = batch_findings_.find(BatchKey(key));
  if (found == batch_findings_.end()) {
    return std::nullopt;
  }
  return found->second;
}

void PostgresFindingStore::KeepInBatch(const FindingKey& key, StoredFinding stored) {
  const std::string text = BatchKey(key);
  if (repeated_keys_.contains(text)) {
    batch_findings_[text] = std::move(stored);
  }
}

Result<ImportSummary> PostgresFindingStore::Import(std::vector<Json> findings,
                                                   const ImportOptions& options) {
  const TimePoint now = clock_->Now();
  ImportSummary summary;
  summary.results.reserve(findings.size());
  pending_events_.clear();
  RAMPART_RETURN_IF_ERROR(Reconnect());
  try {
    pqxx::work work(*connection_);
    std::vector<FindingKey> keys;
    BatchDuplicates duplicates;
    for (const Json& finding : findings) {
      duplicates.Count(finding);
      if (finding.is_object()) {
        keys.push_back({StringOr(finding, "ProductArn", ""), StringOr(finding, "Id", "")});
      }
    }
    LockFindings(work, keys);
    LoadBatch(work, keys);
    for (std::size_t i = 0; i < findings.size(); ++i) {
      const std::string& path = FindingPath(options, i);
      auto duplicate = duplicates.Check(findings[i], path);
      ImportResult result =
          duplicate ? *std::move(duplicate) : ImportOne(work, findings[i], path, options, now);
      findings[i] = Json();
      AddResult(summary, std::move(result));
    }
    InsertPendingEvents(work, now);
    work.commit();
  } catch (const std::exception& error) {
    pending_events_.clear();
    return Failure(error, "importing findings");
  }
  if (summary.created + summary.updated > 0) {
    NotifyOutbox();
  }
  return summary;
}

ImportResult PostgresFindingStore::ImportOne(pqxx::work& work, Json& finding,
                                             const std::string& path, const ImportOptions& options,
                                             TimePoint now) {
  if (!finding.is_object()) {
    return NotAnObject(finding, path);
  }
  FindingKey key{StringOr(finding, "ProductArn", ""), StringOr(finding, "Id", "")};
  std::optional<StoredFinding> stored;
  if (!key.product_arn.empty() && !key.id.empty()) {
    stored = Find(key);
  }
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
    return CreateFinding(work, std::move(key), finding, path, options, now);
  }
  if (UpdatedAtMicros(finding) <= stored->updated_at) {
    return NotNewer(std::move(key), finding, stored->updated_at);
  }
  return UpdateFinding(work, std::move(key), *stored, finding, path, options, now);
}

std::optional<std::pair<std::string, std::string>> PostgresFindingStore::CheckDocument(
    const Json& finding, std::string_view path) {
  if (!WriteJson(finding, document_text_)) {
    return std::pair<std::string, std::string>("InvalidInput", Utf8Message(finding, path));
  }
  if (EscapesNul(document_text_)) {
    return std::pair<std::string, std::string>("InvalidInput", NulMessage(finding, path));
  }
  if (document_text_.size() > max_finding_bytes_) {
    return std::pair<std::string, std::string>(
        "FindingSizeExceeded",
        SizeMessage(finding, document_text_.size(), max_finding_bytes_, path));
  }
  return std::nullopt;
}

ImportResult PostgresFindingStore::CreateFinding(pqxx::work& work, FindingKey key, Json& finding,
                                                 const std::string& path,
                                                 const ImportOptions& options, TimePoint now) {
  CompleteNewFinding(finding, now);
  if (auto problem = CheckDocument(finding, path)) {
    return FailedImport(std::move(key), std::move(problem->first), std::move(problem->second));
  }
  const std::string& actor = options.actor.empty() ? key.product_arn : options.actor;
  const std::int64_t seq = InsertFinding(work, finding, actor, now);
  QueueFindingEvent(finding, now);
  KeepInBatch(key, {seq, UpdatedAtMicros(finding), 0, finding});
  return ImportResult{std::move(key), ImportOutcome::kCreated, "", ""};
}

ImportResult PostgresFindingStore::UpdateFinding(pqxx::work& work, FindingKey key,
                                                 const StoredFinding& stored, Json& finding,
                                                 const std::string& path,
                                                 const ImportOptions& options, TimePoint now) {
  Json merged =
      MergeProviderUpdate(stored.document, std::move(finding), stored.customer_fields, now);
  if (auto problem = CheckDocument(merged, path)) {
    return FailedImport(std::move(key), std::move(problem->first), std::move(problem->second));
  }
  RewriteFinding(work, stored.seq, merged, stored.customer_fields);
  const std::string& actor = options.actor.empty() ? key.product_arn : options.actor;
  WriteHistory(work, stored.seq, now, UpdateSource::kBatchImportFindings, actor, false,
               DiffFindings(stored.document, merged));
  QueueFindingEvent(merged, now);
  KeepInBatch(key, {stored.seq, UpdatedAtMicros(merged), stored.customer_fields, merged});
  return ImportResult{std::move(key), ImportOutcome::kUpdated, "", ""};
}

Result<UpdateSummary> PostgresFindingStore::Update(const FindingUpdate& update,
                                                   std::string_view actor) {
  RAMPART_RETURN_IF_ERROR(ValidateFindingUpdate(update));
  if (actor.empty()) {
    return InvalidArgument("the actor of an update must name who makes it");
  }
  const TimePoint now = clock_->Now();
  UpdateSummary summary;
  pending_events_.clear();
  RAMPART_RETURN_IF_ERROR(Reconnect());
  try {
    pqxx::work work(*connection_);
    std::vector<FindingKey> keys;
    for (const FindingIdentifier& identifier : update.finding_identifiers) {
      keys.push_back({identifier.product_arn, identifier.id});
    }
    LockFindings(work, keys);
    LoadBatch(work, keys);
    std::set<std::pair<std::string, std::string>> seen;
    for (const FindingIdentifier& identifier : update.finding_identifiers) {
      FindingKey key{identifier.product_arn, identifier.id};
      if (!seen.emplace(identifier.product_arn, identifier.id).second) {
        summary.unprocessed.push_back(
            {std::move(key), "DuplicatedFindingIdentifier",
             "the request names this finding more than once; it was updated once"});
        continue;
      }
      auto unprocessed = UpdateOne(work, update, identifier, actor, now);
      if (unprocessed) {
        summary.unprocessed.push_back(std::move(*unprocessed));
      } else {
        summary.processed.push_back(std::move(key));
      }
    }
    InsertPendingEvents(work, now);
    work.commit();
  } catch (const std::exception& error) {
    pending_events_.clear();
    return Failure(error, "updating findings");
  }
  if (!summary.processed.empty()) {
    NotifyOutbox();
  }
  return summary;
}

std::optional<UnprocessedFinding> PostgresFindingStore::UpdateOne(
    pqxx::work& work, const FindingUpdate& update, const FindingIdentifier& identifier,
    std::string_view actor, TimePoint now) {
  FindingKey key{identifier.product_arn, identifier.id};
  auto stored = Find(key);
  if (!stored) {
    return FindingNotFound(std::move(key));
  }
  Json finding = stored->document;
  const std::uint32_t fields = stored->customer_fields | ApplyCustomerUpdate(finding, update, now);
  const std::vector<FieldChange> changes = DiffFindings(stored->document, finding);
  if (changes.empty()) {
    return std::nullopt;
  }
  if (auto too_many = TooManyUserDefinedFields(key, finding)) {
    return too_many;
  }
  if (auto problem = CheckDocument(finding)) {
    return UnprocessedFinding{std::move(key), std::move(problem->first),
                              std::move(problem->second)};
  }
  RewriteFinding(work, stored->seq, finding, fields);
  WriteHistory(work, stored->seq, now, UpdateSource::kBatchUpdateFindings, actor, false, changes);
  QueueFindingEvent(finding, now);
  return std::nullopt;
}

Result<std::optional<Json>> PostgresFindingStore::Get(const FindingKey& key) {
  return RunRetrying("reading a finding", [&]() -> Result<std::optional<Json>> {
    pqxx::work work(*connection_);
    auto stored = FindOne(work, key);
    work.commit();
    if (!stored) {
      return std::optional<Json>();
    }
    return std::optional<Json>(std::move(stored->document));
  });
}

}  // namespace rampart::store
