// The FindingStore on a PostgreSQL database, shared by any number of Rampart processes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <pqxx/pqxx>

#include "core/clock.h"
#include "store/finding_store.h"
#include "store/outbox_signal.h"
#include "store/postgres_support.h"

namespace rampart::store {

// PostgreSQL takes only the options that every backend takes.
using PostgresStoreOptions = FindingStoreOptions;

// A FindingStore in a PostgreSQL database, on one connection. Each write is one transaction.
// Writers in several processes serialize per finding: a write first takes a
// transaction-scoped advisory lock on each finding of its batch, in key order, so two
// batches that share findings wait for each other instead of deadlocking. It inserts its outbox
// events last, under one more advisory lock held until commit, so outbox sequences grow in commit
// order. Not thread-safe: open one store per thread.
//
// When the connection breaks, the call in progress fails with kUnavailable, and the next
// call connects again.
//
// NOTE: PostgreSQL cannot store the character U+0000 in JSONB, so a finding that contains it
// fails with InvalidInput, where the SQLite store accepts it.
class PostgresFindingStore final : public FindingStore {
 public:
  // Connects to `url` (postgresql://user:password@host:port/database) and migrates the schema.
  static Result<std::unique_ptr<PostgresFindingStore>> Open(
      const std::string& url, const PostgresStoreOptions& options = {});

  Result<ImportSummary> Import(std::vector<Json> findings, const ImportOptions& options) override;
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
  // A finding as stored: its sequence number, UpdatedAt, customer-field bits and document.
  struct StoredFinding {
    std::int64_t seq = 0;
    std::int64_t updated_at = 0;
    std::uint32_t customer_fields = 0;
    Json document;
  };

  // An outbox event waiting for the end of its write transaction.
  struct PendingEvent {
    std::string event_id;
    std::string text;
  };

  PostgresFindingStore(std::unique_ptr<pqxx::connection> connection, std::string url,
                       const PostgresStoreOptions& options);

  // Prepares the statements of the write path on `connection`, which parses and plans each
  // once per connection instead of once per finding.
  static void PrepareStatements(pqxx::connection& connection);
  // True when a string of the key contains U+0000, which PostgreSQL text cannot store, so no
  // stored finding has this key.
  static bool HasNul(const FindingKey& key);
  // True when PostgreSQL can store the key: valid UTF-8 without U+0000. No stored finding has
  // another key, and PostgreSQL rejects such a parameter instead of finding nothing.
  static bool IsStorableKey(const FindingKey& key);
  // Takes the advisory lock of each finding key, in ascending order of the lock keys.
  static void LockFindings(pqxx::work& work, const std::vector<FindingKey>& keys);
  // Reads the stored findings among `keys` into batch_findings_, in one statement, so the
  // import or update of a batch looks each finding up without a round trip.
  void LoadBatch(pqxx::work& work, const std::vector<FindingKey>& keys);
  // Returns the finding `key` as loaded by LoadBatch and changed by the batch since.
  std::optional<StoredFinding> Find(const FindingKey& key) const;
  // Returns the stored finding `key`, read from the database.
  static std::optional<StoredFinding> FindOne(pqxx::work& work, const FindingKey& key);
  // Records the finding `key` as the rest of the batch must see it, when the batch names it
  // again.
  void KeepInBatch(const FindingKey& key, StoredFinding stored);

  // The import functions take `path`, the finding's JSON path in its batch (see
  // ImportOptions::paths), which the messages of a failed finding name.
  ImportResult ImportOne(pqxx::work& work, Json& finding, const std::string& path,
                         const ImportOptions& options, TimePoint now);
  ImportResult CreateFinding(pqxx::work& work, FindingKey key, Json& finding,
                             const std::string& path, const ImportOptions& options, TimePoint now);
  ImportResult UpdateFinding(pqxx::work& work, FindingKey key, const StoredFinding& stored,
                             Json& finding, const std::string& path, const ImportOptions& options,
                             TimePoint now);
  std::optional<UnprocessedFinding> UpdateOne(pqxx::work& work, const FindingUpdate& update,
                                              const FindingIdentifier& identifier,
                                              std::string_view actor, TimePoint now);

  // Serializes `finding` into document_text_ and returns the reason it cannot be stored:
  // invalid UTF-8, U+0000 or a size over the limit. Returns nullopt when it can. `path` is
  // the finding's JSON path in its batch, or "$" outside an import.
  std::optional<std::pair<std::string, std::string>> CheckDocument(const Json& finding,
                                                                   std::string_view path = "$");

  // Writes the findings row, side-table rows and creation record of a new finding
  // (serialized in document_text_) in one statement, and returns its seq.
  std::int64_t InsertFinding(pqxx::work& work, const Json& finding, std::string_view actor,
                             TimePoint now);
  // Rewrites the findings row and side-table rows of a changed finding.
  void RewriteFinding(pqxx::work& work, std::int64_t seq, const Json& finding,
                      std::uint32_t customer_fields);
  static void WriteSideRows(pqxx::work& work, std::int64_t seq, const Json& finding);
  static void WriteHistory(pqxx::work& work, std::int64_t seq, TimePoint now, UpdateSource source,
                           std::string_view identity, bool created,
                           const std::vector<FieldChange>& changes);

  // Queues the "Findings - Imported" event of `finding`, serialized in document_text_.
  void QueueFindingEvent(const Json& finding, TimePoint now);
  // Inserts the queued events under the outbox lock; returns how many.
  std::size_t InsertPendingEvents(pqxx::work& work, TimePoint now);

  // Returns `value` as JSON text; throws std::invalid_argument when a string is not valid
  // UTF-8, which the callers have checked before.
  static std::string JsonText(const Json& value);
  // Opens a new connection when the current one was lost, so a store outlives a restart of
  // the server.
  Status Reconnect();
  // Runs `body()` through postgres::RunReconnecting, so it runs once more on a new connection
  // after a server restart; each body starts from scratch. Other exceptions become a Status
  // naming `action`. Imports and updates do not use it, because they consume their input.
  template <typename Body>
  auto RunRetrying(std::string_view action, Body&& body) -> decltype(body()) {
    return postgres::RunReconnecting(
        connection_, [this] { return Reconnect(); },
        [&](const std::exception& error) { return Failure(error, action); }, body);
  }
  // Converts what libpqxx threw into a Status naming the store's URL and `action`.
  Status Failure(const std::exception& error, std::string_view action) const;
  void NotifyOutbox() const;

  std::unique_ptr<pqxx::connection> connection_;
  std::string url_;
  const Clock* clock_;
  OutboxSignal* outbox_signal_;
  std::mt19937_64 random_;
  std::size_t max_finding_bytes_;
  std::vector<PendingEvent> pending_events_;
  // The stored findings of the batch being written, by ProductArn, U+0000 and Id, and the
  // keys that the batch names more than once, whose changes must be kept for later entries.
  std::unordered_map<std::string, StoredFinding> batch_findings_;
  std::unordered_set<std::string> repeated_keys_;
  // Reused for every finding written, so large texts are not allocated per finding.
  std::string document_text_;
};

}  // namespace rampart::store
