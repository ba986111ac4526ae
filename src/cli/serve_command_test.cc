// Runs the real `rampart serve` binary on 127.0.0.1 and drives it over HTTP: imports real
// findings, reloads rules on SIGHUP while keeping the running ones when the new file is
// invalid, and routes imported findings through the hub loop with --config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/file.h"
#include "core/json.h"
#include "store/audit_log.h"
#include "store/testing/store_backends.h"
#include "store/token_store.h"

namespace rampart::cli {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kFindings = std::filesystem::path(RAMPART_SHARED_DATA) / "findings";

const char* kRules = R"(rules:
  - name: notify-cis
    event_pattern:
      detail-type: ["Security Hub Findings - Imported"]
      detail:
        findings:
          Compliance:
            Status: [FAILED]
    targets:
      - action: finding.update
        params: {workflow_status: NOTIFIED}
)";

void WriteText(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
  }
  std::filesystem::rename(temporary, path);
}

// A `rampart serve` child process; its standard error is collected on a thread.
class ServeProcess {
 public:
  explicit ServeProcess(std::vector<std::string> args) {
    int pipe_ends[2];
    EXPECT_EQ(::pipe(pipe_ends), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(pipe_ends[1], STDERR_FILENO);
      ::dup2(pipe_ends[1], STDOUT_FILENO);
      ::close(pipe_ends[0]);
      std::vector<char*> argv;
      const std::string binary = std::string(RAMPART_BINARY_DIR) + "/rampart";
      argv.push_back(const_cast<char*>(binary.c_str()));
      for (std::string& arg : args) {
        argv.push_back(arg.data());
      }
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(pipe_ends[1]);
    reader_ = std::thread([this, fd = pipe_ends[0]] {
      char buffer[4096];
      for (ssize_t n; (n = ::read(fd, buffer, sizeof(buffer))) > 0;) {
        std::lock_guard lock(mutex_);
        output_.append(buffer, static_cast<std::size_t>(n));
      }
      ::close(fd);
    });
  }

  ~ServeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    reader_.join();
  }

  // Waits for "listening on 127.0.0.1:PORT" and returns the port, or 0 after 20 seconds.
  int WaitForPort() {
    const std::string marker = "listening on 127.0.0.1:";
    return WaitFor([&](const std::string& text) {
      const std::size_t at = text.find(marker);
      return at == std::string::npos ? 0 : std::atoi(text.c_str() + at + marker.size());
    });
  }

  std::string output() {
    std::lock_guard lock(mutex_);
    return output_;
  }

  void Signal(int signal) { ::kill(pid_, signal); }

 private:
  int WaitFor(const std::function<int(const std::string&)>& found) {
    for (int i = 0; i < 200; ++i) {
      if (const int value = found(output()); value != 0) {
        return value;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return 0;
  }

  pid_t pid_ = -1;
  std::thread reader_;
  std::mutex mutex_;
  std::string output_;
};

// Polls `check` every 100 ms for up to 20 seconds.
bool Eventually(const std::function<bool()>& check) {
  for (int i = 0; i < 200; ++i) {
    if (check()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

class ServeCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("rampart_serve_" + std::to_string(::getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    db_ = (folder_ / "rampart.db").string();
    rules_ = (folder_ / "rules.yaml").string();
    WriteText(rules_, kRules);
    auto tokens = store::TokenStore::Open(db_);
    ASSERT_TRUE(tokens.has_value());
    auto token = (*tokens)->Create("ci", {"admin"});
    ASSERT_TRUE(token.has_value());
    headers_ = {{"Authorization", "Bearer " + *token}};
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::unique_ptr<httplib::Client> Connect(ServeProcess& serve) {
    const int port = serve.WaitForPort();
    EXPECT_NE(port, 0) << serve.output();
    return std::make_unique<httplib::Client>("127.0.0.1", port);
  }

  Json PostJson(httplib::Client& client, const std::string& path, const Json& body) {
    auto response = client.Post(path, headers_, body.dump(), "application/json");
    EXPECT_TRUE(response);
    return response ? Json::parse(response->body) : Json();
  }

  std::vector<Json> AsrFindings() {
    std::vector<Json> findings;
    for (const char* name :
         {"cis-1.3.finding.json", "cis-4.1.finding.json", "afsbp-ec2.1.finding.json"}) {
      findings.push_back(Json::parse(*ReadFile((kFindings / "asr" / name).string())));
    }
    return findings;
  }

  // Imports the ASR findings through `client` and returns how many fail compliance.
  std::size_t ImportAsrFindings(httplib::Client& client) {
    const std::vector<Json> findings = AsrFindings();
    const Json imported = PostJson(client, "/v1/findings/import", {{"Findings", findings}});
    EXPECT_EQ(imported["SuccessCount"], findings.size()) << imported.dump();
    std::size_t failed_compliance = 0;
    for (const Json& finding : findings) {
      failed_compliance += finding["Compliance"]["Status"] == "FAILED" ? 1 : 0;
    }
    return failed_compliance;
  }

  std::filesystem::path folder_;
  std::string db_;
  std::string rules_;
  httplib::Headers headers_;
};

TEST_F(ServeCommandTest, ImportAndQueryWithoutConfig) {
  if (!std::filesystem::exists(kFindings)) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  ServeProcess serve({"serve", "--listen", "127.0.0.1:0", "--db", db_, "--rules", rules_});
  auto client = Connect(serve);
  const std::vector<Json> findings = AsrFindings();
  const Json imported = PostJson(*client, "/v1/findings/import", {{"Findings", findings}});
  EXPECT_EQ(imported["SuccessCount"], findings.size()) << imported.dump();
  const Json page = PostJson(*client, "/v1/findings/query", {{"MaxResults", 2}});
  EXPECT_EQ(page["Findings"].size(), 2u);
  ASSERT_TRUE(page.contains("NextToken"));
  const Json rest = PostJson(*client, "/v1/findings/query",
                             {{"MaxResults", 2}, {"NextToken", page["NextToken"]}});
  EXPECT_EQ(rest["Findings"].size(), 1u);
  auto ready = client->Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
}

TEST_F(ServeCommandTest, MissingModelsFolderStopsStart) {
  const std::string models = (folder_ / "no-such-folder").string();
  ServeProcess serve({"serve", "--listen", "127.0.0.1:0", "--db", db_, "--models", models});
  EXPECT_TRUE(Eventually([&] {
    return serve.output().find("models folder " + models + " is not a folder") != std::string::npos;
  })) << serve.output();
  EXPECT_EQ(serve.output().find("listening on"), std::string::npos) << serve.output();
}

TEST_F(ServeCommandTest, SighupKeepsRulesWhenFileInvalid) {
  ServeProcess serve({"serve", "--listen", "127.0.0.1:0", "--db", db_, "--rules", rules_});
  auto client = Connect(serve);
  auto rule_count = [&] {
    auto response = client->Get("/v1/rules", headers_);
    return response ? Json::parse(response->body)["Rules"].size() : 0;
  };
  ASSERT_EQ(rule_count(), 1u);

  // The old modification time is put back, so only SIGHUP can trigger this reload.
  const auto modified = std::filesystem::last_write_time(rules_);
  WriteText(rules_, "rules:\n  - name: broken\n    event_pattern: {source: aws.securityhub}\n");
  std::filesystem::last_write_time(rules_, modified);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto before_signal = client->Get("/readyz");
  ASSERT_TRUE(before_signal);
  EXPECT_EQ(before_signal->status, 200);
  serve.Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] {
    auto ready = client->Get("/readyz");
    return ready && ready->status == 503;
  })) << serve.output();
  auto ready = client->Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_THAT(ready->body, HasSubstr("leaf_not_array"));
  EXPECT_EQ(rule_count(), 1u);
  EXPECT_THAT(serve.output(), HasSubstr("keeping the running rules"));

  WriteText(rules_, std::string(kRules) +
                        "  - name: second\n    event_pattern: {source: [aws.securityhub]}\n");
  serve.Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] { return rule_count() == 2u; })) << serve.output();
  auto recovered = client->Get("/readyz");
  ASSERT_TRUE(recovered);
  EXPECT_EQ(recovered->status, 200);
}

TEST_F(ServeCommandTest, HubLoopRoutesImportedFindings) {
  if (!std::filesystem::exists(kFindings)) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  const std::string config = (folder_ / "rampart.yaml").string();
  // store_sync applies to the API's stores and the hub loop's alike.
  WriteText(config,
            "store: sqlite:rampart.db\nstore_sync: normal\nrules: rules.yaml\n"
            "remediation:\n  work_dir: work\n");
  ServeProcess serve({"serve", "--listen", "127.0.0.1:0", "--config", config, "--interval", "1s"});
  auto client = Connect(serve);
  const std::size_t failed_compliance = ImportAsrFindings(*client);
  ASSERT_GT(failed_compliance, 0u);
  Json listed;
  ASSERT_TRUE(Eventually([&] {
    auto response = client->Get("/v1/remediations", headers_);
    listed = response ? Json::parse(response->body) : Json();
    return listed.value("Remediations", Json::array()).size() == failed_compliance;
  })) << listed.dump()
      << serve.output();
  for (const Json& record : listed["Remediations"]) {
    EXPECT_EQ(record["Rule"], "notify-cis");
    EXPECT_EQ(record["Action"], "finding.update");
  }

  // The scrape counts the same rule matches, and every record under one state or another.
  const std::string matches =
      "rampart_rule_matches_total{rule=\"notify-cis\"} " + std::to_string(failed_compliance) + "\n";
  std::string metrics;
  ASSERT_TRUE(Eventually([&] {
    auto response = client->Get("/metrics", headers_);
    metrics = response ? response->body : "";
    return metrics.find(matches) != std::string::npos;
  })) << metrics;
  double records = 0;
  for (std::string_view state : {"PLANNED", "AWAITING_APPROVAL", "RUNNING", "SUCCEEDED", "FAILED",
                                 "VERIFIED", "ROLLED_BACK", "REJECTED", "SKIPPED"}) {
    const std::string series = fmt::format("rampart_remediations{{state=\"{}\"}} ", state);
    const std::size_t at = metrics.find(series);
    ASSERT_NE(at, std::string::npos) << series << " missing from\n" << metrics;
    records += std::stod(metrics.substr(at + series.size()));
  }
  EXPECT_EQ(records, static_cast<double>(failed_compliance));
  // Each planned record counts once, as planned or as awaiting approval.
  double planned = 0;
  for (std::string_view outcome : {"planned", "awaiting_approval"}) {
    const std::string series =
        fmt::format("rampart_remediation_outcomes_total{{outcome=\"{}\"}} ", outcome);
    const std::size_t at = metrics.find(series);
    ASSERT_NE(at, std::string::npos) << series << " missing from\n" << metrics;
    planned += std::stod(metrics.substr(at + series.size()));
  }
  EXPECT_EQ(planned, static_cast<double>(failed_compliance));
  EXPECT_THAT(metrics, HasSubstr("rampart_hub_cycle_duration_seconds_count"));
}

// Two workers share one PostgreSQL database: findings imported through one are planned once and
// run once, whichever worker's hub loop gets them, and the audit log stays one chain.
TEST_F(ServeCommandTest, TwoWorkersShareOnePostgresDatabase) {
  if (!std::filesystem::exists(kFindings)) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  const store::testing::TestDatabase database({"Postgres", store::testing::BackendKind::kPostgres});
  ASSERT_TRUE(database.status().ok()) << database.status().ToString();
  const std::string url = database.location();
  {
    auto tokens = store::TokenStore::Open(url);
    ASSERT_TRUE(tokens.has_value()) << tokens.status().ToString();
    auto token = (*tokens)->Create("ci", {"admin"});
    ASSERT_TRUE(token.has_value());
    headers_ = {{"Authorization", "Bearer " + *token}};
  }
  const std::string config = (folder_ / "rampart.yaml").string();
  WriteText(config,
            fmt::format("store: {}\nrules: rules.yaml\nremediation:\n  work_dir: work\n", url));
  ServeProcess first({"serve", "--listen", "127.0.0.1:0", "--config", config, "--interval", "1s"});
  ServeProcess second({"serve", "--listen", "127.0.0.1:0", "--config", config, "--interval", "1s"});
  auto importer = Connect(first);
  auto reader = Connect(second);
  const std::size_t failed_compliance = ImportAsrFindings(*importer);
  ASSERT_GT(failed_compliance, 0u);
  Json listed;
  const auto finished = [&] {
    auto response = reader->Get("/v1/remediations", headers_);
    listed = response ? Json::parse(response->body) : Json();
    const Json records = listed.value("Remediations", Json::array());
    std::size_t done = 0;
    for (const Json& record : records) {
      done += record["State"] != "PLANNED" && record["State"] != "RUNNING" ? 1 : 0;
    }
    return records.size() == failed_compliance && done == failed_compliance;
  };
  ASSERT_TRUE(Eventually(finished)) << listed.dump() << first.output() << second.output();
  for (const Json& record : listed["Remediations"]) {
    EXPECT_EQ(record["Rule"], "notify-cis");
    EXPECT_EQ(record["Attempts"], 1) << record.dump();
  }

  auto audit = store::AuditLog::Open(url);
  ASSERT_TRUE(audit.has_value()) << audit.status().ToString();
  auto report = (*audit)->Verify();
  ASSERT_TRUE(report.has_value()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_GT(report->entries, 0);
}

}  // namespace
}  // namespace rampart::cli
