#include "cli/posture_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "core/json.h"

namespace rampart::cli {
namespace {

namespace fs = std::filesystem;

const std::string kSharedData = RAMPART_SHARED_DATA;

struct CommandRun {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// Runs `rampart ARGS...` with the posture commands, capturing standard output and error.
CommandRun RunRampart(std::vector<std::string> args) {
  CLI::App app{"rampart", "rampart"};
  app.require_subcommand(1);
  CommandRun run;
  AddPostureCommands(app, run.exit_code);
  std::ostringstream out;
  std::ostringstream err;
  std::streambuf* old_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* old_err = std::cerr.rdbuf(err.rdbuf());
  std::vector<const char*> argv = {"rampart"};
  for (const std::string& arg : args) {
    argv.push_back(arg.c_str());
  }
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& error) {
    run.exit_code = app.exit(error) == 0 ? 0 : 2;
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

class TempManifest {
 public:
  explicit TempManifest(const std::string& text) {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("posture-cli-" + std::to_string(random()) + ".yaml");
    std::ofstream(path_) << text;
  }
  ~TempManifest() { fs::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

constexpr std::string_view kPrivilegedPod =
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: app\nspec:\n  containers:\n"
    "  - name: a\n    image: nginx:1.25\n    securityContext:\n      privileged: true\n";

TEST(ScanManifestsCommand, FailOnGatesExitStatus) {
  const TempManifest manifest{std::string(kPrivilegedPod)};
  EXPECT_EQ(RunRampart({"scan", "manifests", manifest.path()}).exit_code, 0);
  EXPECT_EQ(RunRampart({"scan", "manifests", manifest.path(), "--fail-on", "critical"}).exit_code,
            1);
  EXPECT_EQ(RunRampart({"scan", "manifests", manifest.path(), "--fail-on", "CRITICAL"}).exit_code,
            1);
  EXPECT_EQ(RunRampart({"scan", "manifests", manifest.path(), "--standard", "pci-dss", "--fail-on",
                        "critical"})
                .exit_code,
            1);
  EXPECT_EQ(RunRampart({"scan", "manifests", manifest.path(), "--standard", "cis", "--fail-on",
                        "critical"})
                .exit_code,
            1);
  const CommandRun bad = RunRampart({"scan", "manifests", manifest.path(), "--fail-on", "severe"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("severe"), std::string::npos);
}

TEST(ScanManifestsCommand, GateIgnoresLowerSeverities) {
  const TempManifest manifest{
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\ndata: {}\n"};
  const CommandRun run = RunRampart({"scan", "manifests", manifest.path(), "--fail-on", "high"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("cis-default-namespace"), std::string::npos);
  EXPECT_NE(run.out.find("cis-network-policy"), std::string::npos);
}

TEST(ScanManifestsCommand, WritesAsffJson) {
  const TempManifest manifest{std::string(kPrivilegedPod)};
  const CommandRun run = RunRampart(
      {"scan", "manifests", manifest.path(), "--output", "json", "--account", "111122223333"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json findings = Json::parse(run.out);
  ASSERT_TRUE(findings.is_array());
  bool privileged = false;
  for (const Json& finding : findings) {
    EXPECT_EQ(finding["AwsAccountId"], "111122223333");
    if (finding["Id"] == "rampart/posture/pss-privileged/Pod/app/p") {
      privileged = true;
      EXPECT_EQ(finding["Compliance"]["Status"], "FAILED");
    }
  }
  EXPECT_TRUE(privileged);
}

TEST(ScanManifestsCommand, WritesSarif) {
  const TempManifest manifest{std::string(kPrivilegedPod)};
  const CommandRun run = RunRampart({"scan", "manifests", manifest.path(), "--output", "sarif"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json sarif = Json::parse(run.out);
  EXPECT_EQ(sarif["version"], "2.1.0");
  EXPECT_FALSE(sarif["runs"][0]["results"].empty());
}

TEST(ScanManifestsCommand, BrokenDocumentExitsOne) {
  const TempManifest manifest{std::string(kPrivilegedPod) + "---\nkind: [\n"};
  const CommandRun run = RunRampart({"scan", "manifests", manifest.path()});
  EXPECT_EQ(run.exit_code, 1);
  // The broken document spans lines 12-13; yaml-cpp notices the open flow at the end of input.
  EXPECT_NE(run.out.find("error: " + manifest.path() + ":14: "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("pss-privileged"), std::string::npos);
}

TEST(ScanManifestsCommand, MissingPathExitsTwo) {
  const CommandRun run = RunRampart({"scan", "manifests", "/nonexistent/manifests"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("/nonexistent/manifests"), std::string::npos);
}

TEST(ScanManifestsCommand, ScansRealManifests) {
  if (!fs::exists(kSharedData + "/manifests")) {
    GTEST_SKIP() << "../shared/data is absent; the real manifests are not available";
  }
  const CommandRun run =
      RunRampart({"scan", "manifests", kSharedData + "/manifests", "--fail-on", "high"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("pci-password-configmap"), std::string::npos);
  EXPECT_NE(run.out.find("ConfigMap/default/ledger-db-config"), std::string::npos);
}

}  // namespace
}  // namespace rampart::cli
