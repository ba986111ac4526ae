#include "remediate/engine.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <functional>

#include <deque>
#include <filesystem>
#include <map>

namespace rampart::remediate {
namespace {

using store::RemediationState;

// An action whose outcomes the test scripts; it counts effects per idempotency key.
class ScriptedAction final : public Action {
 public:
  std::string_view Name() const override { return "test.scripted"; }
  Status Validate(const Json& params) const override {
    return params.contains("bad") ? InvalidArgument("bad parameter") : Status::Ok();
  }
  Result<ActionResult> Run(const ActionRequest& request, const ActionContext&) override {
    ++runs;
    if (on_run) {
      on_run();
    }
    if (!outcomes.empty()) {
      Status next = outcomes.front();
      outcomes.pop_front();
      if (!next.ok()) {
        return next;
      }
    }
    if (!request.dry_run) {
      ++effects[request.idempotency_key];
    }
    ActionResult result;
    result.changed = !request.dry_run;
    result.summary = request.dry_run ? "would change" : "changed";
    result.diff = "-a\n+b\n";
    result.rollback = Json{{"undo", true}};
    return result;
  }
  Status Rollback(const ActionResult&, const ActionContext&) override {
    ++rollbacks;
    return Status::Ok();
  }

  int runs = 0;
  int rollbacks = 0;
  std::function<void()> on_run;
  std::deque<Status> outcomes;
  std::map<std::string, int> effects;
};

Json Finding(const std::string& id, const std::string& updated_at = "2026-12-01T00:00:00Z") {
  return Json{{"ProductArn", "arn:aws:securityhub:us-east-1::product/aquasecurity/aquasecurity"},
              {"Id", id},
              {"UpdatedAt", updated_at},
              {"AwsAccountId", "111122223333"},
              {"RecordState", "ACTIVE"},
              {"Workflow", {{"Status", "NEW"}}},
              {"Resources", {{{"Type", "Container"}, {"Id", "registry/payments:1.0"}}}}};
}

Json Event(const Json& finding) {
  return Json{{"detail-type", "Security Hub Findings - Imported"},
              {"source", "rampart"},
              {"detail", {{"findings", Json::array({finding})}}}};
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart_engine_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string db = (dir_ / "rampart.db").string();
    remediations_ = std::move(*store::RemediationStore::Open(db, clock_));
    audit_ = std::move(*store::AuditLog::Open(db, clock_));
    auto action = std::make_unique<ScriptedAction>();
    action_ = action.get();
    ASSERT_TRUE(registry_.Register(std::move(action)).ok());
    ActionContext context;
    context.clock = &clock_;
    EngineHooks hooks;
    hooks.update_finding = [this](const Json& finding, const FindingUpdate& update) {
      updates_.emplace_back(StringOr(finding, "Id"), update);
      return Status::Ok();
    };
    hooks.emit_event = [this](const Json& event) {
      events_.push_back(event);
      return Status::Ok();
    };
    hooks.verify = [this](const VerifySpec&, const Json&, const ActionContext&) -> Result<bool> {
      return verify_result_;
    };
    hooks.read_finding = [this](const Json& finding) -> Result<std::optional<Json>> {
      const auto found = stored_.find(StringOr(finding, "Id"));
      return found == stored_.end() ? std::optional<Json>() : std::optional<Json>(found->second);
    };
    engine_ = std::make_unique<Engine>(*remediations_, *audit_, registry_, context, hooks, 7);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void UsePolicy(const std::string& yaml_like_json) {
    auto policy = ParsePolicy(Json::parse(yaml_like_json));
    ASSERT_TRUE(policy.has_value()) << policy.status().ToString();
    ASSERT_TRUE(engine_->SetPolicies({*policy}).ok());
  }

  RemediationState StateOf(std::int64_t id) {
    auto record = remediations_->Get(id);
    EXPECT_TRUE(record.has_value() && record->has_value());
    return (*record)->state;
  }

  FakeClock clock_{FromUnixMicros(1'800'000'000'000'000)};
  std::filesystem::path dir_;
  std::unique_ptr<store::RemediationStore> remediations_;
  std::unique_ptr<store::AuditLog> audit_;
  ActionRegistry registry_;
  ScriptedAction* action_ = nullptr;
  std::unique_ptr<Engine> engine_;
  std::vector<std::pair<std::string, FindingUpdate>> updates_;
  std::vector<Json> events_;
  bool verify_result_ = true;
  std::map<std::string, Json> stored_;  // the store's findings by Id, for read_finding
};

constexpr const char* kEnforce =
    R"({"name": "fix", "mode": "enforce", "targets": [{"action": "test.scripted"}]})";

TEST_F(EngineTest, DryRunIsTheDefault) {
  UsePolicy(R"({"name": "fix", "targets": [{"action": "test.scripted"}]})");
  auto plan = engine_->PlanEvent(Event(Finding("f1")), {"fix"});
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->planned, 1);
  auto run = engine_->RunDue(10);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->succeeded, 1);
  EXPECT_TRUE(action_->effects.empty());
  auto record = remediations_->Get(plan->remediation_ids[0]);
  EXPECT_TRUE((*record)->dry_run);
  EXPECT_EQ((*record)->diff, "-a\n+b\n");
}

TEST_F(EngineTest, RedeliveredEventPlansOnce) {
  UsePolicy(kEnforce);
  const Json event = Event(Finding("f1"));
  ASSERT_TRUE(engine_->PlanEvent(event, {"fix"}).has_value());
  auto again = engine_->PlanEvent(event, {"fix"});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->planned, 0);
  EXPECT_EQ(again->duplicates, 1);
  ASSERT_TRUE(engine_->RunDue(10).has_value());
  ASSERT_TRUE(engine_->PlanEvent(event, {"fix"}).has_value());
  ASSERT_TRUE(engine_->RunDue(10).has_value());
  ASSERT_EQ(action_->effects.size(), 1u);
  EXPECT_EQ(action_->effects.begin()->second, 1);
}

TEST_F(EngineTest, RescanOfSameProblemPlansNothing) {
  UsePolicy(kEnforce);
  ASSERT_TRUE(engine_->PlanEvent(Event(Finding("f1")), {"fix"}).has_value());
  ASSERT_TRUE(engine_->RunDue(10).has_value());
  auto rescan = engine_->PlanEvent(Event(Finding("f1", "2026-12-02T00:00:00Z")), {"fix"});
  ASSERT_TRUE(rescan.has_value());
  EXPECT_EQ(rescan->planned, 0);
  EXPECT_EQ(rescan->duplicates, 1);

  Json changed = Finding("f1", "2026-12-03T00:00:00Z");
  changed["Resources"][0]["Id"] = "registry/payments:1.1";
  auto plan = engine_->PlanEvent(Event(changed), {"fix"});
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->planned, 1);
}

TEST_F(EngineTest, EnforceAfterDryRunPlans) {
  UsePolicy(R"({"name": "fix", "targets": [{"action": "test.scripted"}]})");
  ASSERT_TRUE(engine_->PlanEvent(Event(Finding("f1")), {"fix"}).has_value());
  ASSERT_TRUE(engine_->RunDue(10).has_value());
  UsePolicy(kEnforce);
  auto plan = engine_->PlanEvent(Event(Finding("f1")), {"fix"});
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->planned, 1);
  ASSERT_TRUE(engine_->RunDue(10).has_value());
  EXPECT_EQ(action_->effects.size(), 1u);
}

TEST_F(EngineTest, ReopenedAfterVerifiedPlansAgain) {
  UsePolicy(R"({"name": "fix", "mode": "enforce", "verify": {"command": ["/bin/true"]},
                "targets": [{"action": "test.scripted"}]})");
  ASSERT_TRUE(engine_->PlanEvent(Event(Finding("f1")), {"fix"}).has_value());
  ASSERT_TRUE(engine_->RunDue(10).has_value());
  Json resolved = Finding("f1", "2026-12-02T00:00:00Z");
  resolved["Workflow"]["Status"] = "RESOLVED";
  auto still_resolved = engine_->PlanEvent(Event(resolved), {"fix"});
  ASSERT_TRUE(still_resolved.has_value());
  EXPECT_EQ(still_resolved->planned, 0);

  const Json reopened = Finding("f1", "2026-12-03T00:00:00Z");
  auto plan = engine_->PlanEvent(Event(reopened), {"fix"});
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->planned, 1);
  auto again = engine_->PlanEvent(Event(reopened), {"fix"});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->planned, 0);
  EXPECT_EQ(again->duplicates, 1);
}

// Each record is claimed when its run starts, so a lease never covers the runs of the
// records before it, which another worker would otherwise take over and run again.
TEST_F(EngineTest, EachRecordIsClaimedWhenItRuns) {
  UsePolicy(kEnforce);
  auto plan = engine_->PlanEvent(
      Json{{"detail", {{"findings", Json::array({Finding("f1"), Finding("f2")})}}}}, {"fix"});
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->remediation_ids.size(), 2u);
  action_->on_run = [this] { clock_.Advance(std::chrono::minutes(5)); };
  auto run = engine_->RunDue(10);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->succeeded, 2);
  auto first = remediations_->Get(plan->remediation_ids[0]);
  auto second = remediations_->Get(plan->remediation_ids[1]);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->has_value());
  ASSERT_TRUE(second.has_value());
  ASSERT_TRUE(second->has_value());
  const auto first_start = ParseTimestamp((*first)->started_at);
  const auto second_start = ParseTimestamp((*second)->started_at);
  ASSERT_TRUE(first_start.has_value());
  ASSERT_TRUE(second_start.has_value());
  EXPECT_EQ(*second_start - *first_start, std::chrono::minutes(5));
}

TEST_F(EngineTest, SuppressedAndArchivedNeverTrigger) {
  UsePolicy(kEnforce);
  Json suppressed = Finding("f1");
  suppressed["Workflow"]["Status"] = "SUPPRESSED";
  Json archived = Finding("f2");
  archived["RecordState"] = "ARCHIVED";
  auto plan = engine_->PlanEvent(
      Json{{"detail", {{"findings", Json::array({suppressed, archived})}}}}, {"fix"});
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->planned, 0);
  EXPECT_EQ(plan->skipped, 2);
}

TEST_F(EngineTest, OwnUpdateDoesNotRetrigger) {
  UsePolicy(kEnforce);
  Json finding = Finding("f1");
  ASSERT_TRUE(engine_->PlanEvent(Event(finding), {"fix"}).has_value());
  ASSERT_TRUE(engine_->RunDue(10).has_value());
  // The engine's note is a customer update: UpdatedAt is unchanged in the next event.
  finding["Note"] = {{"Text", "Rampart rule fix: changed"}, {"UpdatedBy", "rampart"}};
  auto plan = engine_->PlanEvent(Event(finding), {"fix"});
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->planned, 0);
  EXPECT_EQ(action_->runs, 1);
}

TEST_F(EngineTest, ApprovalHoldsUntilApproved) {
  UsePolicy(R"({"name": "fix", "mode": "enforce", "guardrails": {"approval": true},
                "targets": [{"action": "test.scripted"}]})");
  auto plan = engine_->PlanEvent(Event(Finding("f1")), {"fix"});
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->awaiting_approval, 1);
  ASSERT_TRUE(engine_->RunDue(10).has_value());
  EXPECT_EQ(action_->runs, 0);
  ASSERT_TRUE(remediations_->Decide(plan->remediation_ids[0], true, "alice").has_value());
  ASSERT_TRUE(engine_->RunDue(10).has_value());
  EXPECT_EQ(action_->runs, 1);
  EXPECT_EQ(StateOf(plan->remediation_ids[0]), RemediationState::kSucceeded);
}

// A finding suppressed or archived while its remediation awaited approval is not acted on
// when the approval comes: the record becomes SKIPPED and the action does not run. Before,
// the approval ran the action planned hours earlier on a false positive.
TEST_F(EngineTest, ApprovalAfterSuppressionSkipsTheRun) {
  UsePolicy(R"({"name": "fix", "mode": "enforce", "guardrails": {"approval": true},
                "targets": [{"action": "test.scripted"}]})");
  std::vector<std::int64_t> ids;
  for (const char* id : {"suppressed", "archived", "still-new"}) {
    auto plan = engine_->PlanEvent(Event(Finding(id)), {"fix"});
    ASSERT_TRUE(plan.has_value());
    ASSERT_EQ(plan->remediation_ids.size(), 1u);
    ids.push_back(plan->remediation_ids[0]);
    stored_[id] = Finding(id);
  }
  stored_["suppressed"]["Workflow"]["Status"] = "SUPPRESSED";
  stored_["archived"]["RecordState"] = "ARCHIVED";
  for (const std::int64_t id : ids) {
    ASSERT_TRUE(remediations_->Decide(id, true, "alice").has_value());
  }
  auto run = engine_->RunDue(10);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->skipped, 2);
  EXPECT_EQ(run->succeeded, 1);
  EXPECT_EQ(action_->runs, 1);
  EXPECT_EQ(StateOf(ids[0]), RemediationState::kSkipped);
  EXPECT_EQ(StateOf(ids[1]), RemediationState::kSkipped);
  EXPECT_EQ(StateOf(ids[2]), RemediationState::kSucceeded);
  auto record = remediations_->Get(ids[0]);
  ASSERT_TRUE(record.has_value());
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->error,
            "not run: the finding is suppressed since the remediation was planned");
}

TEST_F(EngineTest, RateLimitDefersBeyondMax) {
  UsePolicy(R"({"name": "fix", "mode": "enforce",
                "guardrails": {"max_actions": 2, "window": "1h"},
                "targets": [{"action": "test.scripted"}]})");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(engine_->PlanEvent(Event(Finding("f" + std::to_string(i))), {"fix"}).has_value());
  }
  auto run = engine_->RunDue(10);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->succeeded, 2);
  EXPECT_EQ(run->deferred, 3);
  EXPECT_EQ(action_->runs, 2);
}

TEST_F(EngineTest, CooldownSkipsSameResource) {
  UsePolicy(R"({"name": "fix", "mode": "enforce", "guardrails": {"cooldown": "1h"},
                "targets": [{"action": "test.scripted"}]})");
  ASSERT_TRUE(engine_->PlanEvent(Event(Finding("f1")), {"fix"}).has_value());
  auto second = engine_->PlanEvent(Event(Finding("f2")), {"fix"});
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->planned, 0);
  EXPECT_EQ(second->skipped, 1);
}

TEST_F(EngineTest, RetriesThenFails) {
  UsePolicy(R"({"name": "fix", "mode": "enforce",
                "guardrails": {"max_attempts": 3, "backoff_initial": "1s", "backoff_max": "4s"},
                "targets": [{"action": "test.scripted"}]})");
  for (int i = 0; i < 3; ++i) {
    action_->outcomes.push_back(Unavailable("target down"));
  }
  auto plan = engine_->PlanEvent(Event(Finding("f1")), {"fix"});
  ASSERT_TRUE(plan.has_value());
  const std::int64_t id = plan->remediation_ids[0];
  auto first = engine_->RunDue(10);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->retried, 1);
  EXPECT_EQ(StateOf(id), RemediationState::kPlanned);
  auto too_early = engine_->RunDue(10);
  ASSERT_TRUE(too_early.has_value());
  EXPECT_EQ(action_->runs, 1);
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(engine_->RunDue(10).has_value());
  clock_.Advance(std::chrono::seconds(5));
  auto last = engine_->RunDue(10);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->failed, 1);
  EXPECT_EQ(action_->runs, 3);
  EXPECT_EQ(StateOf(id), RemediationState::kFailed);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0]["detail-type"], "Rampart Remediation Failed");
  ASSERT_FALSE(updates_.empty());
  EXPECT_NE(updates_.back().second.note_text->find("failed"), std::string::npos);
}

TEST_F(EngineTest, PermanentErrorFailsWithoutRetry) {
  UsePolicy(kEnforce);
  action_->outcomes.push_back(InvalidArgument("finding has no image"));
  auto plan = engine_->PlanEvent(Event(Finding("f1")), {"fix"});
  ASSERT_TRUE(plan.has_value());
  auto run = engine_->RunDue(10);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->failed, 1);
  EXPECT_EQ(action_->runs, 1);
}

TEST_F(EngineTest, VerifiedFixResolvesFinding) {
  UsePolicy(R"({"name": "fix", "mode": "enforce", "verify": {"command": ["/bin/true"]},
                "targets": [{"action": "test.scripted"}]})");
  auto plan = engine_->PlanEvent(Event(Finding("f1")), {"fix"});
  ASSERT_TRUE(plan.has_value());
  auto run = engine_->RunDue(10);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->verified, 1);
  EXPECT_EQ(StateOf(plan->remediation_ids[0]), RemediationState::kVerified);
  ASSERT_EQ(updates_.size(), 1u);
  EXPECT_EQ(updates_[0].second.workflow_status, "RESOLVED");
}

TEST_F(EngineTest, FailedVerificationRollsBack) {
  verify_result_ = false;
  UsePolicy(R"({"name": "fix", "mode": "enforce", "verify": {"command": ["/bin/false"]},
                "targets": [{"action": "test.scripted"}]})");
  auto plan = engine_->PlanEvent(Event(Finding("f1")), {"fix"});
  ASSERT_TRUE(plan.has_value());
  auto run = engine_->RunDue(10);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->rolled_back, 1);
  EXPECT_EQ(action_->rollbacks, 1);
  EXPECT_EQ(StateOf(plan->remediation_ids[0]), RemediationState::kRolledBack);
}

TEST_F(EngineTest, AuditChainCoversEveryStep) {
  UsePolicy(kEnforce);
  ASSERT_TRUE(engine_->PlanEvent(Event(Finding("f1")), {"fix"}).has_value());
  ASSERT_TRUE(engine_->RunDue(10).has_value());
  auto entries = audit_->Entries(0, 10);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].action, "remediation.planned");
  EXPECT_EQ((*entries)[1].action, "remediation.started");
  EXPECT_EQ((*entries)[2].action, "remediation.succeeded");
  auto report = audit_->Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok);
}

TEST_F(EngineTest, InvalidTargetParametersAreRejected) {
  auto policy = ParsePolicy(Json::parse(
      R"({"name": "fix", "targets": [{"action": "test.scripted", "params": {"bad": 1}}]})"));
  ASSERT_TRUE(policy.has_value());
  const Status status = engine_->SetPolicies({*policy});
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("targets[0]"), std::string::npos);
}

TEST_F(EngineTest, UnknownActionIsRejected) {
  auto policy = ParsePolicy(Json::parse(R"({"name": "fix", "targets": [{"action": "nope"}]})"));
  ASSERT_TRUE(policy.has_value());
  const Status status = engine_->SetPolicies({*policy});
  EXPECT_NE(status.message().find("unknown action \"nope\""), std::string::npos);
}

TEST(Backoff, GrowsAndIsCapped) {
  std::mt19937_64 random(1);
  using std::chrono::seconds;
  for (int attempt = 1; attempt <= 10; ++attempt) {
    const auto delay = Backoff(attempt, seconds(1), seconds(8), random);
    const auto full = std::min<std::int64_t>(1'000'000LL << (attempt - 1), 8'000'000);
    EXPECT_GE(delay.count(), full / 2) << attempt;
    EXPECT_LE(delay.count(), full) << attempt;
  }
}

}  // namespace
}  // namespace rampart::remediate
