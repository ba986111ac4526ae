// The remediation engine: plans one remediation per (rule, target, finding) from routed
// events, applies each rule's guardrails, runs due remediations with retries, verifies fixes
// and writes every step to the audit log.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "remediate/action.h"
#include "remediate/policy.h"
#include "store/audit_log.h"
#include "store/remediation_store.h"

namespace rampart::remediate {

// Checks a fix: returns true when the problem is gone. Errors mean the check itself could
// not run.
using Verifier = std::function<Result<bool>(const VerifySpec& spec, const Json& finding,
                                            const ActionContext& context)>;

// Publishes an event (EventBridge envelope) so that rules can route it, such as
// "Rampart Remediation Failed". An error leaves the failed remediation RUNNING, so that it
// runs again after its lease and the event is not lost.
using EventEmitter = std::function<Status(const Json& event)>;

// The detail-type of the event emitted when a remediation fails for good. Its source is
// "rampart" and its detail contains remediation_id, rule, target {index, action},
// idempotency_key, finding_id, product_arn, resource_id, attempts, max_attempts, error,
// failed_rules and findings (the finding, so that finding actions can act on it).
inline constexpr std::string_view kRemediationFailedDetailType = "Rampart Remediation Failed";

// Builds the failure event of `record`, whose error and attempts are final. failed_rules
// lists this record's rule after the failed_rules of the failure event that planned it, if
// one did. Rules on that list are never planned from this event, so failures cannot loop.
Json RemediationFailedEvent(const store::Remediation& record, TimePoint time);

// Reads the stored version of a finding, by its ProductArn and Id; nullopt when the store has
// none.
using FindingReader = std::function<Result<std::optional<Json>>(const Json& finding)>;

struct EngineHooks {
  FindingUpdater update_finding;  // customer updates: notes, workflow status
  EventEmitter emit_event;
  Verifier verify;
  // Without it, an approved record runs whatever became of its finding meanwhile.
  FindingReader read_finding;
};

// What PlanEvent did with one event.
struct PlanReport {
  int planned = 0;
  int awaiting_approval = 0;
  int duplicates = 0;  // the idempotency key was planned before
  int skipped = 0;     // loop prevention or cool-down, per finding and target
  std::vector<std::int64_t> remediation_ids;
};

// What RunDue did.
struct RunReport {
  int succeeded = 0;
  int verified = 0;
  int failed = 0;
  int retried = 0;
  int rolled_back = 0;
  int deferred = 0;  // held back by a rate limit
  int skipped = 0;   // approved after the finding was suppressed, archived or resolved
};

// Returns the fingerprint of the problem a finding describes: its document without times,
// Workflow and the other fields customers set. A rescan that finds the same problem again
// gives the same fingerprint although it moves UpdatedAt.
std::string ProblemFingerprint(const Json& finding);

// Returns the idempotency key of one planned action: the same (rule, target, finding,
// problem fingerprint) always gives the same key, so a re-delivered event, a rescan that
// finds the problem unchanged, or a customer update plans nothing new. For a failure event,
// `trigger` is the idempotency key of the failed remediation, so each failure of one finding
// is routed once. It is empty for finding events. A dry run gets
// another key than an enforced run, so a rule switched to enforce acts on what it previewed.
std::string IdempotencyKey(const std::string& rule, int target_index, const Json& finding,
                           std::string_view trigger = {}, bool dry_run = false);

// Returns the exponential back-off before attempt `attempt` + 1: initial * 2^(attempt-1),
// at most `max`, with equal jitter (half fixed, half uniform) from `random`.
std::chrono::microseconds Backoff(int attempt, std::chrono::microseconds initial,
                                  std::chrono::microseconds max, std::mt19937_64& random);

// Thread-compatible: one thread drives an Engine; several processes may share the stores.
class Engine {
 public:
  Engine(store::RemediationStore& remediations, store::AuditLog& audit,
         const ActionRegistry& actions, ActionContext base_context, EngineHooks hooks,
         std::uint64_t seed);

  // Replaces the policies, by rule name. Targets naming an unknown action, or with invalid
  // parameters, are an error naming the rule and target; the old policies stay in force.
  Status SetPolicies(std::vector<RemediationPolicy> policies);

  // Plans the targets of every rule in `matched_rules` for every finding in the event's
  // detail.findings. A failure event never plans a rule named in its detail.failed_rules.
  Result<PlanReport> PlanEvent(const Json& event, const std::vector<std::string>& matched_rules);

  // Runs up to `limit` due remediations to completion (success, retry scheduled, or failure).
  Result<RunReport> RunDue(std::size_t limit);

  const std::string& actor() const { return actor_; }

 private:
  Status PlanTarget(const RemediationPolicy& policy, int target_index, const Json& finding,
                    const Json& event, std::string_view trigger, PlanReport& report);
  Status RunOne(store::Remediation record, RunReport& report);
  Result<bool> HoldForRateLimit(store::Remediation& record, const Guardrails& guardrails);
  Status Finish(store::Remediation& record, const RemediationPolicy* policy,
                const Result<ActionResult>& result, Action* action, RunReport& report);
  Status Fail(store::Remediation& record, const std::string& error, RunReport& report);
  // Returns true after it marked an approved record SKIPPED, because its finding was
  // suppressed, archived or resolved while the record awaited approval.
  Result<bool> SkipStaleApproval(store::Remediation& record, RunReport& report);
  ActionContext ContextFor(const Guardrails& guardrails) const;
  void Audit(const std::string& action, const store::Remediation& record, Json details);
  void NoteOnFinding(const store::Remediation& record, const std::string& text,
                     const std::string& workflow_status);

  store::RemediationStore& remediations_;
  store::AuditLog& audit_;
  const ActionRegistry& actions_;
  ActionContext base_context_;
  EngineHooks hooks_;
  std::mt19937_64 random_;
  std::map<std::string, RemediationPolicy> policies_;
  std::string actor_ = "rampart";
};

}  // namespace rampart::remediate
