#include "store/remediation_store.h"

#include <fmt/format.h>

#include "store/remediation_backend.h"
#include "store/store_location.h"

namespace rampart::store {

std::string_view RemediationStateName(RemediationState state) {
  return kRemediationStates[static_cast<std::size_t>(state)];
}

std::optional<RemediationState> ParseRemediationState(std::string_view text) {
  for (std::size_t i = 0; i < kRemediationStates.size(); ++i) {
    if (kRemediationStates[i] == text) {
      return static_cast<RemediationState>(i);
    }
  }
  return std::nullopt;
}

std::string RemediationStateList() {
  std::string list;
  for (std::size_t i = 0; i < kRemediationStates.size(); ++i) {
    list += i == 0 ? "" : (i + 1 == kRemediationStates.size() ? " or " : ", ");
    list += kRemediationStates[i];
  }
  return list;
}

Json RemediationToJson(const Remediation& r) {
  return Json{{"Id", r.id},
              {"IdempotencyKey", r.idempotency_key},
              {"Rule", r.rule},
              {"TargetIndex", r.target_index},
              {"Action", r.action},
              {"DryRun", r.dry_run},
              {"FindingProductArn", r.product_arn},
              {"FindingId", r.finding_id},
              {"ResourceId", r.resource_id},
              {"State", RemediationStateName(r.state)},
              {"Attempts", r.attempts},
              {"MaxAttempts", r.max_attempts},
              {"Summary", r.summary},
              {"Diff", r.diff},
              {"Output", r.output},
              {"Error", r.error},
              {"ApprovedBy", r.approved_by},
              {"DecidedAt", r.decided_at},
              {"Params", r.params},
              {"CreatedAt", r.created_at},
              {"UpdatedAt", r.updated_at},
              {"StartedAt", r.started_at},
              {"FinishedAt", r.finished_at}};
}

Json ParseStoredJson(const std::string& text) {
  if (text.empty()) {
    return nullptr;
  }
  Json value = Json::parse(text, nullptr, false);
  return value.is_discarded() ? Json(nullptr) : value;
}

std::string DumpStoredJson(const Json& value) { return value.is_null() ? "" : value.dump(); }

std::int64_t StoredMicros(const std::string& time) {
  auto parsed = ParseTimestamp(time);
  return parsed ? ToUnixMicros(*parsed) : 0;
}

Status StateChanged(std::int64_t id, RemediationState expected) {
  return FailedPrecondition(
      fmt::format("remediation {} is no longer {}", id, RemediationStateName(expected)));
}

struct RemediationStore::Impl {
  std::unique_ptr<RemediationBackend> backend;
  const Clock* clock = nullptr;
};

RemediationStore::RemediationStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RemediationStore::~RemediationStore() = default;

Result<std::unique_ptr<RemediationStore>> RemediationStore::Open(
    const std::string& location, const Clock& clock, const sqlite::OpenOptions& options) {
  auto where = ParseStoreLocation(location);
  if (!where) {
    return where.status();
  }
  auto backend = where->postgres ? OpenPostgresRemediations(where->target, clock)
                                 : OpenSqliteRemediations(where->target, clock, options);
  if (!backend) {
    return backend.status();
  }
  auto impl = std::make_unique<Impl>();
  impl->backend = std::move(*backend);
  impl->clock = &clock;
  return std::unique_ptr<RemediationStore>(new RemediationStore(std::move(impl)));
}

Result<std::pair<Remediation, bool>> RemediationStore::Plan(const Remediation& record) {
  return impl_->backend->Plan(record);
}

Result<std::optional<Remediation>> RemediationStore::Get(std::int64_t id) {
  return impl_->backend->Get(id);
}

Result<std::optional<Remediation>> RemediationStore::GetByKey(const std::string& key) {
  return impl_->backend->GetByKey(key);
}

Result<std::vector<Remediation>> RemediationStore::List(const RemediationFilter& filter) {
  return impl_->backend->List(filter);
}

Result<std::vector<Remediation>> RemediationStore::ClaimDue(std::size_t limit,
                                                            std::int64_t lease_us) {
  return impl_->backend->ClaimDue(limit, lease_us);
}

Status RemediationStore::Update(const Remediation& record, RemediationState expected) {
  return impl_->backend->Update(record, expected);
}

Result<Remediation> RemediationStore::Decide(std::int64_t id, bool approve,
                                             const std::string& who) {
  auto found = Get(id);
  if (!found) {
    return found.status();
  }
  if (!found->has_value()) {
    return NotFound(
        fmt::format("remediation {} does not exist; see rampart remediations list", id));
  }
  Remediation record = std::move(**found);
  if (record.state != RemediationState::kAwaitingApproval) {
    return FailedPrecondition(fmt::format("remediation {} is {}, not AWAITING_APPROVAL", id,
                                          RemediationStateName(record.state)));
  }
  record.approved_by = approve ? who : "";
  record.decided_at = FormatTimestamp(impl_->clock->Now());
  if (approve) {
    record.state = RemediationState::kPlanned;
    record.next_attempt_at_us = ToUnixMicros(impl_->clock->Now());
  } else {
    record.state = RemediationState::kRejected;
    record.error = fmt::format("rejected by {}", who);
    record.finished_at = record.decided_at;
  }
  RAMPART_RETURN_IF_ERROR(Update(record, RemediationState::kAwaitingApproval));
  // Read back, so the result has the UpdatedAt that the store wrote.
  auto stored = Get(id);
  if (stored && stored->has_value()) {
    return std::move(**stored);
  }
  return record;
}

Result<std::int64_t> RemediationStore::CountStartedSince(const std::string& rule,
                                                         std::int64_t since_us) {
  return impl_->backend->CountStartedSince(rule, since_us);
}

Result<bool> RemediationStore::RecentForResource(const std::string& rule,
                                                 const std::string& resource_id,
                                                 std::int64_t since_us,
                                                 const std::string& except_key) {
  return impl_->backend->RecentForResource(rule, resource_id, since_us, except_key);
}

Result<std::vector<std::pair<std::string, std::int64_t>>> RemediationStore::CountByState() {
  return impl_->backend->CountByState();
}

Result<std::int64_t> RemediationStore::RecoverExpiredLeases() {
  return impl_->backend->RecoverExpiredLeases();
}

Result<std::int64_t> RemediationStore::RecoverAllRunning() {
  return impl_->backend->RecoverAllRunning();
}

}  // namespace rampart::store
