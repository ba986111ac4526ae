// The append-only audit log: every entry's SHA-256 covers the previous entry's hash, so an
// entry edited, removed or reordered breaks the chain and Verify reports where.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "store/sqlite_database.h"

namespace rampart::store {

// One audit entry as stored. `hash` = SHA-256 of (previous hash, sequence, time, actor,
// action, subject, canonical JSON of details), so every stored byte is covered.
struct Entry {
  std::int64_t sequence = 0;  // 1, 2, 3 ... without gaps
  std::string time;           // RFC 3339
  std::string actor;          // who: a token name, "rampart" for the engine, a user
  std::string action;         // what, such as "remediation.run" or "finding.update"
  std::string subject;        // which thing, such as a finding id or a rule name
  Json details;               // the rest: diff, outcome, idempotency key
  std::string previous_hash;  // 64 hex digits; all zeros for the first entry
  std::string hash;
};

// An entry to append: the fields the caller chooses. The log adds the sequence, the time and
// the hashes.
struct EntryDraft {
  std::string actor;
  std::string action;
  std::string subject;
  Json details;
};

// Where the chain broke, when it did.
struct VerifyReport {
  bool ok = true;
  std::int64_t entries = 0;
  std::int64_t first_bad_sequence = 0;  // 0 when ok
  std::string problem;                  // what is wrong at first_bad_sequence
};

// Returns the hash of an entry from its fields, the previous hash and `details_text`, the
// details exactly as stored.
std::string ComputeEntryHash(const Entry& entry, std::string_view details_text);

// An audit log kept in a SQLite database file or a PostgreSQL database (its own table, beside
// the finding store). Thread-safe: Append serializes writers through a SQLite write
// transaction or a PostgreSQL advisory lock, so several processes sharing the database still
// build one chain.
class AuditLog {
 public:
  // Opens the log at `location`: a SQLite path (also written "sqlite:PATH") or a
  // postgresql:// URL. Of `options`, only the synchronous mode and wal_autocheckpoint_pages
  // apply, and only to SQLite.
  static Result<std::unique_ptr<AuditLog>> Open(const std::string& location,
                                                const Clock& clock = DefaultClock(),
                                                const sqlite::OpenOptions& options = {});
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends an entry and returns it with its sequence and hash.
  Result<Entry> Append(const std::string& actor, const std::string& action,
                       const std::string& subject, const Json& details);
  // Appends the drafts in order, as one step: all of them or, on an error, none.
  Result<std::vector<Entry>> AppendAll(const std::vector<EntryDraft>& drafts);

  // Recomputes the chain from the first entry.
  Result<VerifyReport> Verify();

  // Writes every entry as one JSON object per line.
  Status Export(std::ostream& out);

  Result<std::vector<Entry>> Entries(std::int64_t after_sequence, std::size_t limit);

 private:
  struct Impl;
  explicit AuditLog(std::unique_ptr<Impl> impl);
  Result<std::vector<Entry>> ReadEntries(std::int64_t after_sequence, std::size_t limit,
                                         std::vector<std::string>* details_texts);
  std::unique_ptr<Impl> impl_;
};

// NOTE: the chain proves order and content up to the newest entry; removing entries from
// the end leaves a valid shorter chain, so auditors also compare the count and last hash
// they exported before.

// Returns the entry as the JSON object that Export writes.
Json EntryToJson(const Entry& entry);

}  // namespace rampart::store
