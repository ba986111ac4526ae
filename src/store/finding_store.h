// FindingStore: the finding hub's storage, with the semantics of AWS Security Hub's
// BatchImportFindings, BatchUpdateFindings, GetFindings, insights and finding history, and a
// transactional outbox of EventBridge events. SQLite (sqlite_finding_store.h) and PostgreSQL
// (postgres_finding_store.h) implement it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "store/filter.h"
#include "store/finding_update.h"

namespace rampart::store {

class OutboxSignal;

// Identity of a finding: ASFF's (ProductArn, Id).
struct FindingKey {
  std::string product_arn;
  std::string id;

  friend bool operator==(const FindingKey&, const FindingKey&) = default;
};

enum class ImportOutcome { kCreated, kUpdated, kUnchanged, kFailed };

// Returns "created", "updated", "unchanged" or "failed".
std::string_view ImportOutcomeName(ImportOutcome outcome);

// The outcome for one finding of an import batch.
struct ImportResult {
  FindingKey key;  // empty parts when the finding has no usable ProductArn or Id
  ImportOutcome outcome = ImportOutcome::kFailed;
  std::string error_code;  // for kFailed: "InvalidInput" or "FindingSizeExceeded"
  std::string message;     // why a finding is unchanged or failed; empty otherwise
};

// The outcome of one import batch, one result per input finding in input order.
struct ImportSummary {
  std::vector<ImportResult> results;
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t failed = 0;
};

struct ImportOptions {
  // The importer's name, recorded in the history (for example "ingest trivy report.json").
  // Empty records each finding's ProductArn, as Security Hub records the provider.
  std::string actor;
  // The JSON path of each finding in its request or file, such as "$.Findings[3]", which
  // the messages of failed findings name. Empty, or shorter than the batch: "$" for the rest.
  std::vector<std::string> paths = {};
};

// A finding a BatchUpdateFindings request could not change, with Security Hub's error code:
// FindingNotFound, DuplicatedFindingIdentifier, FindingSizeExceeded or InvalidInput.
struct UnprocessedFinding {
  FindingKey key;
  std::string error_code;
  std::string error_message;
};

// The BatchUpdateFindings response.
struct UpdateSummary {
  std::vector<FindingKey> processed;
  std::vector<UnprocessedFinding> unprocessed;
};

// A GetFindings request.
struct FindingQuery {
  Filters filters;
  std::vector<SortCriterion> sort;  // empty sorts by UpdatedAt, newest first
  std::size_t max_results = 100;    // 1 to kMaxPageSize
  std::string next_token;           // from the previous page of the same query, or empty
  // Fills FindingPage::texts with each finding's JSON text as stored, instead of parsing it
  // into FindingPage::findings: cheaper for a caller that only sends the findings on.
  bool as_text = false;
};

inline constexpr std::size_t kMaxPageSize = 10000;

// One page of findings and the token of the next page (empty on the last page).
struct FindingPage {
  std::vector<Json> findings;
  std::vector<std::string> texts;  // instead of `findings` when the query set as_text
  std::string next_token;
};

// The number of findings that share one value of the group-by attribute.
struct GroupCount {
  std::string value;
  std::int64_t count = 0;
};

enum class UpdateSource { kBatchImportFindings, kBatchUpdateFindings };

// Returns "BATCH_IMPORT_FINDINGS" or "BATCH_UPDATE_FINDINGS", Security Hub's UpdateSource.Type.
std::string_view UpdateSourceName(UpdateSource source);

// One changed field of a finding: a dotted path such as "Workflow.Status", and the values
// before and after (null when the field was absent).
struct FieldChange {
  std::string field;
  Json old_value;
  Json new_value;
};

// One accepted change of a finding, in the shape of GetFindingHistory's records.
struct HistoryRecord {
  TimePoint update_time;
  UpdateSource source = UpdateSource::kBatchImportFindings;
  std::string identity;          // the actor
  bool finding_created = false;  // a creation lists no field changes
  std::vector<FieldChange> updates;
};

// Returns `changes` as the Updates of a GetFindingHistory record:
// [{"UpdatedField", "OldValue", "NewValue"}, ...].
Json FieldChangesJson(const std::vector<FieldChange>& changes);

// Returns `records` of the finding `key` as a GetFindingHistory response: {"Records": [...]}.
Json HistoryJson(const FindingKey& key, const std::vector<HistoryRecord>& records);

// One EventBridge event in the outbox. `sequence` grows with every event written and is never
// reused, so a reader resumes after the last sequence it has seen.
struct OutboxEvent {
  std::int64_t sequence = 0;
  std::string event_id;
  TimePoint created_at;
  std::string event;  // the EventBridge event as JSON text
};

// The options that every backend takes.
struct FindingStoreOptions {
  const Clock* clock = &DefaultClock();  // for ProcessedAt, history times, events and leases
  // Seeds the event id generator, for reproducible tests; empty seeds from std::random_device.
  std::optional<std::uint64_t> random_seed;
  // The largest stored document. 240 KiB is Security Hub's limit per finding.
  std::size_t max_finding_bytes = 240 * 1024;
  // Notified after every commit that wrote outbox events; not owned, may be null.
  OutboxSignal* outbox_signal = nullptr;
};

// A finding readied for ImportPrepared on the caller's thread, before the store's write
// transaction: checked, completed and written out as it would be stored if it is new. Import
// servers prepare on their request threads, so the one thread that writes does less per
// finding. A completed finding imports as an update exactly as the received one would.
struct PreparedFinding {
  Json finding;            // completed when ready, otherwise as received
  bool ready = false;      // false: not prepared, and the store does all the work
  std::string text;        // when ready: `finding` as JSON text
  std::string path = "$";  // the finding's JSON path in its request, for error messages
};

// Prepares `finding` for ImportPrepared; `now` becomes its ProcessedAt if it is new. `path`
// is the finding's JSON path in its request, such as "$.Findings[3]".
PreparedFinding PrepareFinding(Json finding, TimePoint now, std::string path = "$");

// The finding store. Every write is one transaction: its findings, history records and
// outbox events are committed together or not at all. Implementations are not thread-safe;
// open one store per thread. Several stores (in one or several processes) may share a
// database, and the database serializes their writes.
class FindingStore {
 public:
  virtual ~FindingStore() = default;

  // Imports findings with BatchImportFindings semantics. A finding with a new (ProductArn, Id)
  // is created. A known one is updated only when its UpdatedAt is newer than the stored one,
  // and is otherwise reported unchanged. Customer-owned fields (Note, UserDefinedFields,
  // VerificationState, Workflow) keep their stored values. FindingProviderFields layering
  // applies to Confidence, Criticality, RelatedFindings, Severity and Types, and
  // Workflow.Status returns to NEW as Security Hub does (see import_rules.h). An invalid
  // finding is reported failed and the others are still stored. The error is a database
  // failure, and then nothing of the batch is stored.
  virtual Result<ImportSummary> Import(std::vector<Json> findings,
                                       const ImportOptions& options = {}) = 0;

  // Imports prepared findings with Import's semantics. A new finding that is ready gets the
  // text prepared for it. The caller frees the findings after the call, outside the
  // transaction. The default moves each finding into Import.
  virtual Result<ImportSummary> ImportPrepared(std::span<PreparedFinding* const> findings,
                                               const ImportOptions& options = {});

  // Applies a customer update (BatchUpdateFindings) on behalf of `actor`, who is recorded in
  // the history. UpdatedAt is left alone. The error is an invalid request or a database
  // failure, and then no finding changes.
  virtual Result<UpdateSummary> Update(const FindingUpdate& update, std::string_view actor) = 0;

  // Returns the stored document, or nullopt when no such finding exists.
  virtual Result<std::optional<Json>> Get(const FindingKey& key) = 0;

  // Returns one page of the findings that match the query (GetFindings). Fails on a
  // NextToken that is malformed or belongs to another query.
  virtual Result<FindingPage> List(const FindingQuery& query) = 0;

  // Returns the number of findings that match.
  virtual Result<std::int64_t> Count(const Filters& filters) = 0;

  // Counts the matching findings per value of `attribute`, a GroupByAttribute such as
  // "SeverityLabel" or "ResourceType", largest count first. A finding counts once per
  // distinct value; findings without a value are not counted. Fails on an unknown attribute.
  virtual Result<std::vector<GroupCount>> GroupBy(const Filters& filters,
                                                  std::string_view attribute) = 0;

  // Returns every accepted change of a finding, oldest first; NotFound when it does not exist.
  virtual Result<std::vector<HistoryRecord>> History(const FindingKey& key) = 0;

  // Returns up to `limit` events with a sequence greater than `after_sequence`, in order,
  // delivered or not.
  virtual Result<std::vector<OutboxEvent>> ReadEvents(std::int64_t after_sequence,
                                                      std::size_t limit) = 0;

  // Claims up to `limit` undelivered events for `consumer` for `lease`, oldest first, and
  // returns them. An event claimed by another consumer whose lease has not expired is
  // skipped, so several consumers share the work. An event whose lease expired is claimed
  // again, so delivery is at least once. Events that `consumer` itself claimed before are
  // claimed again at once, so a consumer restarted after a crash takes over its own claims.
  // Every concurrent consumer therefore needs its own name. The PostgreSQL store claims with
  // FOR UPDATE SKIP LOCKED, so consumers in several processes do not wait for each other's
  // claims. The SQLite store serializes claims in its write transaction.
  virtual Result<std::vector<OutboxEvent>> ClaimEvents(std::string_view consumer, std::size_t limit,
                                                       std::chrono::seconds lease) = 0;

  // Writes an event that is not a finding change, such as "Rampart Remediation Failed", to
  // the outbox, so that consumers claim and route it like the finding events. The event must
  // be a JSON object with non-empty strings `id`, `source` and `detail-type` and an object
  // `detail`; `id` becomes the outbox event id. Returns the event's sequence. The error is an
  // invalid event (naming the field) or a database failure, and then nothing is written.
  virtual Result<std::int64_t> PublishEvent(const Json& event) = 0;

  // Marks events delivered; they are never claimed again. Unknown sequences are ignored.
  virtual Status MarkDelivered(std::span<const std::int64_t> sequences) = 0;

  // Deletes delivered events created before `before`; returns how many were deleted.
  virtual Result<std::int64_t> PruneDelivered(TimePoint before) = 0;

  // Returns the store's identity: 32 lower-case hex digits drawn at random when the store was
  // created, the same for every process that opens it. The names of the store's NATS stream
  // include it, so two stores on one NATS server never route each other's events.
  virtual Result<std::string> Identity() = 0;
};

}  // namespace rampart::store
