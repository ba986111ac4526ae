// The storage behind RemediationStore: one implementation on SQLite, one on PostgreSQL. Each
// method does what the RemediationStore method of the same name documents.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/remediation_store.h"

namespace rampart::store {

class RemediationBackend {
 public:
  virtual ~RemediationBackend() = default;
  virtual Result<std::pair<Remediation, bool>> Plan(const Remediation& record) = 0;
  virtual Result<std::optional<Remediation>> Get(std::int64_t id) = 0;
  virtual Result<std::optional<Remediation>> GetByKey(const std::string& key) = 0;
  virtual Result<std::vector<Remediation>> List(const RemediationFilter& filter) = 0;
  virtual Result<std::vector<Remediation>> ClaimDue(std::size_t limit, std::int64_t lease_us) = 0;
  virtual Status Update(const Remediation& record, RemediationState expected) = 0;
  virtual Result<std::int64_t> CountStartedSince(const std::string& rule,
                                                 std::int64_t since_us) = 0;
  virtual Result<bool> RecentForResource(const std::string& rule, const std::string& resource_id,
                                         std::int64_t since_us, const std::string& except_key) = 0;
  virtual Result<std::vector<std::pair<std::string, std::int64_t>>> CountByState() = 0;
  virtual Result<std::int64_t> RecoverExpiredLeases() = 0;
  virtual Result<std::int64_t> RecoverAllRunning() = 0;
};

Result<std::unique_ptr<RemediationBackend>> OpenSqliteRemediations(
    const std::string& path, const Clock& clock, const sqlite::OpenOptions& options);
Result<std::unique_ptr<RemediationBackend>> OpenPostgresRemediations(const std::string& url,
                                                                     const Clock& clock);

// The columns both backends read, in the order ReadRecord expects.
inline constexpr const char* kRemediationColumns =
    "id, idempotency_key, rule, target_index, action, dry_run, product_arn, finding_id, "
    "resource_id, state, attempts, max_attempts, next_attempt_at, lease_until, summary, diff, "
    "output, error, approved_by, decided_at, params, finding, event, rollback, created_at, "
    "updated_at, started_at, finished_at";

// Helpers both backends share.
Json ParseStoredJson(const std::string& text);  // empty or unreadable text is null
std::string DumpStoredJson(const Json& value);  // null is empty text
// Microseconds since the epoch of a stored RFC 3339 time, 0 when it is empty or unreadable.
std::int64_t StoredMicros(const std::string& time);
// A FailedPrecondition saying the record left `expected`.
Status StateChanged(std::int64_t id, RemediationState expected);

}  // namespace rampart::store
