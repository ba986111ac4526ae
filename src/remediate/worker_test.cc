#include "remediate/worker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <thread>

#include "pattern/pattern.h"
#include "store/sqlite_finding_store.h"

namespace rampart::remediate {
namespace {

using namespace std::chrono_literals;

// An action that records the findings it ran for and wakes a waiting test.
class RecordingAction final : public Action {
 public:
  std::string_view Name() const override { return "test.record"; }
  Status Validate(const Json&) const override { return Status::Ok(); }
  Result<ActionResult> Run(const ActionRequest& request, const ActionContext&) override {
    {
      std::lock_guard lock(mutex_);
      finding_ids_.push_back(StringOr(request.finding, "Id"));
    }
    ran_.notify_all();
    return ActionResult{};
  }

  // Waits until `count` runs happened or `timeout` passed; returns the number of runs.
  std::size_t WaitForRuns(std::size_t count, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    ran_.wait_for(lock, timeout, [&] { return finding_ids_.size() >= count; });
    return finding_ids_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ran_;
  std::vector<std::string> finding_ids_;
};

Json Finding(const std::string& id) {
  return Json{{"SchemaVersion", "2018-10-08"},
              {"Id", id},
              {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/test"},
              {"GeneratorId", "worker-test"},
              {"AwsAccountId", "111122223333"},
              {"Types", {"Software and Configuration Checks"}},
              {"CreatedAt", "2026-12-01T00:00:00Z"},
              {"UpdatedAt", "2026-12-01T00:00:00Z"},
              {"Severity", {{"Label", "HIGH"}}},
              {"Title", "test finding"},
              {"Description", "test finding"},
              {"Resources", {{{"Type", "Other"}, {"Id", "resource-" + id}}}}};
}

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart_worker_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = (dir_ / "rampart.db").string();
    store::SqliteStoreOptions options;
    options.outbox_signal = &signal_;
    findings_ = std::move(*store::SqliteFindingStore::Open(db_, options));
    remediations_ = std::move(*store::RemediationStore::Open(db_));
    audit_ = std::move(*store::AuditLog::Open(db_));
    auto action = std::make_unique<RecordingAction>();
    action_ = action.get();
    ASSERT_TRUE(registry_.Register(std::move(action)).ok());

    auto pattern =
        pattern::ParsePatternText(R"({"detail": {"findings": {"GeneratorId": ["worker-test"]}}})");
    ASSERT_TRUE(pattern.has_value());
    ASSERT_TRUE(matcher_.AddRule("record", *pattern).ok());
    engine_ = std::make_unique<Engine>(*remediations_, *audit_, registry_, ActionContext{},
                                       EngineHooks{}, 5);
    auto policy = ParsePolicy(Json::parse(
        R"({"name": "record", "mode": "enforce", "targets": [{"action": "test.record"}]})"));
    ASSERT_TRUE(policy.has_value());
    ASSERT_TRUE(engine_->SetPolicies({*policy}).ok());
    dispatcher_ = std::make_unique<Dispatcher>(*findings_, matcher_, *engine_, "worker");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string db_;
  store::OutboxSignal signal_;
  std::unique_ptr<store::SqliteFindingStore> findings_;
  std::unique_ptr<store::RemediationStore> remediations_;
  std::unique_ptr<store::AuditLog> audit_;
  ActionRegistry registry_;
  RecordingAction* action_ = nullptr;
  pattern::Matcher matcher_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

// A source whose bus is down: every dispatch fails.
class DownSource final : public EventSource {
 public:
  Result<DispatchReport> DispatchOnce(std::size_t) override {
    return Unavailable("nats://127.0.0.1:4222: publishing event failed: Timeout");
  }
};

TEST_F(WorkerTest, PlannedRemediationsRunWhileBusIsDown) {
  ASSERT_TRUE(findings_->Import({Finding("f-1"), Finding("f-2")}, {}).has_value());
  ASSERT_TRUE(dispatcher_->DispatchOnce(10).has_value());
  DownSource down;
  Worker worker(down, *engine_, nullptr);
  auto report = worker.RunPending();
  ASSERT_TRUE(report.has_value()) << report.status().ToString();
  EXPECT_EQ(report->bus.code(), StatusCode::kUnavailable);
  EXPECT_EQ(action_->WaitForRuns(2, 0s), 2u);
  // What ran is reported with the bus failure, so the metrics count it.
  EXPECT_EQ(report->run.succeeded, 2);
}

TEST_F(WorkerTest, RunPendingRoutesAndRuns) {
  ASSERT_TRUE(findings_->Import({Finding("f-1"), Finding("f-2")}, {}).has_value());
  Worker worker(*dispatcher_, *engine_, nullptr);
  auto report = worker.RunPending();
  ASSERT_TRUE(report.has_value()) << report.status().ToString();
  EXPECT_EQ(report->dispatch.events, 2);
  EXPECT_EQ(report->dispatch.planned, 2);
  EXPECT_EQ(report->dispatch.remediation_ids.size(), 2u);
  EXPECT_EQ(report->run.succeeded, 2);
  EXPECT_EQ(action_->WaitForRuns(2, 0s), 2u);

  auto again = worker.RunPending();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->dispatch.events, 0);
  EXPECT_EQ(again->run.succeeded, 0);
}

TEST_F(WorkerTest, ImportInProcessWakesWorker) {
  // The poll interval is far longer than the test may take, so only the signal can wake
  // the worker in time.
  WorkerOptions options;
  options.poll_interval = std::chrono::hours(1);
  Worker worker(*dispatcher_, *engine_, &signal_, options);
  Status result = Status::Ok();
  std::thread thread([&] { result = worker.Run(); });

  // The importer is another thread with its own store, as an API handler would be.
  store::SqliteStoreOptions importer_options;
  importer_options.outbox_signal = &signal_;
  auto importer = store::SqliteFindingStore::Open(db_, importer_options);
  ASSERT_TRUE(importer.has_value());
  std::this_thread::sleep_for(50ms);  // lets the worker reach its wait
  ASSERT_TRUE((*importer)->Import({Finding("f-1")}, {}).has_value());
  const std::size_t first = action_->WaitForRuns(1, 60s);
  ASSERT_TRUE((*importer)->Import({Finding("f-2"), Finding("f-3")}, {}).has_value());
  const std::size_t all = action_->WaitForRuns(3, 60s);

  worker.Stop();
  thread.join();
  EXPECT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(all, 3u);
}

TEST_F(WorkerTest, StopEndsRunWithoutSignal) {
  WorkerOptions options;
  options.poll_interval = std::chrono::hours(1);
  Worker worker(*dispatcher_, *engine_, nullptr, options);
  Status result = Internal("Run did not return");
  std::thread thread([&] { result = worker.Run(); });
  std::this_thread::sleep_for(50ms);
  worker.Stop();
  thread.join();  // waits for an hour if Stop does not wake the wait
  EXPECT_TRUE(result.ok()) << result.ToString();
}

}  // namespace
}  // namespace rampart::remediate
