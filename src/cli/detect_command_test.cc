// Runs the anomaly-detection commands through CLI11 as the rampart binary would.
#include "cli/detect_command.h"

#include "cli/commands.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <zlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/file.h"
#include "core/json.h"
#include "detect/model_file.h"
#include "store/finding_update.h"
#include "store/sqlite_finding_store.h"

namespace rampart::cli {
namespace {

const std::filesystem::path kLogs = std::filesystem::path(RAMPART_SHARED_DATA) / "anomaly/logs";

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandRun RunCommand(std::vector<std::string> args) {
  CLI::App app{"rampart", "rampart"};
  app.require_subcommand(1);
  CommandRun run;
  RegisterCommands(app, run.exit_code);
  std::vector<const char*> argv = {"rampart"};
  for (const std::string& arg : args) {
    argv.push_back(arg.c_str());
  }
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& error) {
    run.exit_code = app.exit(error) == 0 ? 0 : 2;
  }
  run.out = testing::internal::GetCapturedStdout();
  run.err = testing::internal::GetCapturedStderr();
  return run;
}

class TempDir : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart_detect_cli_" + std::to_string(::getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // 300 rows around (1, 2) with a label column, and one far row at line 302.
  std::string WriteCsv() const {
    std::ofstream out(Path("rows.csv"));
    out << "cpu,memory,label\n";
    for (int i = 0; i < 300; ++i) {
      out << 1.0 + 0.01 * (i % 10) << "," << 2.0 + 0.01 * (i % 7) << ",0\n";
    }
    out << "9.5,-4,1\n";
    return Path("rows.csv");
  }

  std::filesystem::path dir_;
};

std::vector<double> Lines(const std::string& text) {
  std::vector<double> values;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    values.push_back(std::stod(line));
  }
  return values;
}

using ModelCommand = TempDir;

TEST_F(ModelCommand, TrainAndScoreBothAlgorithms) {
  const std::string csv = WriteCsv();
  for (const std::string algorithm : {"iforest", "rcf"}) {
    const std::string model = Path(algorithm + ".model");
    CommandRun train = RunCommand({"model", "train", "--algorithm", algorithm, "--input", csv,
                                   "--seed", "7", "--out", model});
    ASSERT_EQ(train.exit_code, 0) << train.err;
    auto file = detect::ReadModelFile(model);
    ASSERT_TRUE(file.has_value()) << file.status().ToString();
    EXPECT_EQ(file->feature_names, (std::vector<std::string>{"cpu", "memory"}));  // no label

    CommandRun score = RunCommand({"model", "score", "--model", model, "--input", csv});
    ASSERT_EQ(score.exit_code, 0) << score.err;
    const std::vector<double> scores = Lines(score.out);
    ASSERT_EQ(scores.size(), 301u) << algorithm;
    EXPECT_EQ(*std::max_element(scores.begin(), scores.end()), scores.back()) << algorithm;

    CommandRun again = RunCommand({"model", "score", "--model", model, "--input", csv});
    EXPECT_EQ(again.out, score.out) << algorithm;
  }
}

TEST_F(ModelCommand, RejectsTooFewTrainingRows) {
  std::ofstream(Path("one.csv")) << "cpu,memory\n1,2\n";
  for (const std::string algorithm : {"rcf", "iforest"}) {
    CommandRun train = RunCommand({"model", "train", "--algorithm", algorithm, "--input",
                                   Path("one.csv"), "--out", Path("m")});
    EXPECT_EQ(train.exit_code, 2) << algorithm;
    EXPECT_NE(train.err.find("1 data rows; training needs at least 2"), std::string::npos)
        << train.err;
  }
}

// CLI11 alone reads "-1" for an unsigned option as 2^64 - 1.
TEST_F(ModelCommand, RejectsNegativeCounts) {
  for (const std::string option : {"--seed", "--trees", "--samples"}) {
    CommandRun train = RunCommand({"model", "train", "--algorithm", "rcf", "--input", WriteCsv(),
                                   option, "-1", "--out", Path("m")});
    EXPECT_EQ(train.exit_code, 2) << option;
    EXPECT_NE(train.err.find(option + ": negative value -1"), std::string::npos) << train.err;
    EXPECT_FALSE(std::filesystem::exists(Path("m"))) << option;
  }
  CommandRun zero = RunCommand({"model", "train", "--algorithm", "rcf", "--input", WriteCsv(),
                                "--seed", "0", "--out", Path("m")});
  EXPECT_EQ(zero.exit_code, 0) << zero.err;
}

// Sizes outside a forest's limits are errors that name the flag and the range. The messages
// named the forest's option names (num_trees, sample_size), which no flag has.
TEST_F(ModelCommand, RejectsForestSizesByFlag) {
  struct Case {
    std::string algorithm, option, value, message;
  };
  const Case cases[] = {
      {"rcf", "--trees", "0", "--trees 0 is invalid for --algorithm rcf; use 1 to 1000"},
      {"rcf", "--samples", "4096", "--samples 4096 is invalid for --algorithm rcf; use 1 to 2048"},
      {"iforest", "--trees", "20000",
       "--trees 20000 is invalid for --algorithm iforest; use 1 to 10000"},
      {"iforest", "--samples", "1",
       "--samples 1 is invalid for --algorithm iforest; use 2 to 65536"},
  };
  for (const Case& test : cases) {
    CommandRun train = RunCommand({"model", "train", "--algorithm", test.algorithm, "--input",
                                   WriteCsv(), test.option, test.value, "--out", Path("m")});
    EXPECT_EQ(train.exit_code, 2) << test.message;
    EXPECT_NE(train.err.find(test.message), std::string::npos) << train.err;
    EXPECT_FALSE(std::filesystem::exists(Path("m"))) << test.message;
  }
}

// The threshold is printed in its shortest exact form, not with 17 digits.
TEST_F(ModelCommand, PrintsThresholdShortly) {
  const std::string model = Path("rcf.model");
  CommandRun train = RunCommand({"model", "train", "--algorithm", "rcf", "--input", WriteCsv(),
                                 "--seed", "7", "--out", model});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  auto file = detect::ReadModelFile(model);
  ASSERT_TRUE(file.has_value()) << file.status().ToString();
  const double threshold = std::stod(file->metadata.at("threshold"));
  EXPECT_NE(train.out.find(fmt::format("(threshold {})", threshold)), std::string::npos)
      << train.out;
  const std::size_t start = train.out.find("(threshold ") + 11;
  const std::string printed = train.out.substr(start, train.out.find(')', start) - start);
  EXPECT_EQ(std::stod(printed), threshold);
}

TEST_F(ModelCommand, RejectsLabelFeature) {
  CommandRun train = RunCommand({"model", "train", "--algorithm", "iforest", "--input", WriteCsv(),
                                 "--features", "cpu,label", "--out", Path("m")});
  EXPECT_EQ(train.exit_code, 2);
  EXPECT_NE(train.err.find("\"label\" is a label"), std::string::npos) << train.err;
}

TEST_F(ModelCommand, RejectsDamagedModel) {
  const std::string csv = WriteCsv();
  const std::string model = Path("m.model");
  ASSERT_EQ(RunCommand({"model", "train", "--algorithm", "iforest", "--input", csv, "--out", model})
                .exit_code,
            0);
  {
    std::fstream file(model, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(40);
    file.put('\x7f');
  }
  CommandRun score = RunCommand({"model", "score", "--model", model, "--input", csv});
  EXPECT_EQ(score.exit_code, 2);
  EXPECT_NE(score.err.find("damaged"), std::string::npos) << score.err;
}

// A model file whose checksum is right but whose feature names disagree with its forest, as
// a tool that rewrites model files could leave it. Without the check, every row scores 0.
TEST_F(ModelCommand, RejectsFeatureNamesForestDoesNotRead) {
  const std::string csv = WriteCsv();
  const std::string model = Path("m.model");
  for (const char* algorithm : {"iforest", "rcf"}) {
    ASSERT_EQ(
        RunCommand({"model", "train", "--algorithm", algorithm, "--input", csv, "--out", model})
            .exit_code,
        0);
    auto file = detect::ReadModelFile(model);
    ASSERT_TRUE(file.has_value());
    file->feature_names = {"cpu"};
    ASSERT_TRUE(detect::WriteModelFile(*file, model).ok());
    std::ofstream(Path("cpu.csv")) << "cpu\n1\n";
    CommandRun score = RunCommand({"model", "score", "--model", model, "--input", Path("cpu.csv")});
    EXPECT_EQ(score.exit_code, 2) << algorithm;
    EXPECT_NE(score.err.find("names 1 features but its forest reads 2"), std::string::npos)
        << score.err;
  }
}

TEST_F(ModelCommand, RejectsBadCsvCell) {
  std::ofstream(Path("bad.csv")) << "a,b\n1,2\n3,x\n";
  CommandRun train = RunCommand(
      {"model", "train", "--algorithm", "rcf", "--input", Path("bad.csv"), "--out", Path("m")});
  EXPECT_EQ(train.exit_code, 2);
  EXPECT_NE(train.err.find("line 3, column \"b\": \"x\" is not a number"), std::string::npos)
      << train.err;
}

using DetectCommand = TempDir;

// A log compressed while it was still being copied: the whole lines before the cut are read.
TEST_F(DetectCommand, ReadsGzipLogUpToTheCut) {
  const auto log = kLogs / "loghub_openssh/OpenSSH/OpenSSH_2k.log";
  if (!std::filesystem::exists(log)) {
    GTEST_SKIP() << log << " is absent: ../shared/data is not checked out beside the tree";
  }
  auto text = ReadFile(log.string());
  ASSERT_TRUE(text.has_value());
  const std::string packed_path = Path("auth.log.gz");
  gzFile packed = gzopen(packed_path.c_str(), "wb");
  ASSERT_NE(packed, nullptr);
  ASSERT_EQ(gzwrite(packed, text->data(), static_cast<unsigned>(text->size())),
            static_cast<int>(text->size()));
  ASSERT_EQ(gzclose(packed), Z_OK);
  std::ifstream in(packed_path, std::ios::binary);
  std::string compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  std::ofstream(packed_path, std::ios::binary | std::ios::trunc)
      << compressed.substr(0, compressed.size() / 2);

  CommandRun run = RunCommand({"detect", "--logs", packed_path, "--format", "sshd", "--output",
                               "json", "--syslog-year", "2017"});
  EXPECT_EQ(run.exit_code, 1) << "part of the log is missing: " << run.err;
  EXPECT_NE(run.err.find("auth.log.gz: the gzip data ends before the end of the compressed stream"),
            std::string::npos)
      << run.err;
  auto document = ParseJson(run.out, "output");
  ASSERT_TRUE(document.has_value()) << document.status().ToString();
  std::vector<std::string> sources;
  for (const Json& finding : (*document)["Findings"]) {
    if (finding.contains("Network")) {
      sources.push_back(finding["Network"].value("SourceIpV4", ""));
    }
  }
  // 5.36.59.76 tries its logins near the start of the log.
  EXPECT_NE(std::find(sources.begin(), sources.end(), "5.36.59.76"), sources.end()) << run.out;
}

// An exporter's samples carry no timestamps: each scrape dates them, and the series of
// scrapes goes through the series detector as a file's series would.
TEST_F(DetectCommand, ScrapesMetricsEndpoint) {
  httplib::Server server;
  std::atomic<int> scrapes = 0;  // the server's threads take turns
  server.Get("/metrics", [&scrapes](const httplib::Request&, httplib::Response& response) {
    const int scrape = ++scrapes;
    const double load = scrape == 250 ? 50.0 : std::sin(scrape / 5.0) + 0.01 * (scrape % 7);
    response.set_content(fmt::format("# TYPE load gauge\nload{{host=\"a\"}} {}\nup 1\n", load),
                         "text/plain; version=0.0.4");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread thread([&] { server.listen_after_bind(); });
  while (!server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string url = fmt::format("http://127.0.0.1:{}/metrics", port);
  const TimePoint start = DefaultClock().Now();
  CommandRun run = RunCommand({"detect", "--format", "prometheus", "--logs", url, "--scrapes",
                               "300", "--scrape-interval", "0.002", "--output", "json"});
  const TimePoint end = DefaultClock().Now();
  CommandRun csv = RunCommand({"detect", "--format", "csv", "--logs", url});
  server.stop();
  thread.join();

  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(scrapes.load(), 300) << "--format csv must not scrape";
  auto document = ParseJson(run.out, "output");
  ASSERT_TRUE(document.has_value()) << document.status().ToString();
  ASSERT_EQ((*document)["Findings"].size(), 1u) << run.out;
  const Json& finding = (*document)["Findings"][0];
  EXPECT_NE(finding["Title"].get<std::string>().find("load{host=\"a\"}"), std::string::npos);
  auto seen = ParseTimestamp(finding["LastObservedAt"].get<std::string>());
  ASSERT_TRUE(seen.has_value());
  EXPECT_GE(*seen, start - std::chrono::milliseconds(1));  // dated by its scrape
  EXPECT_LE(*seen, end);
  EXPECT_EQ(csv.exit_code, 2);
  EXPECT_NE(csv.err.find("only --format prometheus reads a URL"), std::string::npos) << csv.err;
}

// A series too short for the detector to score any value gets a warning, not a silent
// "0 findings".
TEST_F(DetectCommand, WarnsOfSeriesTooShortToScore) {
  std::ofstream out(Path("short.csv"));
  out << "value\n";
  for (int row = 0; row < 50; ++row) {
    out << (row == 40 ? 1000 : row % 3) << "\n";
  }
  out.close();
  CommandRun run = RunCommand({"detect", "--format", "csv", "--logs", Path("short.csv")});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("50 rows; the series detector scores a column from row 65 on"),
            std::string::npos)
      << run.err;
  CommandRun year = RunCommand(
      {"detect", "--format", "sshd", "--logs", Path("short.csv"), "--syslog-year", "99999"});
  EXPECT_EQ(year.exit_code, 2) << year.err;
}

TEST_F(DetectCommand, ReportsSshBruteForceAsJson) {
  const auto log = kLogs / "loghub_openssh/OpenSSH/OpenSSH_2k.log";
  if (!std::filesystem::exists(log)) {
    GTEST_SKIP() << log << " is absent: ../shared/data is not checked out beside the tree";
  }
  CommandRun run = RunCommand({"detect", "--logs", log.string(), "--format", "sshd", "--output",
                               "json", "--syslog-year", "2017"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto document = ParseJson(run.out, "output");
  ASSERT_TRUE(document.has_value()) << document.status().ToString();
  std::vector<std::string> sources;
  for (const Json& finding : (*document)["Findings"]) {
    if (finding["GeneratorId"] == "rampart-detect/ssh-brute-force") {
      sources.push_back(finding["Network"]["SourceIpV4"]);
    }
  }
  for (const char* top : {"183.62.140.253", "187.141.143.180", "103.99.0.122"}) {
    EXPECT_NE(std::find(sources.begin(), sources.end(), top), sources.end()) << top;
  }
}

TEST_F(DetectCommand, ReportsExfiltrationAsTable) {
  const auto log = kLogs / "otrf_aws/ec2_proxy_s3_exfiltration_2020-09-14011940.json";
  if (!std::filesystem::exists(log)) {
    GTEST_SKIP() << log << " is absent: ../shared/data is not checked out beside the tree";
  }
  CommandRun run = RunCommand({"detect", "--logs", log.string(), "--format", "cloudtrail"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("EC2 instance credentials used from outside their instance"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("S3 objects downloaded with stolen instance credentials"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("3 findings"), std::string::npos) << run.out;
}

TEST_F(DetectCommand, TrainsAndUsesLogModel) {
  const auto log = kLogs / "otrf_aws/ec2_proxy_s3_exfiltration_2020-09-14011940.json";
  if (!std::filesystem::exists(log)) {
    GTEST_SKIP() << log << " is absent: ../shared/data is not checked out beside the tree";
  }
  const std::string model = Path("logs.model");
  CommandRun train =
      RunCommand({"model", "train", "--algorithm", "rcf", "--logs", log.string(), "--format",
                  "cloudtrail", "--window-seconds", "60", "--out", model});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  CommandRun run = RunCommand({"detect", "--logs", log.string(), "--format", "cloudtrail",
                               "--model", model, "--output", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto document = ParseJson(run.out, "output");
  ASSERT_TRUE(document.has_value());
  EXPECT_GE((*document)["Findings"].size(), 3u);

  // A model of CloudTrail windows reported every window of an sshd log as anomalous.
  const auto ssh_log = kLogs / "loghub_openssh/OpenSSH/OpenSSH_2k.log";
  CommandRun other = RunCommand({"detect", "--logs", ssh_log.string(), "--format", "sshd",
                                 "--model", model, "--syslog-year", "2017"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("the model was trained on cloudtrail logs, and --format is sshd"),
            std::string::npos)
      << other.err;
}

// Six failed logins from one address within a minute: one brute-force finding.
TEST_F(DetectCommand, StoresFindingsInDb) {
  std::ofstream log(Path("auth.log"));
  for (int second = 0; second < 6; ++second) {
    log << fmt::format(
        "Mar  1 10:00:{:02} host sshd[42]: Failed password for root from 198.51.100.7 port 4000 "
        "ssh2\n",
        second);
  }
  log.close();
  const std::vector<std::string> args = {"detect",       "--logs",        Path("auth.log"),
                                         "--format",     "sshd",          "--db",
                                         Path("hub.db"), "--syslog-year", "2026"};
  CommandRun first = RunCommand(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("1 created, 0 updated, 0 unchanged, 0 rejected"), std::string::npos)
      << first.err;
  // The same log again changes nothing: the finding's Id comes from what was detected.
  CommandRun again = RunCommand(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("hub.db: 0 created, 0 updated, 1 unchanged, 0 rejected"),
            std::string::npos)
      << again.err;

  // An older log of the same source keeps the first run's creation and last observation,
  // and moves the first observation back.
  auto store = store::SqliteFindingStore::Open(Path("hub.db"));
  ASSERT_TRUE(store.has_value()) << store.status().ToString();
  auto page = (*store)->List({});
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->findings.size(), 1u);
  const Json stored = page->findings[0];
  std::ofstream older(Path("older.log"));
  for (int second = 0; second < 6; ++second) {
    older << fmt::format(
        "Feb 20 09:00:{:02} host sshd[7]: Failed password for root from 198.51.100.7 port 4000 "
        "ssh2\n",
        second);
  }
  older.close();
  CommandRun replay = RunCommand({"detect", "--logs", Path("older.log"), "--format", "sshd", "--db",
                                  Path("hub.db"), "--syslog-year", "2026"});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_NE(replay.err.find("hub.db: 0 created, 1 updated, 0 unchanged"), std::string::npos)
      << replay.err;
  auto merged = (*store)->Get({stored["ProductArn"], stored["Id"]});
  ASSERT_TRUE(merged.has_value()) << merged.status().ToString();
  ASSERT_TRUE(merged->has_value());
  const Json& after = **merged;
  EXPECT_EQ(after["CreatedAt"], stored["CreatedAt"]);
  EXPECT_EQ(after["LastObservedAt"], "2026-03-01T10:00:05.000Z");
  EXPECT_EQ(after["FirstObservedAt"], "2026-02-20T09:00:00.000Z");
  // The older log's six failures came before the stored ones, so the counts add up.
  EXPECT_EQ(after["ProductFields"]["rampart/detect/Count"], "12");
}

// Returns every finding in the SQLite store at `path`, or fails the test.
std::vector<Json> StoredFindings(const std::string& path) {
  auto store = store::SqliteFindingStore::Open(path);
  EXPECT_TRUE(store.has_value()) << store.status().ToString();
  if (!store) {
    return {};
  }
  auto page = (*store)->List({});
  EXPECT_TRUE(page.has_value()) << page.status().ToString();
  return page ? page->findings : std::vector<Json>{};
}

// The real OpenSSH log twice: the second run changes no finding and adds no history record,
// also to a finding whose workflow status an analyst changed in between.
TEST_F(DetectCommand, ReplayedLogChangesNothing) {
  const auto log = kLogs / "loghub_openssh/OpenSSH/OpenSSH_2k.log";
  if (!std::filesystem::exists(log)) {
    GTEST_SKIP() << log << " is absent: ../shared/data is not checked out beside the tree";
  }
  const std::vector<std::string> args = {"detect",       "--logs",        log.string(),
                                         "--format",     "sshd",          "--db",
                                         Path("hub.db"), "--syslog-year", "2017"};
  CommandRun first = RunCommand(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("11 created, 0 updated, 0 unchanged, 0 rejected"), std::string::npos)
      << first.err;
  auto store = store::SqliteFindingStore::Open(Path("hub.db"));
  ASSERT_TRUE(store.has_value()) << store.status().ToString();
  const std::vector<Json> created = StoredFindings(Path("hub.db"));
  ASSERT_EQ(created.size(), 11u);
  store::FindingUpdate update;
  update.finding_identifiers = {{created[0]["Id"], created[0]["ProductArn"]}};
  update.workflow_status = "NOTIFIED";
  ASSERT_TRUE((*store)->Update(update, "analyst").has_value());
  const std::vector<Json> before = StoredFindings(Path("hub.db"));

  CommandRun again = RunCommand(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("0 created, 0 updated, 11 unchanged, 0 rejected"), std::string::npos)
      << again.err;
  EXPECT_EQ(StoredFindings(Path("hub.db")), before);
  for (const Json& finding : before) {
    auto history = (*store)->History({finding["ProductArn"], finding["Id"]});
    ASSERT_TRUE(history.has_value()) << history.status().ToString();
    const std::size_t expected = finding["Id"] == created[0]["Id"] ? 2u : 1u;
    EXPECT_EQ(history->size(), expected) << finding["Id"];
  }
}

// Writes six failed logins from 198.51.100.7 on March `day`, then a login as `user`.
void WriteBruteForceSuccess(const std::string& path, int day, const std::string& user) {
  std::ofstream log(path);
  for (int second = 0; second < 6; ++second) {
    log << fmt::format(
        "Mar {:2} 10:00:{:02} host sshd[42]: Failed password for {} from 198.51.100.7 port 4000 "
        "ssh2\n",
        day, second, user);
  }
  log << fmt::format(
      "Mar {:2} 10:00:07 host sshd[42]: Accepted password for {} from 198.51.100.7 port 4000 "
      "ssh2\n",
      day, user);
}

// Two logs in which a brute force from one address got into another account: the stored
// finding names both accounts, and the later run's description.
TEST_F(DetectCommand, StoredSuccessKeepsEveryAccount) {
  WriteBruteForceSuccess(Path("first.log"), 1, "root");
  WriteBruteForceSuccess(Path("second.log"), 2, "deploy");
  for (const std::string log : {"first.log", "second.log"}) {
    CommandRun run = RunCommand({"detect", "--logs", Path(log), "--format", "sshd", "--db",
                                 Path("hub.db"), "--syslog-year", "2026"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  std::vector<Json> successes;
  for (const Json& finding : StoredFindings(Path("hub.db"))) {
    if (finding["GeneratorId"] == "rampart-detect/ssh-brute-force-success") {
      successes.push_back(finding);
    }
  }
  ASSERT_EQ(successes.size(), 1u);
  const Json& success = successes[0];
  ASSERT_EQ(success["Resources"].size(), 2u) << success.dump();
  EXPECT_EQ(success["Resources"][0]["Id"], "sshd root");
  EXPECT_EQ(success["Resources"][1]["Id"], "sshd deploy");
  EXPECT_EQ(success["LastObservedAt"], "2026-03-02T10:00:07.000Z");
  const std::string description = success["Description"];
  EXPECT_NE(description.find("logged in as deploy after"), std::string::npos) << description;
  EXPECT_TRUE(description.ends_with(" Also named in other runs: sshd root.")) << description;

  // A replay of the first log changes neither the accounts nor the note.
  CommandRun replay = RunCommand({"detect", "--logs", Path("first.log"), "--format", "sshd", "--db",
                                  Path("hub.db"), "--syslog-year", "2026"});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  for (const Json& finding : StoredFindings(Path("hub.db"))) {
    if (finding["GeneratorId"] == "rampart-detect/ssh-brute-force-success") {
      EXPECT_EQ(finding["Description"], description);
    }
  }
}

// Returns the stored Count of the brute-force finding for `source`, or -1 when there is none.
int StoredBruteForceCount(const std::string& db, const std::string& source) {
  for (const Json& finding : StoredFindings(db)) {
    if (finding["GeneratorId"] == "rampart-detect/ssh-brute-force" &&
        finding["Network"].value("SourceIpV4", "") == source) {
      return std::stoi(finding["ProductFields"]["rampart/detect/Count"].get<std::string>());
    }
  }
  return -1;
}

// The real OpenSSH log rotated in two pieces at line 1500. 183.62.140.253 failed 286 logins
// in it: 149 before the cut (to 10:59:43) and 137 after it (from 10:59:45).
TEST_F(DetectCommand, AddsCountsOfRotatedPieces) {
  const auto log = kLogs / "loghub_openssh/OpenSSH/OpenSSH_2k.log";
  if (!std::filesystem::exists(log)) {
    GTEST_SKIP() << log << " is absent: ../shared/data is not checked out beside the tree";
  }
  std::ifstream in(log);
  std::ofstream first_piece(Path("auth.log.1"));
  std::ofstream second_piece(Path("auth.log"));
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    (number <= 1500 ? first_piece : second_piece) << line << "\n";
  }
  first_piece.close();
  second_piece.close();
  const auto detect = [&](const std::string& piece) {
    return RunCommand({"detect", "--logs", piece, "--format", "sshd", "--db", Path("hub.db"),
                       "--syslog-year", "2017"});
  };

  ASSERT_EQ(detect(Path("auth.log.1")).exit_code, 0);
  EXPECT_EQ(StoredBruteForceCount(Path("hub.db"), "183.62.140.253"), 149);
  ASSERT_EQ(detect(Path("auth.log")).exit_code, 0);
  EXPECT_EQ(StoredBruteForceCount(Path("hub.db"), "183.62.140.253"), 286);

  // A replay of either piece overlaps the stored span: the count stays, and nothing changes.
  CommandRun replay = detect(Path("auth.log"));
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_NE(replay.err.find(" 0 updated, "), std::string::npos) << replay.err;
  EXPECT_EQ(StoredBruteForceCount(Path("hub.db"), "183.62.140.253"), 286);
  ASSERT_EQ(detect(Path("auth.log.1")).exit_code, 0);
  EXPECT_EQ(StoredBruteForceCount(Path("hub.db"), "183.62.140.253"), 286);
}

// A real metric series, once as CSV and once as Prometheus text with sample timestamps: the
// series detector reports the same first and last times and count in both.
TEST_F(DetectCommand, PrometheusSeriesMatchesCsv) {
  const auto csv = std::filesystem::path(RAMPART_SHARED_DATA) /
                   "anomaly/nab/data/realKnownCause/machine_temperature_system_failure.csv";
  if (!std::filesystem::exists(csv)) {
    GTEST_SKIP() << csv << " is absent: ../shared/data is not checked out beside the tree";
  }
  // A Prometheus series has one value per time, in time order. The file repeats an hour,
  // where its clock went back, so both forms keep only rows later than the row before.
  std::ifstream in(csv);
  std::ofstream rows(Path("temperature.csv"));
  std::ofstream prom(Path("temperature.prom"));
  prom << "# TYPE machine_temperature gauge\n";
  std::string line;
  std::getline(in, line);
  rows << line << "\n";
  std::int64_t previous = 0;
  while (std::getline(in, line)) {
    const std::size_t comma = line.find(',');
    auto time = ParseTimestamp(line.substr(0, comma));
    ASSERT_TRUE(time.has_value()) << line;
    const std::int64_t millis = ToUnixMicros(*time) / 1000;
    if (millis <= previous) {
      continue;
    }
    previous = millis;
    rows << line << "\n";
    prom << "machine_temperature{host=\"m1\"} " << line.substr(comma + 1) << " " << millis << "\n";
  }
  rows.close();
  prom.close();

  auto observed = [](const CommandRun& run) {
    std::vector<std::string> times;
    auto document = ParseJson(run.out, "output");
    EXPECT_TRUE(document.has_value()) << run.out;
    for (const Json& finding : (*document)["Findings"]) {
      times.push_back(finding["FirstObservedAt"].get<std::string>() + " " +
                      finding["LastObservedAt"].get<std::string>() + " " +
                      finding["ProductFields"]["rampart/detect/Count"].get<std::string>());
    }
    return times;
  };
  CommandRun from_csv = RunCommand({"detect", "--logs", Path("temperature.csv"), "--format", "csv",
                                    "--threshold", "0.3", "--output", "json"});
  CommandRun from_prom = RunCommand({"detect", "--logs", Path("temperature.prom"), "--format",
                                     "prometheus", "--threshold", "0.3", "--output", "json"});
  ASSERT_EQ(from_csv.exit_code, 0) << from_csv.err;
  ASSERT_EQ(from_prom.exit_code, 0) << from_prom.err;
  const std::vector<std::string> expected = observed(from_csv);
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(observed(from_prom), expected);
  EXPECT_NE(from_prom.out.find("machine_temperature{host=\\\"m1\\\"}"), std::string::npos);
}

// A series that misses times is filled and named in a warning, with exit status 0. A second
// value of a series at one time is a rejected sample, so the status is 1.
TEST_F(DetectCommand, WarnsOfGapsAndRejectsConflicts) {
  std::ofstream gaps(Path("gaps.prom"));
  for (int row = 1; row <= 100; ++row) {
    gaps << "a " << row % 5 << " " << row * 1000 << "\n";
    if (row % 10 != 0) {
      gaps << "b " << row % 3 << " " << row * 1000 << "\n";
    }
  }
  gaps.close();
  CommandRun filled = RunCommand({"detect", "--logs", Path("gaps.prom"), "--format", "prometheus"});
  EXPECT_EQ(filled.exit_code, 0) << filled.err;
  EXPECT_NE(filled.err.find("warning: " + Path("gaps.prom") +
                            ": series b has no sample at 10 of 100 times"),
            std::string::npos)
      << filled.err;

  std::ofstream(Path("conflict.prom")) << "a 1 1000\na 2 1000\n";
  CommandRun conflict =
      RunCommand({"detect", "--logs", Path("conflict.prom"), "--format", "prometheus"});
  EXPECT_EQ(conflict.exit_code, 1) << conflict.err;
  EXPECT_NE(conflict.err.find("line 2: series a already has another value"), std::string::npos)
      << conflict.err;
}

// The classifier's last part is the detection mechanism: the algorithm of the model.
TEST_F(DetectCommand, TypesRowFindingsByAlgorithm) {
  const std::string csv = WriteCsv();
  const std::pair<std::string, std::string> kAlgorithms[] = {{"iforest", "IsolationForest"},
                                                             {"rcf", "RandomCutForest"}};
  for (const auto& [algorithm, mechanism] : kAlgorithms) {
    const std::string model = Path(algorithm + ".model");
    CommandRun train =
        RunCommand({"model", "train", "--algorithm", algorithm, "--input", csv, "--out", model});
    ASSERT_EQ(train.exit_code, 0) << train.err;
    CommandRun run = RunCommand(
        {"detect", "--logs", csv, "--format", "csv", "--model", model, "--output", "json"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto document = ParseJson(run.out, "output");
    ASSERT_TRUE(document.has_value()) << document.status().ToString();
    ASSERT_FALSE((*document)["Findings"].empty()) << algorithm;
    for (const Json& finding : (*document)["Findings"]) {
      EXPECT_EQ(finding["Types"][0],
                "Unusual Behaviors/Process/Behavior:Metric-AnomalousValue." + mechanism);
    }
  }
}

TEST_F(DetectCommand, RejectsThresholdOutsideZeroToOne) {
  std::ofstream(Path("a.csv")) << "value\n1\n";
  CommandRun run =
      RunCommand({"detect", "--logs", Path("a.csv"), "--format", "csv", "--threshold", "2"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--threshold"), std::string::npos) << run.err;
}

TEST_F(DetectCommand, ReportsMissingFile) {
  CommandRun run = RunCommand({"detect", "--logs", Path("absent.json"), "--format", "cloudtrail"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("absent.json"), std::string::npos) << run.err;
}

// Returns the LastObservedAt of the brute-force finding of `run`'s JSON output.
std::string BruteForceLastObserved(const CommandRun& run) {
  auto document = ParseJson(run.out, "output");
  EXPECT_TRUE(document.has_value()) << run.out << run.err;
  for (const Json& finding : document ? (*document)["Findings"] : Json::array()) {
    if (finding["GeneratorId"] == "rampart-detect/ssh-brute-force") {
      return finding["LastObservedAt"];
    }
  }
  return "";
}

// Six failed logins at 10:00 local time on 1 July, when Zurich is two hours ahead of UTC.
TEST_F(DetectCommand, ReadsSyslogInTimezone) {
  WriteBruteForceSuccess(Path("auth.log"), 1, "root");
  std::string log = *ReadFile(Path("auth.log"));
  for (std::size_t at = log.find("Mar  1"); at != std::string::npos; at = log.find("Mar  1")) {
    log.replace(at, 6, "Jul  1");
  }
  ASSERT_TRUE(WriteFileAtomic(Path("auth.log"), log).ok());
  const std::vector<std::string> args = {"detect",   "--logs", Path("auth.log"), "--format", "sshd",
                                         "--output", "json",   "--syslog-year",  "2024"};
  CommandRun utc = RunCommand(args);
  ASSERT_EQ(utc.exit_code, 0) << utc.err;
  EXPECT_EQ(BruteForceLastObserved(utc), "2024-07-01T10:00:05.000Z");

  std::vector<std::string> offset_args = args;
  offset_args.insert(offset_args.end(), {"--timezone", "-05:30"});
  CommandRun offset = RunCommand(offset_args);
  ASSERT_EQ(offset.exit_code, 0) << offset.err;
  EXPECT_EQ(BruteForceLastObserved(offset), "2024-07-01T15:30:05.000Z");

  if (!std::filesystem::exists("/usr/share/zoneinfo/Europe/Zurich")) {
    GTEST_SKIP() << "the system has no zoneinfo file for Europe/Zurich";
  }
  std::vector<std::string> zurich_args = args;
  zurich_args.insert(zurich_args.end(), {"--timezone", "Europe/Zurich"});
  CommandRun zurich = RunCommand(zurich_args);
  ASSERT_EQ(zurich.exit_code, 0) << zurich.err;
  EXPECT_EQ(BruteForceLastObserved(zurich), "2024-07-01T08:00:05.000Z");
}

TEST_F(DetectCommand, RejectsUnknownTimezone) {
  WriteBruteForceSuccess(Path("auth.log"), 1, "root");
  for (const std::string zone : {"Europe/Zurih", "../../etc/passwd", "+25:00"}) {
    CommandRun run =
        RunCommand({"detect", "--logs", Path("auth.log"), "--format", "sshd", "--timezone", zone});
    EXPECT_EQ(run.exit_code, 2) << zone;
    EXPECT_NE(run.err.find("--timezone: time zone \"" + zone + "\""), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "") << zone;
  }
  CommandRun train =
      RunCommand({"model", "train", "--algorithm", "rcf", "--logs", Path("auth.log"), "--format",
                  "sshd", "--timezone", "Mars/Olympus", "--out", Path("m.model")});
  EXPECT_EQ(train.exit_code, 2);
  EXPECT_NE(train.err.find("time zone \"Mars/Olympus\": unknown"), std::string::npos) << train.err;
}

TEST_F(DetectCommand, TimezoneOnlyForSshd) {
  CommandRun run = RunCommand({"detect", "--logs", Path("trail.json"), "--format", "cloudtrail",
                               "--timezone", "Europe/Zurich"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--timezone applies to sshd logs"), std::string::npos) << run.err;
}

TEST_F(DetectCommand, HelpNamesTimezoneDefault) {
  CommandRun run = RunCommand({"detect", "--help"});
  EXPECT_NE(run.out.find("--timezone"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("(default: UTC)"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace rampart::cli
