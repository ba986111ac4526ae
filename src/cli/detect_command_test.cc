// Runs the anomaly-detection commands through CLI11 as the rampart binary would.
#include "cli/detect_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "detect/model_file.h"

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
  AddDetectCommands(app, run.exit_code);
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

TEST_F(ModelCommand, RejectsBadCsvCell) {
  std::ofstream(Path("bad.csv")) << "a,b\n1,2\n3,x\n";
  CommandRun train = RunCommand(
      {"model", "train", "--algorithm", "rcf", "--input", Path("bad.csv"), "--out", Path("m")});
  EXPECT_EQ(train.exit_code, 2);
  EXPECT_NE(train.err.find("line 3, column \"b\": \"x\" is not a number"), std::string::npos)
      << train.err;
}

using DetectCommand = TempDir;

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
}

TEST_F(DetectCommand, RejectsDbUntilStoreExists) {
  std::ofstream(Path("a.log")) << "";
  CommandRun run = RunCommand(
      {"detect", "--logs", Path("a.log"), "--format", "sshd", "--db", Path("findings.db")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--db is not available"), std::string::npos) << run.err;
}

TEST_F(DetectCommand, ReportsMissingFile) {
  CommandRun run = RunCommand({"detect", "--logs", Path("absent.json"), "--format", "cloudtrail"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("absent.json"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace rampart::cli
