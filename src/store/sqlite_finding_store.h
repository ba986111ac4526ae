// The FindingStore on an embedded SQLite database in WAL mode.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_set>

#include "core/clock.h"
#include "store/finding_store.h"
#include "store/outbox_signal.h"
#include "store/sqlite_database.h"
#include "store/sqlite_query.h"
#include "store/sqlite_row_batch.h"

namespace rampart::store {

struct SqliteStoreOptions {
  sqlite::OpenOptions database;
  const Clock* clock = &DefaultClock();  // for ProcessedAt, history times and events
  // Seeds the event id generator, for reproducible tests; empty seeds from std::random_device.
  std::optional<std::uint64_t> random_seed;
  // The largest stored document. 240 KiB is Security Hub's limit per finding.
  std::size_t max_finding_bytes = 240 * 1024;
  // A filter on a resource type, resource id or vulnerability id that matches at least this
  // many rows is checked finding by finding in sort order, so a page of a common resource
  // type stops early; a rarer one selects its findings through the index first. 0 always
  // selects first.
  std::int64_t many_side_rows = 5000;
  // Notified after every commit that wrote outbox events; not owned, may be null.
  OutboxSignal* outbox_signal = nullptr;
};

// A FindingStore in one SQLite file. Each write is one transaction (BEGIN IMMEDIATE), so a
// batch that the caller saw committed survives a killed process; with the default
// synchronous = FULL it also survives a power loss. Not thread-safe: open one store per
// thread; stores in several threads or processes may share the file.
class SqliteFindingStore final : public FindingStore {
 public:
  // Opens the database at `path`, creating it when allowed, and migrates its schema.
  static Result<std::unique_ptr<SqliteFindingStore>> Open(const std::string& path,
                                                          const SqliteStoreOptions& options = {});

  Result<ImportSummary> Import(std::vector<Json> findings, const ImportOptions& options) override;
  Result<ImportSummary> ImportPrepared(std::span<PreparedFinding* const> findings,
                                       const ImportOptions& options) override;
  Result<UpdateSummary> Update(const FindingUpdate& update, std::string_view actor) override;
  Result<std::optional<Json>> Get(const FindingKey& key) override;
  Result<FindingPage> List(const FindingQuery& query) override;
  Result<std::int64_t> Count(const Filters& filters) override;
  Result<std::vector<GroupCount>> GroupBy(const Filters& filters,
                                          std::string_view attribute) override;
  Result<std::vector<HistoryRecord>> History(const FindingKey& key) override;
  Result<std::vector<OutboxEvent>> ReadEvents(std::int64_t after_sequence,
                                              std::size_t limit) override;
  Result<std::vector<OutboxEvent>> ClaimEvents(std::string_view consumer, std::size_t limit,
                                               std::chrono::seconds lease) override;
  Result<std::int64_t> PublishEvent(const Json& event) override;
  Status MarkDelivered(std::span<const std::int64_t> sequences) override;
  Result<std::int64_t> PruneDelivered(TimePoint before) override;
  Result<std::string> Identity() override;

 private:
  // A finding as stored: its sequence number, UpdatedAt, customer-field bits, document, and
  // the outbox event that refers to this document (0 for none).
  struct StoredFinding {
    std::int64_t seq = 0;
    std::int64_t updated_at = 0;
    std::uint32_t customer_fields = 0;
    std::string document;
    std::int64_t event_sequence = 0;
  };

  SqliteFindingStore(std::unique_ptr<sqlite::Database> db, const SqliteStoreOptions& options);

  // Parses a document this store wrote, which was valid JSON when written.
  static Result<Json> ParseStored(std::string_view text);

  // Returns true when `condition` matches at least many_side_rows rows of `table`.
  bool ManySideRows(std::string_view table, std::string_view condition,
                    std::span<const sqlite::SqlValue> parameters);

  Result<std::optional<StoredFinding>> Find(std::string_view product_arn, std::string_view id);
  // Imports `count` findings in one write transaction, the i-th with `import_one(i, now)`.
  Result<ImportSummary> ImportBatch(
      std::size_t count,
      const std::function<Result<ImportResult>(std::size_t, TimePoint)>& import_one);
  // The import functions take `path`, the finding's JSON path in its batch (see
  // ImportOptions::paths), which the messages of a failed finding name.
  Result<ImportResult> ImportOne(Json& finding, const std::string& path,
                                 const ImportOptions& options, TimePoint now);
  Result<ImportResult> ImportPreparedOne(PreparedFinding& prepared, const ImportOptions& options,
                                         TimePoint now);
  // Imports `finding`, whose ProductArn and Id are `key`, as found in the store.
  Result<ImportResult> ImportFound(FindingKey key, std::optional<StoredFinding> stored,
                                   Json& finding, const std::string& path,
                                   const ImportOptions& options, TimePoint now);
  // Create and update a finding whose ProductArn and Id are `key`.
  Result<ImportResult> CreateFinding(FindingKey key, Json& finding, const std::string& path,
                                     const ImportOptions& options, TimePoint now);
  // Stores a completed new finding and its JSON text.
  Result<ImportResult> StoreNewFinding(FindingKey key, const Json& finding, std::string_view text,
                                       const std::string& path, const ImportOptions& options,
                                       TimePoint now);
  Result<ImportResult> UpdateFinding(FindingKey key, const StoredFinding& stored, Json& finding,
                                     const std::string& path, const ImportOptions& options,
                                     TimePoint now);
  Result<std::optional<UnprocessedFinding>> UpdateOne(const FindingUpdate& update,
                                                      const FindingIdentifier& identifier,
                                                      std::string_view actor, TimePoint now);

  // Prepares the write transaction just begun. Reads the seq that SQLite will give the next
  // finding and the sequence of the next event, so that queued rows can refer to each other.
  Status StartWrite();
  // Queues a new finding, serialized in `text`, with its side-table rows and its event. Its
  // creation time and `actor` go into the row, where History finds them.
  Status QueueNewFinding(const Json& finding, std::string_view text, std::string_view actor,
                         TimePoint now);
  // Replaces the document of `stored` with `finding`, serialized in document_text_, and
  // queues its event and new side-table rows. `previous` is the stored document, parsed.
  Status RewriteFinding(const StoredFinding& stored, const Json& previous, const Json& finding,
                        std::uint32_t customer_fields, TimePoint now);
  // Queues the side-table rows of `finding`, after deleting those of `previous` when they
  // differ (nullptr for a new finding).
  Status QueueSideRows(std::int64_t seq, const Json& finding, const Json* previous);
  Status DeleteSideRows(std::string_view sql, const std::set<std::string>& keys, std::int64_t seq);
  Status WriteHistory(std::int64_t seq, TimePoint now, UpdateSource source,
                      std::string_view identity, const std::vector<FieldChange>& changes);
  // Returns the creation of finding `seq` as a history record, or nullopt when the finding
  // was created before schema version 2, whose finding_history rows include creations.
  Result<std::optional<HistoryRecord>> CreationRecord(std::int64_t seq);

  // Queues the outbox event of a change to finding `seq`, which refers to the finding's row
  // instead of copying its document, and returns the event's sequence.
  std::int64_t QueueFindingEvent(std::int64_t seq, std::int64_t id_hash, TimePoint now);
  // Inserts the queued rows. Find calls it first when the finding it looks up has rows queued.
  Status FlushPendingRows();
  // Fails unless the last row inserted got the key `expected`.
  Status CheckLastRowId(std::string_view table, std::int64_t expected) const;
  void ClearPendingRows();
  // Writes the full text of the event that refers to the document of `stored` (`previous`,
  // parsed) into its outbox row, if that event is still there. Call before the document
  // changes.
  Status WriteOutEvent(const StoredFinding& stored, const Json& previous);
  // Fills in the text of events read with event = '' from the rows of their findings.
  Status BuildFindingEvents(std::vector<OutboxEvent>& events,
                            const std::vector<std::int64_t>& finding_seqs);

  // Notifies the outbox signal, if there is one.
  void NotifyOutbox() const;

  std::unique_ptr<sqlite::Database> db_;
  const Clock* clock_;
  OutboxSignal* outbox_signal_;
  std::mt19937_64 random_;
  std::size_t max_finding_bytes_;
  std::int64_t many_side_rows_;
  sqlite::SideTableEstimator estimator_;
  // The seq of the next finding created and the sequence of the next event, valid inside a
  // write transaction after StartWrite.
  std::int64_t next_finding_seq_ = 0;
  std::int64_t next_event_sequence_ = 0;
  // Rows of the current write transaction that are not inserted yet, and the Id hashes of
  // the findings they belong to.
  sqlite::RowBatch finding_rows_;
  sqlite::RowBatch event_rows_;
  sqlite::RowBatch resource_rows_;
  sqlite::RowBatch vulnerability_rows_;
  std::unordered_set<std::int64_t> pending_id_hashes_;
  // Reused for every finding written, so large texts are not allocated per finding.
  std::string document_text_;
  std::string event_text_;
};

}  // namespace rampart::store
