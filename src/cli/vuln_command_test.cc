// Runs the vulnerability commands through CLI11 as the rampart binary would.
#include "cli/vuln_command.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/filter.h"
#include "store/sqlite_finding_store.h"

namespace rampart::cli {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandRun RunCommand(std::vector<std::string> args) {
  CLI::App app{"rampart", "rampart"};
  app.require_subcommand(1);
  CommandRun run;
  AddVulnCommands(app, run.exit_code);
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

TEST(VersionCompareCommand, PrintsOrder) {
  EXPECT_EQ(RunCommand({"version", "compare", "Debian", "1.2-1", "1.2-1~deb12u1"}).out, ">\n");
  EXPECT_EQ(RunCommand({"version", "compare", "npm", "16.2.2", "16.2.2"}).out, "=\n");
  EXPECT_EQ(RunCommand({"version", "compare", "Alpine", "1.6_rc1-r0", "1.6-r0"}).out, "<\n");
  EXPECT_EQ(RunCommand({"version", "compare", "Red Hat", "1.0-1", "1:0.9-1"}).out, "<\n");
}

TEST(VersionCompareCommand, AcceptsReleaseSuffix) {
  const CommandRun run = RunCommand({"version", "compare", "Debian:12", "2:1.0", "1:9.0"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, ">\n");
}

TEST(VersionCompareCommand, InvalidVersionIsError) {
  const CommandRun run = RunCommand({"version", "compare", "Alpine", "1.18.-r2", "1.18-r2"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("\"1.18.-r2\""), std::string::npos) << run.err;
}

TEST(VersionCompareCommand, LenientOrdersLegacyPython) {
  const CommandRun strict = RunCommand({"version", "compare", "PyPI", "0.9-doduo", "1.0"});
  EXPECT_EQ(strict.exit_code, 2);
  const CommandRun lenient =
      RunCommand({"version", "compare", "--lenient", "PyPI", "0.9-doduo", "1.0"});
  EXPECT_EQ(lenient.exit_code, 0);
  EXPECT_EQ(lenient.out, "<\n");
}

TEST(VersionCompareCommand, UnknownEcosystemIsError) {
  const CommandRun run = RunCommand({"version", "compare", "debian", "1", "2"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("unsupported ecosystem \"debian\""), std::string::npos) << run.err;
}

// A temporary folder with an OSV database of two records and an SBOM that matches one.
class ScanCommandTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("rampart-vuln-cli-" + std::to_string(std::random_device()()));
    Write("osv/GHSA-next-0001.json", R"({"id": "GHSA-next-0001", "aliases": ["CVE-2099-0001"],
        "database_specific": {"severity": "HIGH"},
        "affected": [{"package": {"ecosystem": "npm", "name": "next"},
          "ranges": [{"type": "SEMVER", "events": [{"introduced": "16.0.0"}, {"fixed": "16.1.5"}]}]}]})");
    Write("osv/GHSA-low-0002.json",
          R"({"id": "GHSA-low-0002", "database_specific": {"severity": "LOW"},
        "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
          "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.3.0"}]}]}]})");
    Write("app.cdx.json", R"({"bomFormat": "CycloneDX", "specVersion": "1.6",
        "metadata": {"component": {"name": "web", "version": "2"}},
        "components": [{"type": "library", "purl": "pkg:npm/next@16.1.4"},
                       {"type": "library", "purl": "pkg:npm/left-pad@1.2.0"}]})");
    Write("rootfs/srv/package-lock.json",
          R"({"lockfileVersion": 3, "packages": {"node_modules/next": {"version": "16.2.2"}}})");
  }

  void TearDown() override { std::filesystem::remove_all(root_); }

  void Write(const std::string& relative, const std::string& text) {
    const auto path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  std::string Path(const std::string& relative) const { return (root_ / relative).string(); }

  std::filesystem::path root_;
};

TEST_F(ScanCommandTest, SbomJsonOutput) {
  const CommandRun run =
      RunCommand({"scan", "sbom", Path("app.cdx.json"), "--osv", Path("osv"), "--output", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report.at("Artifact"), "web:2");
  ASSERT_EQ(report.at("Findings").size(), 2u);
  EXPECT_EQ(report.at("Errors").size(), 0u);
  std::vector<std::string> ids;
  for (const auto& finding : report.at("Findings")) {
    ids.push_back(finding.at("Vulnerabilities").at(0).at("Id"));
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"CVE-2099-0001", "GHSA-low-0002"}));
}

TEST_F(ScanCommandTest, FailOnThreshold) {
  const std::vector<std::string> base = {"scan", "sbom", Path("app.cdx.json"), "--osv",
                                         Path("osv")};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCommand(args);
  };
  EXPECT_EQ(with({"--fail-on", "HIGH"}).exit_code, 1);
  EXPECT_EQ(with({"--fail-on", "critical"}).exit_code, 0);
  EXPECT_EQ(with({}).exit_code, 0);
  const CommandRun bad = with({"--fail-on", "SEVERE"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("\"SEVERE\""), std::string::npos) << bad.err;
}

TEST_F(ScanCommandTest, TableOutput) {
  const CommandRun run = RunCommand({"scan", "sbom", Path("app.cdx.json"), "--osv", Path("osv")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("web:2 (CycloneDX 1.6): 2 packages, 2 findings"), std::string::npos)
      << run.out;
  const auto high = run.out.find("HIGH");
  const auto low = run.out.find("LOW");
  ASSERT_NE(high, std::string::npos);
  ASSERT_NE(low, std::string::npos);
  EXPECT_LT(high, low) << "findings are listed by severity, highest first";
  EXPECT_NE(run.out.find("16.1.5"), std::string::npos);
}

TEST_F(ScanCommandTest, RootFsLaterVersionIsNotFlagged) {
  const CommandRun run = RunCommand({"scan", "rootfs", Path("rootfs"), "--osv", Path("osv"),
                                     "--output", "json", "--fail-on", "LOW"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report.at("Packages"), 1);
  EXPECT_TRUE(report.at("Findings").empty());
}

TEST_F(ScanCommandTest, AdvisoryErrorFailsThreshold) {
  Write("osv/BAD-1.json", R"({"id": "BAD-1", "affected": [{"package": {"ecosystem": "npm",
      "name": "next"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"},
      {"fixed": "sixteen"}]}]}]})");
  const CommandRun run = RunCommand(
      {"scan", "sbom", Path("app.cdx.json"), "--osv", Path("osv"), "--fail-on", "CRITICAL"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("advisory BAD-1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"sixteen\""), std::string::npos) << run.out;
}

TEST_F(ScanCommandTest, DbStoresAndArchivesFixed) {
  const std::string db = Path("findings.db");
  const CommandRun first =
      RunCommand({"scan", "sbom", Path("app.cdx.json"), "--osv", Path("osv"), "--db", db});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("2 created, 0 updated, 0 unchanged, 0 failed, 0 archived"),
            std::string::npos)
      << first.err;

  // The next release is upgraded past the fix; left-pad is still vulnerable.
  Write("app.cdx.json", R"({"bomFormat": "CycloneDX", "specVersion": "1.6",
      "metadata": {"component": {"name": "web", "version": "2"}},
      "components": [{"type": "library", "purl": "pkg:npm/next@16.1.5"},
                     {"type": "library", "purl": "pkg:npm/left-pad@1.2.0"}]})");
  const CommandRun second =
      RunCommand({"scan", "sbom", Path("app.cdx.json"), "--osv", Path("osv"), "--db", db});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("0 created, 1 updated, 0 unchanged, 0 failed, 1 archived"),
            std::string::npos)
      << second.err;

  auto store = store::SqliteFindingStore::Open(db);
  ASSERT_TRUE(store.has_value()) << store.status().message();
  auto archived = (*store)->Count(*store::ParseFilters(
      {{"RecordState",
        nlohmann::json::array({{{"Value", "ARCHIVED"}, {"Comparison", "EQUALS"}}})}}));
  ASSERT_TRUE(archived.has_value()) << archived.status().message();
  EXPECT_EQ(*archived, 1);
  auto active = (*store)->Count(*store::ParseFilters(
      {{"RecordState", nlohmann::json::array({{{"Value", "ACTIVE"}, {"Comparison", "EQUALS"}}})}}));
  ASSERT_TRUE(active.has_value());
  EXPECT_EQ(*active, 1);
}

TEST_F(ScanCommandTest, BadInputsExitTwo) {
  EXPECT_EQ(RunCommand({"scan", "sbom", Path("missing.json"), "--osv", Path("osv")}).exit_code, 2);
  EXPECT_EQ(RunCommand({"scan", "sbom", Path("app.cdx.json"), "--osv", Path("nothing")}).exit_code,
            2);
  const CommandRun db = RunCommand({"scan", "sbom", Path("app.cdx.json"), "--osv", Path("osv"),
                                    "--db", Path("no/such/folder/x.db")});
  EXPECT_EQ(db.exit_code, 2);
  EXPECT_EQ(RunCommand({"scan", "rootfs", Path("app.cdx.json"), "--osv", Path("osv")}).exit_code,
            2);
}

}  // namespace
}  // namespace rampart::cli
