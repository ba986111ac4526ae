#include "cli/posture_command.h"

#include "cli/commands.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>

#include "core/json.h"
#include "store/sqlite_finding_store.h"

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
  AddIngestCommands(app, run.exit_code);
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

class TempFolder {
 public:
  TempFolder() {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("posture-db-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempFolder() { fs::remove_all(path_); }
  std::string Path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

TEST(ScanManifestsCommand, StoresAndResolvesFixedFindings) {
  const TempFolder folder;
  const std::string db = folder.Path("rampart.db");
  const TempManifest failing{std::string(kPrivilegedPod)};
  const CommandRun first = RunRampart({"scan", "manifests", failing.path(), "--db", db});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("0 updated"), std::string::npos) << first.out;

  std::string fixed(kPrivilegedPod);
  fixed.replace(fixed.find("privileged: true"), 16, "privileged: false");
  const TempManifest passing{fixed};
  const CommandRun second = RunRampart({"scan", "manifests", passing.path(), "--db", db});
  ASSERT_EQ(second.exit_code, 0) << second.err;

  auto store = store::SqliteFindingStore::Open(db);
  ASSERT_TRUE(store.has_value());
  auto finding = (*store)->Get({"arn:aws:securityhub:us-east-1::product/rampart/posture",
                                "rampart/posture/pss-privileged/Pod/app/p"});
  ASSERT_TRUE(finding.has_value());
  ASSERT_TRUE(finding->has_value());
  EXPECT_EQ((**finding)["Compliance"]["Status"], "PASSED");
  EXPECT_EQ((**finding)["Workflow"]["Status"], "RESOLVED");
  auto history = (*store)->History({"arn:aws:securityhub:us-east-1::product/rampart/posture",
                                    "rampart/posture/pss-privileged/Pod/app/p"});
  ASSERT_TRUE(history.has_value());
  EXPECT_GE(history->size(), 2u);
}

// Returns the RecordState of the pss-privileged finding of Pod app/NAME in `db`.
std::string PrivilegedRecordState(const std::string& db, const std::string& name) {
  auto store = store::SqliteFindingStore::Open(db);
  EXPECT_TRUE(store.has_value());
  auto finding = (*store)->Get({"arn:aws:securityhub:us-east-1::product/rampart/posture",
                                "rampart/posture/pss-privileged/Pod/app/" + name});
  EXPECT_TRUE(finding.has_value()) << name;
  if (!finding.has_value()) {
    return "";
  }
  EXPECT_TRUE(finding->has_value()) << name;
  return finding->has_value() ? StringOr(**finding, "RecordState") : "";
}

TEST(ScanManifestsCommand, ArchivesFindingsOfDeletedObjects) {
  const TempFolder folder;
  const std::string db = folder.Path("rampart.db");
  fs::create_directories(folder.Path("repo"));
  fs::create_directories(folder.Path("other"));
  std::string second(kPrivilegedPod);
  second.replace(second.find("name: p"), 7, "name: q");
  std::ofstream(folder.Path("repo/p.yaml")) << kPrivilegedPod;
  std::ofstream(folder.Path("repo/q.yaml")) << second;
  std::string third(kPrivilegedPod);
  third.replace(third.find("name: p"), 7, "name: r");
  std::ofstream(folder.Path("other/r.yaml")) << third;
  ASSERT_EQ(RunRampart({"scan", "manifests", folder.Path("repo"), "--db", db}).exit_code, 0);
  ASSERT_EQ(RunRampart({"scan", "manifests", folder.Path("other"), "--db", db}).exit_code, 0);

  fs::remove(folder.Path("repo/q.yaml"));
  const CommandRun again = RunRampart({"scan", "manifests", folder.Path("repo"), "--db", db});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("findings of objects no longer found archived"), std::string::npos)
      << again.out;
  EXPECT_EQ(PrivilegedRecordState(db, "p"), "ACTIVE");
  EXPECT_EQ(PrivilegedRecordState(db, "q"), "ARCHIVED");
  EXPECT_EQ(PrivilegedRecordState(db, "r"), "ACTIVE");
}

TEST(ScanManifestsCommand, UnreadableFileArchivesNothing) {
  const TempFolder folder;
  const std::string db = folder.Path("rampart.db");
  fs::create_directories(folder.Path("repo"));
  std::ofstream(folder.Path("repo/p.yaml")) << kPrivilegedPod;
  ASSERT_EQ(RunRampart({"scan", "manifests", folder.Path("repo"), "--db", db}).exit_code, 0);
  std::ofstream(folder.Path("repo/p.yaml")) << "kind: Pod\nmetadata: [\n";
  const CommandRun broken = RunRampart({"scan", "manifests", folder.Path("repo"), "--db", db});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_EQ(PrivilegedRecordState(db, "p"), "ACTIVE");
}

// kube-bench and SARIF reports carry no time: their findings take the file's modification
// time, so reading an unchanged report again changes nothing and emits no events.
TEST(IngestCommand, UnchangedReportWithoutTimesIsUnchanged) {
  if (!fs::exists(kSharedData + "/findings")) {
    GTEST_SKIP() << "../shared/data is absent; the real reports are not available";
  }
  const TempFolder folder;
  const std::string db = folder.Path("rampart.db");
  const std::string kube_bench = kSharedData + "/findings/kube-bench/result.json";
  const std::string sarif = kSharedData + "/findings/trivy/alpine-310.sarif.json";
  const CommandRun first = RunRampart({"ingest", "--db", db, kube_bench, sarif});
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  const CommandRun again = RunRampart({"ingest", "--db", db, kube_bench, sarif});
  ASSERT_EQ(again.exit_code, 0) << again.err << again.out;
  EXPECT_NE(again.out.find("3 findings read (kube-bench): 0 created, 0 updated, 3 unchanged"),
            std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("4 findings read (sarif): 0 created, 0 updated, 4 unchanged"),
            std::string::npos)
      << again.out;
}

// Scores of bank-of-anthos plus the kube-bench report, worked out by reading both:
// bank-of-anthos has no RBAC objects, so CIS 5.1.1-5.1.4 and 5.1.8 have no data. Passing CIS
// controls: 5.2.2-5.2.5, 5.2.9, 5.2.11-5.2.13 and 5.4.1 (nine); failing: 5.1.5 (loadgenerator
// and the StatefulSets run as "default"), 5.1.6, 5.2.6, 5.2.7, 5.2.8, 5.2.10, 5.3.2, 5.7.2,
// 5.7.3 and 5.7.4 (ten). kube-bench adds two passes (cis-1.5 1.1.1, cis-1.15 2.1) and one
// WARN (cis-1.5 3.1.1).
TEST(ComplianceSummaryCommand, ScoresScanAndKubeBench) {
  if (!fs::exists(kSharedData + "/manifests")) {
    GTEST_SKIP() << "../shared/data is absent; the real manifests are not available";
  }
  const TempFolder folder;
  const std::string db = folder.Path("rampart.db");
  const CommandRun scan =
      RunRampart({"scan", "manifests", kSharedData + "/manifests/bank-of-anthos", "--db", db});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  const CommandRun ingest =
      RunRampart({"ingest", "--db", db, kSharedData + "/findings/kube-bench/result.json"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err << ingest.out;

  const CommandRun run = RunRampart({"compliance", "summary", "--db", db, "--output", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json standards = Json::parse(run.out);
  std::map<std::string, std::tuple<int, int, int>> counts;
  for (const Json& standard : standards) {
    counts[standard["standard"]] = {standard["passed"], standard["failed"], standard["noData"]};
  }
  EXPECT_EQ(counts["cis"], std::make_tuple(11, 10, 1));
  EXPECT_EQ(counts["cis-eks"], std::make_tuple(5, 5, 0));
  EXPECT_EQ(counts["pss-baseline"], std::make_tuple(12, 0, 0));
  EXPECT_EQ(counts["pss-restricted"], std::make_tuple(15, 4, 0));
  EXPECT_EQ(counts["pci-dss"], std::make_tuple(0, 5, 0));

  const CommandRun table = RunRampart({"compliance", "summary", "--db", db, "--controls"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("52.4%"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("cis-1.5 1.1.1"), std::string::npos) << table.out;
}

}  // namespace
}  // namespace rampart::cli
