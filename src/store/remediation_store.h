// Remediation records: one per planned (rule, target, finding), keyed by an idempotency key,
// moving through PLANNED, AWAITING_APPROVAL, RUNNING, SUCCEEDED, FAILED, VERIFIED,
// ROLLED_BACK, REJECTED and SKIPPED.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "store/sqlite_database.h"

namespace rampart::store {

enum class RemediationState {
  kPlanned,
  kAwaitingApproval,
  kRunning,
  kSucceeded,
  kFailed,
  kVerified,
  kRolledBack,
  kRejected,  // a person rejected it while it awaited approval; it never ran
  kSkipped,   // approved after its finding was suppressed, archived or resolved; it never ran
};

std::string_view RemediationStateName(RemediationState state);
std::optional<RemediationState> ParseRemediationState(std::string_view text);

struct Remediation {
  std::int64_t id = 0;
  std::string idempotency_key;  // unique: the same key is never planned twice
  std::string rule;
  int target_index = 0;
  std::string action;  // such as "gitops.bump-image"
  bool dry_run = true;
  std::string product_arn;
  std::string finding_id;
  std::string resource_id;  // first resource of the finding, for cool-downs
  RemediationState state = RemediationState::kPlanned;
  int attempts = 0;
  int max_attempts = 3;
  std::int64_t next_attempt_at_us = 0;  // a PLANNED record runs from then on
  std::int64_t lease_until_us = 0;      // a RUNNING record is abandoned after this
  std::string summary;
  std::string diff;
  std::string output;  // bounded by the action
  std::string error;
  std::string approved_by;
  std::string decided_at;  // when approved or rejected
  Json params;             // the rule target's parameters
  Json finding;            // the finding as the event carried it
  Json event;              // the event that planned this record
  Json rollback;           // what Rollback needs, or null
  std::string created_at;
  std::string updated_at;
  std::string started_at;
  std::string finished_at;
};

Json RemediationToJson(const Remediation& remediation);

struct RemediationFilter {
  std::optional<RemediationState> state;
  std::string rule;
  std::size_t limit = 100;
};

// Every state a remediation record can be in.
inline constexpr std::array<std::string_view, 9> kRemediationStates = {
    "PLANNED",  "AWAITING_APPROVAL", "RUNNING",  "SUCCEEDED", "FAILED",
    "VERIFIED", "ROLLED_BACK",       "REJECTED", "SKIPPED"};

// The states, "PLANNED, AWAITING_APPROVAL, ... or SKIPPED", for messages and help texts.
std::string RemediationStateList();

// Remediation records in a SQLite database file or a PostgreSQL database. Safe to share
// between threads and between processes on one database: state changes are compare-and-set
// in one transaction.
class RemediationStore {
 public:
  // Opens the store at `location`: a SQLite path (also written "sqlite:PATH") or a
  // postgresql:// URL. Of `options`, only the synchronous mode and wal_autocheckpoint_pages
  // apply, and only to SQLite.
  static Result<std::unique_ptr<RemediationStore>> Open(const std::string& location,
                                                        const Clock& clock = DefaultClock(),
                                                        const sqlite::OpenOptions& options = {});
  ~RemediationStore();
  RemediationStore(const RemediationStore&) = delete;
  RemediationStore& operator=(const RemediationStore&) = delete;

  // Inserts `record` unless its idempotency key exists; returns the stored record and
  // whether it was inserted now.
  Result<std::pair<Remediation, bool>> Plan(const Remediation& record);

  Result<std::optional<Remediation>> Get(std::int64_t id);
  Result<std::optional<Remediation>> GetByKey(const std::string& key);
  Result<std::vector<Remediation>> List(const RemediationFilter& filter);

  // Moves up to `limit` PLANNED records whose next attempt is due to RUNNING, counting an
  // attempt and leasing each for `lease_us`, and returns them. Two workers never claim the
  // same record.
  Result<std::vector<Remediation>> ClaimDue(std::size_t limit, std::int64_t lease_us);

  // Writes `record` when the stored state is still `expected`; FailedPrecondition otherwise.
  Status Update(const Remediation& record, RemediationState expected);

  // Approves an AWAITING_APPROVAL record (it becomes PLANNED and due now) or rejects it (it
  // becomes REJECTED, with who rejected it as the error). Errors name the record and its state.
  Result<Remediation> Decide(std::int64_t id, bool approve, const std::string& who);

  // Records started by `rule` since `since_us` (RUNNING or later), for rate limits.
  Result<std::int64_t> CountStartedSince(const std::string& rule, std::int64_t since_us);

  // Returns true when `rule` has a record for `resource_id` created since `since_us`, other
  // than `except_key`, for cool-downs.
  Result<bool> RecentForResource(const std::string& rule, const std::string& resource_id,
                                 std::int64_t since_us, const std::string& except_key);

  // Counts records per state.
  Result<std::vector<std::pair<std::string, std::int64_t>>> CountByState();

  // Moves RUNNING records whose lease expired (their worker was killed) back to PLANNED,
  // due now; the interrupted attempt stays counted.
  Result<std::int64_t> RecoverExpiredLeases();

  // Moves every RUNNING record back to PLANNED, due now. Only for a process that is the sole
  // executor of this database (such as `rampart run` on SQLite) and starts after a crash.
  Result<std::int64_t> RecoverAllRunning();

 private:
  struct Impl;
  explicit RemediationStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rampart::store
