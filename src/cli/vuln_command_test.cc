// Runs the vulnerability commands through CLI11 as the rampart binary would.
#include "cli/vuln_command.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/testing/registry_server.h"
#include "pattern/matcher.h"
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

// The --fail-on help promises exit 1 when a package version could not be evaluated.
TEST_F(ScanCommandTest, SkippedPackageFailsThreshold) {
  Write("nopurl.cdx.json", R"({"bomFormat": "CycloneDX", "specVersion": "1.6",
      "components": [{"type": "library", "name": "lodash", "version": "4.17.20"}]})");
  const std::vector<std::string> base = {"scan", "sbom", Path("nopurl.cdx.json"), "--osv",
                                         Path("osv")};
  EXPECT_EQ(RunCommand(base).exit_code, 0);
  std::vector<std::string> gated = base;
  gated.insert(gated.end(), {"--fail-on", "CRITICAL"});
  const CommandRun run = RunCommand(gated);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("1 packages were skipped"), std::string::npos) << run.out;
}

TEST_F(ScanCommandTest, ComponentsNotArrayIsError) {
  Write("compobj.cdx.json",
        R"({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": {"a": 1}})");
  const CommandRun run = RunCommand(
      {"scan", "sbom", Path("compobj.cdx.json"), "--osv", Path("osv"), "--fail-on", "LOW"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("compobj.cdx.json: $.components is of type object, but CycloneDX "
                         "requires an array of components"),
            std::string::npos)
      << run.err;
}

TEST_F(ScanCommandTest, NamesSbomFormatsNotRead) {
  Write("bom.xml",
        "<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"></bom>");
  Write("tv.spdx", "# exported\nSPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n");
  Write("spdx3.json", R"({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
      "@graph": []})");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bom.xml", "CycloneDX XML is not read"},
      {"tv.spdx", "SPDX tag-value is not read"},
      {"spdx3.json", "SPDX 3 JSON-LD (\"@context\") is not supported"}};
  for (const auto& [file, message] : cases) {
    const CommandRun run = RunCommand({"scan", "sbom", Path(file), "--osv", Path("osv")});
    EXPECT_EQ(run.exit_code, 2) << file;
    EXPECT_NE(run.err.find(message), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("so export the SBOM as JSON: CycloneDX JSON or SPDX 2.x JSON"),
              std::string::npos)
        << run.err;
  }
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

// Two projects' SBOMs that name no component are both "bom.json" when scanned from their own
// folders. The second scan must not archive the first project's finding, and --artifact names
// each project so that its own rescan archives.
TEST_F(ScanCommandTest, SbomNamedByFileArchivesNothing) {
  Write("payments/bom.json", R"({"bomFormat": "CycloneDX", "specVersion": "1.6",
      "components": [{"type": "library", "purl": "pkg:npm/next@16.1.4"}]})");
  Write("ledger/bom.json", R"({"bomFormat": "CycloneDX", "specVersion": "1.6",
      "components": [{"type": "library", "purl": "pkg:npm/left-pad@1.2.0"}]})");
  const std::string db = Path("findings.db");
  const std::filesystem::path previous = std::filesystem::current_path();
  const auto scan_in = [&](const std::string& folder, std::vector<std::string> extra) {
    std::filesystem::current_path(root_ / folder);
    std::vector<std::string> args = {"scan", "sbom", "bom.json", "--osv", Path("osv"), "--db", db};
    args.insert(args.end(), extra.begin(), extra.end());
    const CommandRun run = RunCommand(args);
    std::filesystem::current_path(previous);
    return run;
  };
  ASSERT_EQ(scan_in("payments", {}).exit_code, 0);
  const CommandRun ledger = scan_in("ledger", {});
  ASSERT_EQ(ledger.exit_code, 0) << ledger.err;
  EXPECT_NE(ledger.err.find("0 archived (archiving skipped: the report names its subject "
                            "\"bom.json\""),
            std::string::npos)
      << ledger.err;

  ASSERT_EQ(scan_in("payments", {"--artifact", "github.com/bank/payments"}).exit_code, 0);
  Write("payments/bom.json", R"({"bomFormat": "CycloneDX", "specVersion": "1.6",
      "components": [{"type": "library", "purl": "pkg:npm/next@16.1.5"}]})");
  const CommandRun fixed = scan_in("payments", {"--artifact", "github.com/bank/payments"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_NE(fixed.err.find("0 created, 0 updated, 0 unchanged, 0 failed, 1 archived"),
            std::string::npos)
      << fixed.err;

  auto store = store::SqliteFindingStore::Open(db);
  ASSERT_TRUE(store.has_value()) << store.status().message();
  auto active = (*store)->Count(*store::ParseFilters(
      {{"RecordState", nlohmann::json::array({{{"Value", "ACTIVE"}, {"Comparison", "EQUALS"}}})}}));
  ASSERT_TRUE(active.has_value());
  // The finding of each scan named "bom.json" stays, and so does the ledger's.
  EXPECT_EQ(*active, 2);
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

// The payments image: tags whose SBOMs carry log4j-core and lodash versions, matched against
// the real OSV records of CVE-2021-44228 (log4j-core, fixed in 2.15.0) and CVE-2021-23337
// (lodash, fixed in 4.17.21).
class ImageFixCommandTest : public ScanCommandTest {
 protected:
  void SetUp() override {
    ScanCommandTest::SetUp();
    osv_ = std::string(RAMPART_SHARED_DATA) + "/vuln/osv-records";
    if (!std::filesystem::exists(osv_)) {
      GTEST_SKIP() << "../shared/data is absent, so the OSV records are missing";
    }
    if (!oci::testing::RegistryAvailable()) {
      GTEST_SKIP() << "docker-registry is not installed; scripts/install-deps installs it";
    }
    ASSERT_TRUE(registry_.Start().ok());
    Write("payments.cdx.json", Sbom("2.14.1", "4.17.20"));
  }

  static std::string Sbom(const std::string& log4j, const std::string& lodash) {
    return R"({"bomFormat": "CycloneDX", "specVersion": "1.5",
        "metadata": {"component": {"type": "container", "name": "payments", "version": "1.4.0"}},
        "components": [
          {"type": "library", "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@)" +
           log4j + R"("}, {"type": "library", "purl": "pkg:npm/lodash@)" + lodash + R"("}]})";
  }

  void Push(const std::string& tag, const std::string& log4j, const std::string& lodash) {
    auto image = registry_.PushImage("team/payments", tag);
    ASSERT_TRUE(image.has_value()) << image.status().ToString();
    ASSERT_TRUE(registry_
                    .AttachReferrerSbom("team/payments", *image, Sbom(log4j, lodash),
                                        "application/vnd.cyclonedx+json")
                    .ok());
  }

  std::vector<std::string> Args(std::vector<std::string> extra) {
    std::vector<std::string> args = {"scan",
                                     "sbom",
                                     Path("payments.cdx.json"),
                                     "--osv",
                                     osv_,
                                     "--image",
                                     registry_.host() + "/team/payments:1.4.0",
                                     "--registry-allow",
                                     "127.0.0.1",
                                     "--registry-url",
                                     registry_.url()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  static const nlohmann::json& FindingOf(const nlohmann::json& findings, const std::string& id) {
    for (const auto& finding : findings) {
      if (finding.at("Vulnerabilities").at(0).at("Id") == id) {
        return finding;
      }
    }
    static const nlohmann::json kNone = nlohmann::json::object();
    return kNone;
  }

  std::string osv_;
  oci::testing::RegistryServer registry_;
};

TEST_F(ImageFixCommandTest, FixedTagsInJson) {
  Push("1.3.0", "2.17.1", "4.17.21");
  Push("1.4.0", "2.14.1", "4.17.20");
  Push("1.4.1", "2.14.1", "4.17.21");
  Push("1.4.2", "2.15.0", "4.17.21");
  Push("2.0.0", "2.17.1", "4.17.21");
  const CommandRun run = RunCommand(Args({"--output", "json"}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto findings = nlohmann::json::parse(run.out).at("Findings");
  ASSERT_EQ(findings.size(), 2u);
  const auto& log4j = FindingOf(findings, "CVE-2021-44228");
  const auto& lodash = FindingOf(findings, "CVE-2021-23337");
  ASSERT_TRUE(log4j.contains("ProductFields")) << run.out;
  ASSERT_TRUE(lodash.contains("ProductFields")) << run.out;
  EXPECT_EQ(log4j["ProductFields"]["rampart/vuln/FixedImageTag"], "1.4.2");
  EXPECT_EQ(lodash["ProductFields"]["rampart/vuln/FixedImageTag"], "1.4.1");
  EXPECT_EQ(log4j["ProductFields"]["rampart/vuln/FixedImage"],
            registry_.host() + "/team/payments:1.4.2");
  EXPECT_EQ(log4j["Remediation"]["Recommendation"]["Url"],
            registry_.url() + "/v2/team/payments/manifests/1.4.2");
  EXPECT_EQ(log4j["Resources"][1]["Details"]["Container"]["ImageName"],
            registry_.host() + "/team/payments:1.4.0");
  EXPECT_NE(run.err.find("Fixed image tags:"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("1.3.0"), std::string::npos) << "an older tag is never tried";
}

TEST_F(ImageFixCommandTest, StoreKeepsRecommendationAndHistory) {
  Push("1.4.0", "2.14.1", "4.17.20");
  Push("1.4.1", "2.14.1", "4.17.21");
  Push("1.4.2", "2.15.0", "4.17.21");
  const std::string db = Path("findings.db");
  const CommandRun plain = RunCommand(
      {"scan", "sbom", Path("payments.cdx.json"), "--osv", osv_, "--db", db, "--output", "json"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const auto before = FindingOf(nlohmann::json::parse(plain.out).at("Findings"), "CVE-2021-44228");
  const CommandRun run = RunCommand(Args({"--db", db}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("0 created, 2 updated"), std::string::npos) << run.err;

  auto store = store::SqliteFindingStore::Open(db);
  ASSERT_TRUE(store.has_value()) << store.status().message();
  const store::FindingKey key{before.at("ProductArn"), before.at("Id")};
  auto stored = (*store)->Get(key);
  ASSERT_TRUE(stored.has_value()) << stored.status().message();
  ASSERT_TRUE(stored->has_value());
  const std::string text = (**stored)["Remediation"]["Recommendation"]["Text"];
  EXPECT_EQ(
      text.rfind("Upgrade image " + registry_.host() + "/team/payments from 1.4.0 to 1.4.2: ", 0),
      0u)
      << text;

  auto history = (*store)->History(key);
  ASSERT_TRUE(history.has_value()) << history.status().message();
  ASSERT_EQ(history->size(), 2u);
  bool recommendation_changed = false;
  for (const store::FieldChange& change : history->back().updates) {
    recommendation_changed |= change.field == "Remediation.Recommendation.Text";
  }
  EXPECT_TRUE(recommendation_changed);

  auto by_tag = (*store)->Count(*store::ParseFilters(
      {{"ProductFields", nlohmann::json::array({{{"Key", "rampart/vuln/FixedImageTag"},
                                                 {"Value", "1.4.2"},
                                                 {"Comparison", "EQUALS"}}})}}));
  ASSERT_TRUE(by_tag.has_value()) << by_tag.status().message();
  EXPECT_EQ(*by_tag, 1);

  // The store's event for the update carries the tag, so a rule's event pattern can match it.
  auto events = (*store)->ReadEvents(0, 100);
  ASSERT_TRUE(events.has_value());
  auto pattern = pattern::ParsePatternText(
      R"({"detail": {"findings": {"ProductFields": {"rampart/vuln/FixedImageTag": ["1.4.2"]}}}})");
  ASSERT_TRUE(pattern.has_value());
  std::size_t matched = 0;
  for (const store::OutboxEvent& event : *events) {
    auto matches = pattern::PatternMatches(*pattern, event.event);
    ASSERT_TRUE(matches.has_value()) << matches.status().message();
    matched += *matches ? 1 : 0;
  }
  EXPECT_EQ(matched, 1u);
}

TEST_F(ImageFixCommandTest, NoFixedTagIsPrinted) {
  Push("1.4.0", "2.14.1", "4.17.20");
  Push("1.4.1", "2.14.1", "4.17.20");
  const CommandRun run = RunCommand(Args({}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("CVE-2021-44228 org.apache.logging.log4j:log4j-core 2.14.1: no fixed tag "
                         "found among 1 newer tags (1 tried): 1.4.1 still affected"),
            std::string::npos)
      << run.out;
}

TEST_F(ImageFixCommandTest, StoppedRegistryStillStoresFindings) {
  Push("1.4.0", "2.14.1", "4.17.20");
  registry_.Stop();
  const std::string db = Path("findings.db");
  const CommandRun run = RunCommand(Args({"--db", db}));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(
      run.err.find("error: reading the tags of " + registry_.host() + "/team/payments failed"),
      std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("2 created"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("CVE-2021-44228"), std::string::npos) << run.out;
}

TEST_F(ImageFixCommandTest, UnlistedHostIsRejectedFirst) {
  std::vector<std::string> args = Args({});
  args[8] = "registry.example.com";  // the --registry-allow value
  const CommandRun run = RunCommand(args);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("registry host '127.0.0.1' is not on --registry-allow"), std::string::npos)
      << run.err;
  EXPECT_EQ(run.out, "") << "nothing is scanned before the flags are checked";
}

TEST_F(ImageFixCommandTest, EmptySbomFolderHasNoTags) {
  std::filesystem::create_directories(Path("sboms"));
  const CommandRun run =
      RunCommand({"scan", "sbom", Path("payments.cdx.json"), "--osv", osv_, "--image",
                  "registry.example.com/team/payments:1.4.0", "--sbom-dir", Path("sboms")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("lists no tags for team/payments"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("no fixed tag found"), std::string::npos) << run.out;
}

TEST_F(ImageFixCommandTest, RegistryFlagsNeedImage) {
  const CommandRun run = RunCommand(
      {"scan", "sbom", Path("payments.cdx.json"), "--osv", osv_, "--registry-allow", "127.0.0.1"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--image"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace rampart::cli
