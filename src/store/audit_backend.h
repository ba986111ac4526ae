// The storage behind AuditLog: one implementation on SQLite, one on PostgreSQL.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/audit_log.h"

namespace rampart::store {

class AuditBackend {
 public:
  virtual ~AuditBackend() = default;

  // Appends entries after the newest one, in order, as one step that no other writer of the
  // database can interleave with, and returns them. `drafts` is not empty.
  virtual Result<std::vector<Entry>> AppendAll(const std::vector<EntryDraft>& drafts) = 0;

  // Returns up to `limit` entries after `after_sequence`, in order, with each entry's details
  // exactly as stored in `details_texts` when it is not null.
  virtual Result<std::vector<Entry>> ReadEntries(std::int64_t after_sequence, std::size_t limit,
                                                 std::vector<std::string>* details_texts) = 0;
};

Result<std::unique_ptr<AuditBackend>> OpenSqliteAudit(const std::string& path, const Clock& clock,
                                                      const sqlite::OpenOptions& options);
Result<std::unique_ptr<AuditBackend>> OpenPostgresAudit(const std::string& url, const Clock& clock);

// Returns the entry that follows the one with `last_sequence` and `last_hash` (0 and empty for
// the first entry), with its hash over `details_text`.
Entry NextEntry(std::int64_t last_sequence, const std::string& last_hash, std::string time,
                const EntryDraft& draft, const std::string& details_text);

}  // namespace rampart::store
