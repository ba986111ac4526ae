// `rampart run` and `rampart serve` with `bus: nats://...`: the real binary publishes the
// outbox to a real nats-server and plans remediations from the messages it consumes back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "bus/connection.h"
#include "bus/stream.h"
#include "bus/testing/nats_server.h"
#include "cli/testing/program.h"
#include "core/json.h"
#include "store/remediation_store.h"
#include "store/sqlite_finding_store.h"

namespace rampart::cli {
namespace {

using namespace std::chrono_literals;
using testing::BuiltProgram;
using ::testing::HasSubstr;
using testing::ProgramRun;
using testing::RunProgram;
using testing::WriteText;

const std::filesystem::path kReport =
    std::filesystem::path(RAMPART_SHARED_DATA) / "findings" / "trivy" / "debian-buster.json";

const char* kRules = R"(
- name: notify-critical
  mode: enforce
  event_pattern: {detail: {findings: {Severity: {Label: [CRITICAL]}}}}
  targets:
    - action: finding.update
      params: {workflow_status: NOTIFIED}
)";

// Returns the number of CRITICAL vulnerabilities in the Trivy report, from Trivy's own field.
int CriticalInReport() {
  const Json report = Json::parse(testing::ReadText(kReport));
  int critical = 0;
  for (const Json& result : report["Results"]) {
    for (const Json& vulnerability : result.value("Vulnerabilities", Json::array())) {
      critical += vulnerability["Severity"] == "CRITICAL" ? 1 : 0;
    }
  }
  return critical;
}

class BusCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kReport)) {
      GTEST_SKIP() << "../shared/data is absent, so " << kReport << " cannot be read";
    }
    dir_ = testing::MakeTestFolder("rampart_bus_command");
    const Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    WriteText(dir_ / "rules.yaml", kRules);
    WriteConfig(server_.url());
  }
  void TearDown() override {
    if (!HasFailure() && !dir_.empty()) {
      std::filesystem::remove_all(dir_);
    }
  }

  void WriteConfig(const std::string& bus) {
    WriteText(dir_ / "rampart.yaml", "store: sqlite:rampart.db\nrules: rules.yaml\nbus: \"" + bus +
                                         "\"\nsources: [\"" + kReport.string() +
                                         "\"]\nlog_level: error\nremediation:\n  work_dir: work\n");
  }

  ProgramRun RunOnce() {
    return RunProgram(
        {BuiltProgram("rampart"), "run", "--config", (dir_ / "rampart.yaml").string(), "--once"},
        dir_);
  }

  // Returns the remediation records of the test's database.
  std::vector<store::Remediation> Remediations() {
    auto remediations = store::RemediationStore::Open((dir_ / "rampart.db").string());
    EXPECT_TRUE(remediations.has_value()) << remediations.status().ToString();
    if (!remediations) {
      return {};
    }
    auto records = (*remediations)->List({});
    EXPECT_TRUE(records.has_value());
    return records ? *records : std::vector<store::Remediation>();
  }

  // Returns the stream's state, or fails the test.
  bus::StreamState Stream() {
    auto connection = bus::Connection::Open(server_.url());
    EXPECT_TRUE(connection.has_value()) << connection.status().ToString();
    if (!connection) {
      return {};
    }
    auto findings = store::SqliteFindingStore::Open((dir_ / "rampart.db").string());
    EXPECT_TRUE(findings.has_value()) << findings.status().ToString();
    auto identity = findings ? (*findings)->Identity() : Result<std::string>(findings.status());
    EXPECT_TRUE(identity.has_value()) << identity.status().ToString();
    if (!identity) {
      return {};
    }
    auto state = bus::GetStreamState(**connection, bus::StoreStream({}, *identity).name);
    EXPECT_TRUE(state.has_value()) << state.status().ToString();
    return state ? *state : bus::StreamState();
  }

  bus::testing::NatsServer server_;
  std::filesystem::path dir_;
};

TEST_F(BusCommandTest, RunOnceRoutesThroughNats) {
  const ProgramRun run = RunOnce();
  ASSERT_EQ(run.exit_code, 0) << run.output << run.errors;
  const int critical = CriticalInReport();
  ASSERT_GT(critical, 0);
  EXPECT_THAT(run.output, HasSubstr(fmt::format("planned: {},", critical)));
  EXPECT_THAT(run.output, HasSubstr(fmt::format("run: {} succeeded", critical)));

  // Every event of the two findings went through the stream and was acknowledged, which the
  // work queue shows by holding no message.
  const bus::StreamState stream = Stream();
  EXPECT_GE(stream.last_sequence, 2u);
  EXPECT_EQ(stream.messages, 0u);

  const std::vector<store::Remediation> records = Remediations();
  ASSERT_EQ(records.size(), static_cast<std::size_t>(critical));
  EXPECT_EQ(records[0].rule, "notify-critical");
  EXPECT_EQ(records[0].state, store::RemediationState::kSucceeded);

  const ProgramRun again = RunOnce();
  ASSERT_EQ(again.exit_code, 0) << again.output << again.errors;
  EXPECT_THAT(again.output, HasSubstr("planned: 0,"));
  EXPECT_EQ(Remediations().size(), static_cast<std::size_t>(critical));
}

TEST_F(BusCommandTest, ServeRoutesThroughNats) {
  const std::string binary = BuiltProgram("rampart");
  const std::string config = (dir_ / "rampart.yaml").string();
  const std::string log = (dir_ / "serve.log").string();
  auto pid = bus::testing::SpawnWithLog(
      {binary, "serve", "--listen", "127.0.0.1:0", "--config", config, "--interval", "1s"}, log);
  ASSERT_TRUE(pid.has_value()) << pid.status().ToString();

  const int critical = CriticalInReport();
  std::vector<store::Remediation> records;
  for (int attempt = 0; attempt < 300; ++attempt) {
    records = Remediations();
    if (records.size() == static_cast<std::size_t>(critical) &&
        records[0].state == store::RemediationState::kSucceeded) {
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  ::kill(*pid, SIGTERM);
  int status = 0;
  ::waitpid(*pid, &status, 0);

  ASSERT_EQ(records.size(), static_cast<std::size_t>(critical)) << testing::ReadText(log);
  EXPECT_EQ(records[0].rule, "notify-critical");
  EXPECT_EQ(records[0].state, store::RemediationState::kSucceeded) << testing::ReadText(log);
  const bus::StreamState stream = Stream();
  EXPECT_GE(stream.last_sequence, 2u);
  EXPECT_EQ(stream.messages, 0u);
  ASSERT_TRUE(WIFEXITED(status)) << testing::ReadText(log);
  EXPECT_EQ(WEXITSTATUS(status), 0) << testing::ReadText(log);
}

// Returns the port that `serve` logged in `log` at log level info, waiting up to 10 seconds.
int ListenPort(const std::string& log) {
  constexpr std::string_view kListening = "listening on 127.0.0.1:";
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string text = testing::ReadText(log);
    if (const auto at = text.find(kListening); at != std::string::npos) {
      return std::atoi(text.c_str() + at + kListening.size());
    }
    std::this_thread::sleep_for(100ms);
  }
  return 0;
}

// A rules change while NATS is down stops the hub, because it would go on acting on rules
// the file no longer has, and /readyz reports it. When NATS is back the hub opens with the new
// rules. Before, the hub logged the failed reopen once and ran the old rules until SIGHUP.
TEST_F(BusCommandTest, RulesReloadDuringOutageStopsHubUntilReopened) {
  // The configuration's log level applies to serve; info includes the listening port.
  const std::string config = testing::ReadText(dir_ / "rampart.yaml");
  WriteText(dir_ / "rampart.yaml", config.substr(0, config.find("log_level: error")) +
                                       "log_level: info" +
                                       config.substr(config.find("log_level: error") + 16));
  const std::string log = (dir_ / "serve.log").string();
  auto pid =
      bus::testing::SpawnWithLog({BuiltProgram("rampart"), "serve", "--listen", "127.0.0.1:0",
                                  "--config", (dir_ / "rampart.yaml").string(), "--interval", "1s"},
                                 log);
  ASSERT_TRUE(pid.has_value()) << pid.status().ToString();
  const int port = ListenPort(log);
  ASSERT_GT(port, 0) << testing::ReadText(log);
  httplib::Client client("127.0.0.1", port);
  const auto readiness = [&] {
    auto response = client.Get("/readyz");
    return response ? std::make_pair(response->status, response->body)
                    : std::make_pair(0, std::string());
  };
  const auto wait_for = [&](int status) {
    for (int attempt = 0; attempt < 300 && readiness().first != status; ++attempt) {
      std::this_thread::sleep_for(100ms);
    }
    return readiness();
  };
  EXPECT_EQ(wait_for(200).first, 200);

  server_.Kill();
  WriteText(dir_ / "rules.yaml", std::string(kRules) + "\n# changed during the outage\n");
  const auto stopped = wait_for(503);
  EXPECT_EQ(stopped.first, 503) << testing::ReadText(log);
  EXPECT_THAT(stopped.second, HasSubstr("the hub is stopped")) << stopped.second;

  ASSERT_TRUE(server_.Start().ok());
  EXPECT_EQ(wait_for(200).first, 200) << testing::ReadText(log);
  ::kill(*pid, SIGTERM);
  int status = 0;
  ::waitpid(*pid, &status, 0);
}

TEST_F(BusCommandTest, StartKeepsOtherWorkersRunning) {
  // Another worker on the same store runs a remediation under a lease of an hour.
  {
    auto remediations = store::RemediationStore::Open((dir_ / "rampart.db").string());
    ASSERT_TRUE(remediations.has_value()) << remediations.status().ToString();
    store::Remediation record;
    record.idempotency_key = "other-worker/1";
    record.rule = "notify-critical";
    record.action = "finding.update";
    record.finding_id = "finding-of-other-worker";
    ASSERT_TRUE((*remediations)->Plan(record).has_value());
    auto claimed = (*remediations)->ClaimDue(1, 3600LL * 1000 * 1000);
    ASSERT_TRUE(claimed.has_value());
    ASSERT_EQ(claimed->size(), 1u);
  }
  const ProgramRun run = RunOnce();
  ASSERT_EQ(run.exit_code, 0) << run.output << run.errors;

  bool found = false;
  for (const store::Remediation& record : Remediations()) {
    if (record.idempotency_key == "other-worker/1") {
      found = true;
      EXPECT_EQ(record.state, store::RemediationState::kRunning);
      EXPECT_EQ(record.attempts, 1);
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(BusCommandTest, InvalidBusUrlIsRejected) {
  WriteConfig("nats:/127.0.0.1:4222");
  const ProgramRun run = RunOnce();
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.errors, HasSubstr("bus"));
  EXPECT_THAT(run.errors, HasSubstr("\"nats:/127.0.0.1:4222\" is not a valid NATS URL"));
  EXPECT_THAT(run.errors, HasSubstr("nats://HOST:PORT"));
}

TEST_F(BusCommandTest, UnreachableBusFailsAtStart) {
  server_.Kill();
  WriteConfig(server_.url());
  const ProgramRun run = RunOnce();
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.errors, HasSubstr(server_.url()));
  EXPECT_THAT(run.errors, HasSubstr("check that nats-server runs at that address"));
}

}  // namespace
}  // namespace rampart::cli
