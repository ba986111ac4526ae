// The "Rampart Remediation Failed" event: emitted into the store's outbox when a remediation
// fails for good, routed by the dispatcher through the rules like a finding event, and never
// routed back to a rule that failed in the same chain of failures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "pattern/pattern.h"
#include "remediate/dispatcher.h"
#include "remediate/engine.h"
#include "store/sqlite_finding_store.h"

namespace rampart::remediate {
namespace {

using store::RemediationState;
using ::testing::HasSubstr;

constexpr std::string_view kProductArn = "arn:aws:securityhub:us-east-1::product/rampart/test";

Json Finding(const std::string& id) {
  return Json{{"SchemaVersion", "2018-10-08"},
              {"Id", id},
              {"ProductArn", kProductArn},
              {"GeneratorId", "failure-test"},
              {"AwsAccountId", "111122223333"},
              {"Region", "eu-west-1"},
              {"Types", {"Software and Configuration Checks"}},
              {"CreatedAt", "2026-12-01T00:00:00Z"},
              {"UpdatedAt", "2026-12-01T00:00:00Z"},
              {"Severity", {{"Label", "HIGH"}}},
              {"Title", "test finding"},
              {"Description", "test finding"},
              {"Resources", {{{"Type", "Container"}, {"Id", "registry/payments:1.0"}}}}};
}

class FailureEventTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart_failure_event_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string db = (dir_ / "rampart.db").string();
    store::SqliteStoreOptions options;
    options.clock = &clock_;
    findings_ = std::move(*store::SqliteFindingStore::Open(db, options));
    remediations_ = std::move(*store::RemediationStore::Open(db, clock_));
    audit_ = std::move(*store::AuditLog::Open(db, clock_));
    registry_ = MakeBuiltinRegistry();

    ActionContext context;
    context.clock = &clock_;
    context.work_dir = dir_.string();
    context.finding_updater = [this](const Json& finding, const FindingUpdate& update) {
      return UpdateFinding(finding, update);
    };
    EngineHooks hooks;
    hooks.update_finding = context.finding_updater;
    hooks.emit_event = [this](const Json& event) -> Status {
      auto published = findings_->PublishEvent(event);
      return published ? Status::Ok() : published.status();
    };
    engine_ = std::make_unique<Engine>(*remediations_, *audit_, *registry_, context, hooks, 3);
    dispatcher_ = std::make_unique<Dispatcher>(*findings_, matcher_, *engine_, "test");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Status UpdateFinding(const Json& finding, const FindingUpdate& update) {
    store::FindingUpdate request;
    request.finding_identifiers.push_back(
        {StringOr(finding, "Id"), StringOr(finding, "ProductArn")});
    request.workflow_status = update.workflow_status;
    if (update.note_text) {
      request.note = store::NoteUpdate{*update.note_text, update.note_updated_by.value_or("x")};
    }
    auto result = findings_->Update(request, "rampart");
    return result ? Status::Ok() : result.status();
  }

  // Adds rules given as {name, event pattern, policy} in JSON.
  void UseRules(const std::vector<std::tuple<std::string, std::string, std::string>>& rules) {
    std::vector<RemediationPolicy> policies;
    for (const auto& [name, pattern_text, policy_text] : rules) {
      auto pattern = pattern::ParsePatternText(pattern_text);
      ASSERT_TRUE(pattern.has_value()) << name;
      ASSERT_TRUE(matcher_.AddRule(name, *pattern).ok()) << name;
      Json document = Json::parse(policy_text);
      document["name"] = name;
      auto policy = ParsePolicy(document);
      ASSERT_TRUE(policy.has_value()) << policy.status().ToString();
      policies.push_back(std::move(*policy));
    }
    const Status set = engine_->SetPolicies(std::move(policies));
    ASSERT_TRUE(set.ok()) << set.ToString();
  }

  // Dispatches and runs until nothing is left, as `rampart run` does; returns the number
  // of rounds that did something, or -1 when work remained after `max_rounds`.
  int RunUntilIdle(int max_rounds = 20) {
    for (int round = 0; round < max_rounds; ++round) {
      auto dispatched = dispatcher_->DispatchOnce(100);
      EXPECT_TRUE(dispatched.has_value()) << dispatched.status().ToString();
      skipped_ += dispatched ? dispatched->skipped : 0;
      auto ran = engine_->RunDue(100);
      EXPECT_TRUE(ran.has_value()) << ran.status().ToString();
      if (!dispatched || !ran) {
        return -1;
      }
      const int attempts = ran->succeeded + ran->failed + ran->retried + ran->verified;
      if (dispatched->events == 0 && attempts == 0) {
        return round;
      }
      clock_.Advance(std::chrono::seconds(1));  // past every back-off of these rules
    }
    return -1;
  }

  std::vector<store::Remediation> RecordsOf(const std::string& rule) {
    auto records = remediations_->List({std::nullopt, rule, 100});
    EXPECT_TRUE(records.has_value());
    return records ? *records : std::vector<store::Remediation>{};
  }

  std::vector<Json> FailureEvents() {
    auto events = findings_->ReadEvents(0, 1000);
    EXPECT_TRUE(events.has_value());
    std::vector<Json> failures;
    for (const auto& event : events ? *events : std::vector<store::OutboxEvent>{}) {
      Json parsed = Json::parse(event.event);
      if (parsed["detail-type"] == kRemediationFailedDetailType) {
        failures.push_back(std::move(parsed));
      }
    }
    return failures;
  }

  std::filesystem::path dir_;
  FakeClock clock_{FromUnixMicros(1'800'000'000'000'000)};
  std::unique_ptr<store::SqliteFindingStore> findings_;
  std::unique_ptr<store::RemediationStore> remediations_;
  std::unique_ptr<store::AuditLog> audit_;
  std::unique_ptr<ActionRegistry> registry_;
  pattern::Matcher matcher_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Dispatcher> dispatcher_;
  int skipped_ = 0;
};

// Exit status 75 is EX_TEMPFAIL, which the exec action reports as unavailable, so the
// engine retries it up to max_attempts.
constexpr const char* kAlwaysFails = R"({
  "mode": "enforce",
  "guardrails": {"max_attempts": 2, "backoff_initial": "10ms", "backoff_max": "10ms"},
  "targets": [{"action": "exec", "params": {"argv": ["/bin/sh", "-c", "exit 75"]}}]})";

TEST_F(FailureEventTest, FailureEventRunsPagingRule) {
  const std::string page_file = (dir_ / "page.json").string();
  UseRules(
      {{"fix", R"({"detail": {"findings": {"GeneratorId": ["failure-test"]}}})", kAlwaysFails},
       {"page", R"({"detail-type": ["Rampart Remediation Failed"], "detail": {"rule": ["fix"]}})",
        R"({"mode": "enforce", "targets": [{"action": "exec", "params": {"argv": )"
        R"(["/usr/bin/tee", ")" +
            page_file + R"("]}}]})"},
       {"note", R"({"detail-type": ["Rampart Remediation Failed"]})",
        R"({"mode": "enforce", "targets": [{"action": "finding.update", "params": )"
        R"({"workflow_status": "NOTIFIED", "note": )"
        R"("Paged: remediation {{ event.detail.remediation_id }} failed: )"
        R"({{ event.detail.error }}"}}]})"}});
  ASSERT_TRUE(findings_->Import({Finding("f-1")}, store::ImportOptions{}).has_value());
  ASSERT_GE(RunUntilIdle(), 0);

  const auto fixes = RecordsOf("fix");
  ASSERT_EQ(fixes.size(), 1u) << "the failure event planned the failing rule again";
  EXPECT_EQ(fixes[0].state, RemediationState::kFailed);
  EXPECT_EQ(fixes[0].attempts, 2);
  const auto pages = RecordsOf("page");
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].state, RemediationState::kSucceeded) << pages[0].error;
  EXPECT_GE(skipped_, 1);

  // The paging program read the event on standard input.
  std::ifstream in(page_file);
  ASSERT_TRUE(in.good()) << "the paging action did not run";
  const Json paged = Json::parse(in);
  EXPECT_EQ(paged["detail-type"], "Rampart Remediation Failed");
  EXPECT_EQ(paged["source"], "rampart");
  EXPECT_EQ(paged["account"], "111122223333");
  EXPECT_EQ(paged["region"], "eu-west-1");
  const Json& detail = paged["detail"];
  EXPECT_EQ(detail["remediation_id"], fixes[0].id);
  EXPECT_EQ(detail["rule"], "fix");
  EXPECT_EQ(detail["target"]["index"], 0);
  EXPECT_EQ(detail["target"]["action"], "exec");
  EXPECT_EQ(detail["idempotency_key"], fixes[0].idempotency_key);
  EXPECT_EQ(detail["finding_id"], "f-1");
  EXPECT_EQ(detail["product_arn"], kProductArn);
  EXPECT_EQ(detail["resource_id"], "registry/payments:1.0");
  EXPECT_EQ(detail["attempts"], 2);
  EXPECT_EQ(detail["max_attempts"], 2);
  EXPECT_EQ(detail["error"], fixes[0].error);
  EXPECT_THAT(detail["error"].get<std::string>(), HasSubstr("75"));
  EXPECT_EQ(detail["failed_rules"], Json::array({"fix"}));
  ASSERT_EQ(detail["findings"].size(), 1u);
  EXPECT_EQ(detail["findings"][0]["Id"], "f-1");

  // The finding.update rule acted on the finding inside the failure event.
  auto stored = findings_->Get({std::string(kProductArn), "f-1"});
  ASSERT_TRUE(stored.has_value());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((**stored)["Workflow"]["Status"], "NOTIFIED");
  EXPECT_EQ((**stored)["Note"]["Text"],
            "Paged: remediation " + std::to_string(fixes[0].id) + " failed: " + fixes[0].error);
}

TEST_F(FailureEventTest, FailureEventIsInTheOutboxOnce) {
  UseRules({{"fix", R"({"source": ["rampart"]})", kAlwaysFails}});
  ASSERT_TRUE(
      findings_->Import({Finding("f-1"), Finding("f-2")}, store::ImportOptions{}).has_value());
  ASSERT_GE(RunUntilIdle(), 0);

  const auto failures = FailureEvents();
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_NE(failures[0]["id"], failures[1]["id"]);
  EXPECT_EQ(RecordsOf("fix").size(), 2u);
  EXPECT_EQ(skipped_, 2) << "each failure event matched its own rule and must be skipped";
  // Every event, failure events included, was delivered.
  auto pending = findings_->ClaimEvents("another", 100, std::chrono::seconds(30));
  ASSERT_TRUE(pending.has_value());
  EXPECT_TRUE(pending->empty());
}

TEST_F(FailureEventTest, FailingRulesDoNotPageEachOther) {
  // Both rules match every event, failure events included, and both always fail. Each
  // failure event may plan the other rule once, and then the chain stops.
  UseRules({{"first", R"({"source": ["rampart"]})", kAlwaysFails},
            {"second", R"({"source": ["rampart"]})", kAlwaysFails}});
  ASSERT_TRUE(findings_->Import({Finding("f-1")}, store::ImportOptions{}).has_value());
  ASSERT_GE(RunUntilIdle(), 0) << "failure events kept planning work";

  EXPECT_EQ(RecordsOf("first").size(), 2u);
  EXPECT_EQ(RecordsOf("second").size(), 2u);
  const auto failures = FailureEvents();
  ASSERT_EQ(failures.size(), 4u);
  for (const Json& failure : failures) {
    const Json& rules = failure["detail"]["failed_rules"];
    EXPECT_GE(rules.size(), 1u);
    EXPECT_LE(rules.size(), 2u);
    EXPECT_EQ(rules.back(), failure["detail"]["rule"]);
  }
}

TEST_F(FailureEventTest, EventIdDependsOnTheRecordOnly) {
  store::Remediation record;
  record.id = 9;
  record.rule = "fix";
  record.idempotency_key = "key-1";
  record.finding = Finding("f-1");
  record.error = "exit status 1";
  const Json first = RemediationFailedEvent(record, clock_.Now());
  clock_.Advance(std::chrono::minutes(5));
  const Json again = RemediationFailedEvent(record, clock_.Now());
  EXPECT_EQ(first["id"], again["id"]);
  EXPECT_NE(first["time"], again["time"]);
  record.idempotency_key = "key-2";
  EXPECT_NE(RemediationFailedEvent(record, clock_.Now())["id"], first["id"]);
}

TEST_F(FailureEventTest, EmitErrorLeavesRecordRunning) {
  ActionContext context;
  context.clock = &clock_;
  EngineHooks hooks;
  hooks.emit_event = [](const Json&) { return Unavailable("outbox is read-only"); };
  Engine engine(*remediations_, *audit_, *registry_, context, hooks, 3);
  auto policy = ParsePolicy(
      Json::parse(R"({"name": "fix", "mode": "enforce", "targets": [{"action": "exec", "params": )"
                  R"({"argv": ["/bin/false"]}}]})"));
  ASSERT_TRUE(policy.has_value());
  ASSERT_TRUE(engine.SetPolicies({*policy}).ok());
  const Json event = {{"detail-type", "Security Hub Findings - Imported"},
                      {"source", "rampart"},
                      {"detail", {{"findings", Json::array({Finding("f-1")})}}}};
  auto plan = engine.PlanEvent(event, {"fix"});
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->remediation_ids.size(), 1u);

  auto ran = engine.RunDue(10);
  ASSERT_FALSE(ran.has_value());
  EXPECT_THAT(ran.status().message(), HasSubstr("outbox is read-only"));
  auto record = remediations_->Get(plan->remediation_ids[0]);
  ASSERT_TRUE(record.has_value());
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->state, RemediationState::kRunning)
      << "the failure must stay retryable until its event is written";
}

}  // namespace
}  // namespace rampart::remediate
