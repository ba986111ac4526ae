#include "remediate/engine.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/hash.h"
#include "core/log.h"
#include "remediate/rule_targets.h"

namespace rampart::remediate {
namespace {

using store::Remediation;
using store::RemediationState;

std::string FirstResourceId(const Json& finding) {
  const auto resources = finding.find("Resources");
  if (resources != finding.end() && resources->is_array() && !resources->empty()) {
    return StringOr((*resources)[0], "Id");
  }
  return "";
}

// Loop prevention: suppressed, archived and resolved findings never trigger a remediation.
std::string SkipReason(const Json& finding) {
  if (StringOr(finding, "RecordState") == "ARCHIVED") {
    return "the finding is archived";
  }
  const Json* workflow = FindPath(finding, "Workflow.Status");
  if (workflow != nullptr && workflow->is_string()) {
    if (*workflow == "SUPPRESSED") {
      return "the finding is suppressed";
    }
    if (*workflow == "RESOLVED") {
      return "the finding is resolved";
    }
  }
  return "";
}

// The failed remediation that a "Rampart Remediation Failed" event reports; empty for any
// other event.
struct FailureTrigger {
  std::string idempotency_key;
  std::int64_t remediation_id = 0;
  std::set<std::string> failed_rules;
};

FailureTrigger ReadFailureTrigger(const Json& event) {
  FailureTrigger trigger;
  if (StringOr(event, "detail-type") != kRemediationFailedDetailType ||
      StringOr(event, "source") != "rampart") {
    return trigger;
  }
  const Json* detail = FindPath(event, "detail");
  if (detail == nullptr || !detail->is_object()) {
    return trigger;
  }
  trigger.idempotency_key = StringOr(*detail, "idempotency_key");
  const auto id = detail->find("remediation_id");
  if (id != detail->end() && id->is_number_integer()) {
    trigger.remediation_id = id->get<std::int64_t>();
  }
  const std::string rule = StringOr(*detail, "rule");
  if (!rule.empty()) {
    trigger.failed_rules.insert(rule);
  }
  const auto rules = detail->find("failed_rules");
  if (rules != detail->end() && rules->is_array()) {
    for (const Json& name : *rules) {
      if (name.is_string()) {
        trigger.failed_rules.insert(name.get<std::string>());
      }
    }
  }
  return trigger;
}

// Reopenings of one problem that each get a remediation of their own.
constexpr int kMaxReopenings = 100;

std::string WorkflowStatus(const Json& finding) {
  const Json* status = FindPath(finding, "Workflow.Status");
  return status != nullptr && status->is_string() ? status->get<std::string>() : "NEW";
}

std::vector<std::string> MergeAllowList(const std::vector<std::string>& rule,
                                        const std::vector<std::string>& global) {
  return rule.empty() ? global : rule;
}

}  // namespace

std::string ProblemFingerprint(const Json& finding) {
  Json problem = finding;
  for (const char* field :
       {"CreatedAt", "UpdatedAt", "ProcessedAt", "FirstObservedAt", "LastObservedAt", "Note",
        "UserDefinedFields", "VerificationState", "Workflow", "WorkflowState"}) {
    problem.erase(field);
  }
  return StableId({problem.dump()}, 40);
}

std::string IdempotencyKey(const std::string& rule, int target_index, const Json& finding,
                           std::string_view trigger, bool dry_run) {
  const std::string index = std::to_string(target_index);
  const std::string product_arn = StringOr(finding, "ProductArn");
  const std::string id = StringOr(finding, "Id");
  const std::string problem = ProblemFingerprint(finding);
  return StableId({rule, index, product_arn, id, problem, trigger, dry_run ? "dry-run" : ""}, 40);
}

std::chrono::microseconds Backoff(int attempt, std::chrono::microseconds initial,
                                  std::chrono::microseconds max, std::mt19937_64& random) {
  const int doublings = std::clamp(attempt - 1, 0, 30);
  const double full = std::min(static_cast<double>(initial.count()) * (1u << doublings),
                               static_cast<double>(max.count()));
  std::uniform_real_distribution<double> jitter(0.0, full / 2);
  return std::chrono::microseconds(static_cast<std::int64_t>(full / 2 + jitter(random)));
}

Engine::Engine(store::RemediationStore& remediations, store::AuditLog& audit,
               const ActionRegistry& actions, ActionContext base_context, EngineHooks hooks,
               std::uint64_t seed)
    : remediations_(remediations),
      audit_(audit),
      actions_(actions),
      base_context_(std::move(base_context)),
      hooks_(std::move(hooks)),
      random_(seed) {}

Status Engine::SetPolicies(std::vector<RemediationPolicy> policies) {
  std::map<std::string, RemediationPolicy> by_name;
  for (auto& policy : policies) {
    RAMPART_RETURN_IF_ERROR(CheckPolicyTargets(policy, actions_));
    std::string name = policy.rule;
    by_name.emplace(std::move(name), std::move(policy));
  }
  policies_ = std::move(by_name);
  return Status::Ok();
}

Result<PlanReport> Engine::PlanEvent(const Json& event,
                                     const std::vector<std::string>& matched_rules) {
  PlanReport report;
  const Json* findings = FindPath(event, "detail.findings");
  if (findings == nullptr || !findings->is_array()) {
    return report;
  }
  const FailureTrigger trigger = ReadFailureTrigger(event);
  for (const std::string& rule : matched_rules) {
    const auto policy = policies_.find(rule);
    if (policy == policies_.end()) {
      continue;
    }
    const int plans = static_cast<int>(findings->size() * policy->second.targets.size());
    if (trigger.failed_rules.contains(rule)) {
      report.skipped += plans;
      Logger("remediate")
          ->info(
              "rule {} is not planned from the failure event of remediation {}: it failed "
              "in this chain of failures",
              rule, trigger.remediation_id);
      continue;
    }
    for (const Json& finding : *findings) {
      for (std::size_t i = 0; i < policy->second.targets.size(); ++i) {
        RAMPART_RETURN_IF_ERROR(PlanTarget(policy->second, static_cast<int>(i), finding, event,
                                           trigger.idempotency_key, report));
      }
    }
  }
  return report;
}

Status Engine::PlanTarget(const RemediationPolicy& policy, int target_index, const Json& finding,
                          const Json& event, std::string_view trigger, PlanReport& report) {
  Remediation record;
  record.idempotency_key =
      IdempotencyKey(policy.rule, target_index, finding, trigger, policy.guardrails.dry_run);
  record.rule = policy.rule;
  record.target_index = target_index;
  record.action = policy.targets[target_index].action;
  record.params = policy.targets[target_index].params;
  record.dry_run = policy.guardrails.dry_run;
  record.product_arn = StringOr(finding, "ProductArn");
  record.finding_id = StringOr(finding, "Id");
  record.resource_id = FirstResourceId(finding);
  record.max_attempts = policy.guardrails.max_attempts;
  record.finding = finding;
  record.event = event;
  const TimePoint now = base_context_.clock->Now();
  record.next_attempt_at_us = ToUnixMicros(now);

  if (const std::string reason = SkipReason(finding); !reason.empty()) {
    report.skipped += 1;
    return Status::Ok();
  }
  auto existing = remediations_.GetByKey(record.idempotency_key);
  // A problem that returns after its fix was verified (Security Hub sets Workflow.Status back
  // to NEW) is a new occurrence, keyed after the remediation that fixed it.
  for (int reopened = 0;
       existing && existing->has_value() && reopened < kMaxReopenings &&
       (*existing)->state == RemediationState::kVerified && WorkflowStatus(finding) == "NEW";
       ++reopened) {
    record.idempotency_key =
        StableId({record.idempotency_key, "reopened", std::to_string((*existing)->id)}, 40);
    existing = remediations_.GetByKey(record.idempotency_key);
  }
  if (!existing) {
    return existing.status();
  }
  if (existing->has_value()) {
    report.duplicates += 1;
    return Status::Ok();
  }
  if (policy.guardrails.cooldown.count() > 0 && !record.resource_id.empty()) {
    const std::int64_t since = ToUnixMicros(now - policy.guardrails.cooldown);
    auto recent = remediations_.RecentForResource(policy.rule, record.resource_id, since,
                                                  record.idempotency_key);
    if (!recent) {
      return recent.status();
    }
    if (*recent) {
      report.skipped += 1;
      Audit("remediation.skipped", record,
            Json{{"reason", fmt::format("cool-down of {} s on resource {}",
                                        policy.guardrails.cooldown.count() / 1'000'000,
                                        record.resource_id)}});
      return Status::Ok();
    }
  }
  record.state = policy.guardrails.approval_required ? RemediationState::kAwaitingApproval
                                                     : RemediationState::kPlanned;
  auto planned = remediations_.Plan(record);
  if (!planned) {
    return planned.status();
  }
  if (!planned->second) {
    report.duplicates += 1;
    return Status::Ok();
  }
  report.remediation_ids.push_back(planned->first.id);
  if (record.state == RemediationState::kAwaitingApproval) {
    report.awaiting_approval += 1;
  } else {
    report.planned += 1;
  }
  Audit("remediation.planned", planned->first,
        Json{{"state", RemediationStateName(record.state)}, {"dry_run", record.dry_run}});
  return Status::Ok();
}

Result<RunReport> Engine::RunDue(std::size_t limit) {
  RunReport report;
  auto recovered = remediations_.RecoverExpiredLeases();
  if (!recovered) {
    return recovered.status();
  }
  std::int64_t lease_us = 0;
  for (const auto& [name, policy] : policies_) {
    lease_us = std::max<std::int64_t>(lease_us, policy.guardrails.timeout.count());
  }
  // Records are claimed one at a time, so that each lease covers one run. A batch claimed
  // at once could outlive its lease while earlier records ran, and another worker would then
  // run the rest a second time.
  const std::int64_t lease = std::max<std::int64_t>(lease_us, 60'000'000) * 2;
  for (std::size_t run = 0; run < limit; ++run) {
    auto claimed = remediations_.ClaimDue(1, lease);
    if (!claimed) {
      return claimed.status();
    }
    if (claimed->empty()) {
      break;
    }
    RAMPART_RETURN_IF_ERROR(RunOne(std::move(claimed->front()), report));
  }
  return report;
}

Result<bool> Engine::HoldForRateLimit(Remediation& record, const Guardrails& guardrails) {
  if (guardrails.max_actions <= 0) {
    return false;
  }
  const TimePoint now = base_context_.clock->Now();
  auto started =
      remediations_.CountStartedSince(record.rule, ToUnixMicros(now - guardrails.window));
  if (!started) {
    return started.status();
  }
  if (*started <= guardrails.max_actions) {
    return false;
  }
  record.state = RemediationState::kPlanned;
  record.attempts -= 1;
  record.started_at.clear();
  record.next_attempt_at_us =
      ToUnixMicros(now) + guardrails.window.count() / std::max(1, guardrails.max_actions);
  RAMPART_RETURN_IF_ERROR(remediations_.Update(record, RemediationState::kRunning));
  return true;
}

Status Engine::RunOne(Remediation record, RunReport& report) {
  const auto policy_it = policies_.find(record.rule);
  const RemediationPolicy* policy = policy_it == policies_.end() ? nullptr : &policy_it->second;
  if (policy == nullptr) {
    return Fail(record, fmt::format("rule \"{}\" is no longer loaded", record.rule), report);
  }
  auto skipped = SkipStaleApproval(record, report);
  if (!skipped || *skipped) {
    return skipped ? Status::Ok() : skipped.status();
  }
  auto held = HoldForRateLimit(record, policy->guardrails);
  if (!held) {
    return held.status();
  }
  if (*held) {
    report.deferred += 1;
    return Status::Ok();
  }
  Action* action = actions_.Find(record.action);
  if (action == nullptr) {
    return Fail(record, fmt::format("unknown action \"{}\"", record.action), report);
  }
  ActionRequest request{record.finding, record.event, record.params, record.dry_run,
                        record.idempotency_key};
  Audit("remediation.started", record, Json{{"attempt", record.attempts}});
  Result<ActionResult> result = action->Run(request, ContextFor(policy->guardrails));
  return Finish(record, policy, result, action, report);
}

Result<bool> Engine::SkipStaleApproval(Remediation& record, RunReport& report) {
  // Only a first run after an approval: the wait for a person can take hours. A later attempt,
  // or a record of another target of the same rule, may rightly see what an earlier action
  // did to the finding.
  if (!hooks_.read_finding || record.decided_at.empty() || record.attempts != 1) {
    return false;
  }
  auto current = hooks_.read_finding(record.finding);
  if (!current) {
    return current.status();
  }
  const std::string reason = current->has_value() ? SkipReason(**current) : "";
  if (reason.empty()) {
    return false;
  }
  record.state = RemediationState::kSkipped;
  record.error = fmt::format("not run: {} since the remediation was planned", reason);
  record.finished_at = FormatTimestamp(base_context_.clock->Now());
  RAMPART_RETURN_IF_ERROR(remediations_.Update(record, RemediationState::kRunning));
  report.skipped += 1;
  Audit("remediation.skipped", record, Json{{"reason", reason}});
  Logger("remediate")
      ->info("remediation {} ({} on {}) skipped: {}", record.id, record.action, record.finding_id,
             record.error);
  return true;
}

ActionContext Engine::ContextFor(const Guardrails& guardrails) const {
  ActionContext context = base_context_;
  context.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(guardrails.timeout);
  context.allow.namespaces = MergeAllowList(guardrails.namespaces, base_context_.allow.namespaces);
  context.allow.repositories =
      MergeAllowList(guardrails.repositories, base_context_.allow.repositories);
  context.allow.accounts = MergeAllowList(guardrails.accounts, base_context_.allow.accounts);
  context.allow.hosts = MergeAllowList(guardrails.hosts, base_context_.allow.hosts);
  return context;
}

void Engine::Audit(const std::string& action, const Remediation& record, Json details) {
  details["remediation_id"] = record.id;
  details["rule"] = record.rule;
  details["action"] = record.action;
  details["idempotency_key"] = record.idempotency_key;
  details["finding_product_arn"] = record.product_arn;
  auto appended = audit_.Append(actor_, action, record.finding_id, details);
  if (!appended) {
    Logger("remediate")
        ->error("audit append failed for remediation {}: {}", record.id,
                appended.status().ToString());
  }
}

void Engine::NoteOnFinding(const Remediation& record, const std::string& text,
                           const std::string& workflow_status) {
  if (!hooks_.update_finding) {
    return;
  }
  FindingUpdate update;
  update.note_text = text.substr(0, 512);
  update.note_updated_by = actor_;
  if (!workflow_status.empty()) {
    update.workflow_status = workflow_status;
  }
  const Status status = hooks_.update_finding(record.finding, update);
  if (!status.ok()) {
    Logger("remediate")
        ->warn("cannot update finding {} for remediation {}: {}", record.finding_id, record.id,
               status.ToString());
  }
}

}  // namespace rampart::remediate
