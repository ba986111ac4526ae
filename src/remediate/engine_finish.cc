// The end of one attempt: success, verification, retry or failure.
#include <fmt/format.h>

#include "core/hash.h"
#include "core/log.h"
#include "remediate/engine.h"

namespace rampart::remediate {
namespace {

using store::Remediation;
using store::RemediationState;

bool IsRetryable(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded ||
         code == StatusCode::kIoError || code == StatusCode::kResourceExhausted;
}

// Returns the failed_rules of the failure event that planned `record`, if one did.
Json FailedRulesBefore(const Remediation& record) {
  if (StringOr(record.event, "detail-type") != kRemediationFailedDetailType) {
    return Json::array();
  }
  const Json* rules = FindPath(record.event, "detail.failed_rules");
  return rules != nullptr && rules->is_array() ? *rules : Json::array();
}

}  // namespace

Json RemediationFailedEvent(const Remediation& record, TimePoint time) {
  Json failed_rules = FailedRulesBefore(record);
  failed_rules.push_back(record.rule);
  Json detail = {{"remediation_id", record.id},
                 {"rule", record.rule},
                 {"target", {{"index", record.target_index}, {"action", record.action}}},
                 {"idempotency_key", record.idempotency_key},
                 {"finding_id", record.finding_id},
                 {"product_arn", record.product_arn},
                 {"resource_id", record.resource_id},
                 {"attempts", record.attempts},
                 {"max_attempts", record.max_attempts},
                 {"error", record.error},
                 {"failed_rules", std::move(failed_rules)},
                 {"findings", Json::array({record.finding})}};
  // The id depends on the record alone, so a failure reported twice (after a crash between
  // the event and the record update) is the same event to every consumer.
  return Json{
      {"version", "0"},
      {"id", StableId({kRemediationFailedDetailType, record.idempotency_key})},
      {"detail-type", kRemediationFailedDetailType},
      {"source", "rampart"},
      {"account", StringOr(record.finding, "AwsAccountId")},
      {"time", FormatTimestamp(time)},
      {"region", StringOr(record.finding, "Region")},
      {"resources", record.resource_id.empty() ? Json::array() : Json::array({record.resource_id})},
      {"detail", std::move(detail)}};
}

Status Engine::Finish(Remediation& record, const RemediationPolicy* policy,
                      const Result<ActionResult>& result, Action* action, RunReport& report) {
  const std::string now = FormatTimestamp(base_context_.clock->Now());
  if (!result) {
    const Status& error = result.status();
    if (IsRetryable(error.code()) && record.attempts < record.max_attempts) {
      const auto delay = Backoff(record.attempts, policy->guardrails.backoff_initial,
                                 policy->guardrails.backoff_max, random_);
      record.state = RemediationState::kPlanned;
      record.error = error.ToString();
      record.next_attempt_at_us = ToUnixMicros(base_context_.clock->Now()) + delay.count();
      RAMPART_RETURN_IF_ERROR(remediations_.Update(record, RemediationState::kRunning));
      report.retried += 1;
      Audit("remediation.retry", record,
            Json{{"error", record.error}, {"delay_ms", delay.count() / 1000}});
      Logger("remediate")
          ->info("remediation {} attempt {} failed, retrying in {} ms: {}", record.id,
                 record.attempts, delay.count() / 1000, record.error);
      return Status::Ok();
    }
    return Fail(record, error.ToString(), report);
  }

  record.summary = result->summary;
  record.diff = result->diff;
  record.output = result->output;
  record.rollback = result->rollback;
  record.error.clear();
  record.finished_at = now;
  record.state = RemediationState::kSucceeded;
  const bool verify = !record.dry_run && policy->verify.enabled() && hooks_.verify;
  if (!verify) {
    RAMPART_RETURN_IF_ERROR(remediations_.Update(record, RemediationState::kRunning));
    report.succeeded += 1;
    Audit(record.dry_run ? "remediation.dry-run" : "remediation.succeeded", record,
          Json{{"summary", record.summary}, {"diff", record.diff}, {"changed", result->changed}});
    // finding.update writes the note its rule requests, which the engine's note would replace.
    if (!record.dry_run && record.action != "finding.update") {
      NoteOnFinding(record, fmt::format("Rampart rule {}: {}", record.rule, record.summary), "");
    }
    return Status::Ok();
  }

  auto fixed = hooks_.verify(policy->verify, record.finding, ContextFor(policy->guardrails));
  if (fixed && *fixed) {
    record.state = RemediationState::kVerified;
    RAMPART_RETURN_IF_ERROR(remediations_.Update(record, RemediationState::kRunning));
    report.verified += 1;
    Audit("remediation.verified", record, Json{{"summary", record.summary}, {"diff", record.diff}});
    NoteOnFinding(
        record, fmt::format("Rampart rule {} fixed and verified: {}", record.rule, record.summary),
        "RESOLVED");
    return Status::Ok();
  }
  const std::string why = fixed ? "the re-scan still reports the problem"
                                : "the re-scan failed: " + fixed.status().ToString();
  if (policy->verify.rollback_on_failure && !record.rollback.is_null()) {
    const Status undone = action->Rollback(*result, ContextFor(policy->guardrails));
    if (undone.ok()) {
      record.state = RemediationState::kRolledBack;
      record.error = "verification failed, change rolled back: " + why;
      RAMPART_RETURN_IF_ERROR(remediations_.Update(record, RemediationState::kRunning));
      report.rolled_back += 1;
      Audit("remediation.rolled-back", record, Json{{"reason", why}});
      NoteOnFinding(record, fmt::format("Rampart rule {}: {}", record.rule, record.error), "");
      return Status::Ok();
    }
    return Fail(
        record,
        fmt::format("verification failed ({}) and rollback failed: {}", why, undone.ToString()),
        report);
  }
  return Fail(record, "verification failed: " + why, report);
}

Status Engine::Fail(Remediation& record, const std::string& error, RunReport& report) {
  const TimePoint now = base_context_.clock->Now();
  record.state = RemediationState::kFailed;
  record.error = error;
  record.finished_at = FormatTimestamp(now);
  // The event goes out before the record is final: a crash in between runs the last attempt
  // again and emits an event with the same id, where the other order could lose the event.
  if (hooks_.emit_event) {
    const Status emitted = hooks_.emit_event(RemediationFailedEvent(record, now));
    if (!emitted.ok()) {
      return emitted.WithContext(
          fmt::format("emitting the failure event of remediation {}", record.id));
    }
  }
  RAMPART_RETURN_IF_ERROR(remediations_.Update(record, RemediationState::kRunning));
  report.failed += 1;
  Audit("remediation.failed", record, Json{{"error", error}, {"attempts", record.attempts}});
  Logger("remediate")
      ->warn("remediation {} ({} on {}) failed after {} attempts: {}", record.id, record.action,
             record.finding_id, record.attempts, error);
  NoteOnFinding(record, fmt::format("Rampart rule {} failed: {}", record.rule, error), "");
  return Status::Ok();
}

}  // namespace rampart::remediate
