// Ingesting a later Trivy or Grype report archives the findings it no longer lists.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/ingest_support.h"
#include "core/file.h"
#include "store/sqlite_finding_store.h"

namespace rampart::cli {
namespace {

using ::testing::HasSubstr;

constexpr const char* kFirstScan = "2026-03-01T10:00:00Z";
constexpr const char* kSecondScan = "2026-03-08T10:00:00Z";

// A Trivy JSON report of one image with one result of `result_class` that lists
// `vulnerabilities` (VulnerabilityID, PkgName).
Json TrivyReport(const std::string& created_at,
                 const std::vector<std::pair<std::string, std::string>>& vulnerabilities,
                 const std::string& result_class = "os-pkgs") {
  Json list = Json::array();
  for (const auto& [id, package] : vulnerabilities) {
    list.push_back({{"VulnerabilityID", id},
                    {"PkgName", package},
                    {"InstalledVersion", "1.0.0-r0"},
                    {"FixedVersion", "1.0.1-r0"},
                    {"Severity", "HIGH"},
                    {"Title", id + " in " + package}});
  }
  Json result = {{"Target", "payments/api:1.4.2 (alpine 3.19.0)"},
                 {"Class", result_class},
                 {"Type", "alpine"}};
  if (!list.empty()) {
    result["Vulnerabilities"] = list;
  }
  return {{"SchemaVersion", 2},
          {"CreatedAt", created_at},
          {"ArtifactName", "payments/api:1.4.2"},
          {"ArtifactType", "container_image"},
          {"Results", Json::array({result})}};
}

class IngestArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("rampart-ingest-archive-" +
               std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    auto store = store::SqliteFindingStore::Open((folder_ / "rampart.db").string());
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    store_ = std::move(*store);
  }

  void TearDown() override {
    std::error_code error;
    std::filesystem::remove_all(folder_, error);
  }

  // Writes `report` to a file named `name` and ingests it; returns what ingest printed.
  std::string Ingest(const std::string& name, const Json& report, bool archive_stale = true,
                     const std::string& account = "000000000000",
                     const std::string& artifact = "") {
    const std::string path = (folder_ / name).string();
    std::ofstream(path) << report.dump();
    ingest::ReadOptions options;
    options.aws_account_id = account;
    options.artifact = artifact;
    std::ostringstream out;
    auto read = IngestReportFile(path, options, *store_, totals_, out, archive_stale);
    EXPECT_TRUE(read.has_value()) << read.status().ToString();
    return out.str();
  }

  // Returns the RecordState of each stored finding, by the title's vulnerability id.
  std::map<std::string, std::string> RecordStates() {
    auto page = store_->List(store::FindingQuery{});
    EXPECT_TRUE(page.has_value());
    std::map<std::string, std::string> states;
    for (const Json& finding : page ? page->findings : std::vector<Json>{}) {
      const std::string title = finding["Title"];
      states[title.substr(0, title.find(' '))] = finding["RecordState"];
    }
    return states;
  }

  std::filesystem::path folder_;
  std::unique_ptr<store::SqliteFindingStore> store_;
  IngestTotals totals_;
};

TEST_F(IngestArchiveTest, RescanArchivesFixedVulnerability) {
  Ingest("first.json",
         TrivyReport(kFirstScan,
                     {{"CVE-2026-1", "openssl"}, {"CVE-2026-2", "musl"}, {"CVE-2026-3", "zlib"}}));
  const std::string out = Ingest(
      "second.json", TrivyReport(kSecondScan, {{"CVE-2026-1", "openssl"}, {"CVE-2026-3", "zlib"}}));
  EXPECT_THAT(out, HasSubstr("1 findings of earlier scans archived"));
  EXPECT_EQ(totals_.archived, 1u);
  const auto states = RecordStates();
  EXPECT_EQ(states.at("CVE-2026-1"), "ACTIVE");
  EXPECT_EQ(states.at("CVE-2026-2"), "ARCHIVED");
  EXPECT_EQ(states.at("CVE-2026-3"), "ACTIVE");

  auto page = store_->List(store::FindingQuery{});
  ASSERT_TRUE(page.has_value());
  for (const Json& finding : page->findings) {
    if (finding["RecordState"] == "ARCHIVED") {
      EXPECT_EQ(finding["UpdatedAt"], "2026-03-08T10:00:00.000Z");
      auto history = store_->History({finding["ProductArn"], finding["Id"]});
      ASSERT_TRUE(history.has_value());
      EXPECT_EQ(history->size(), 2u);
    }
  }
}

TEST_F(IngestArchiveTest, CleanRescanArchivesEverything) {
  Ingest("first.json", TrivyReport(kFirstScan, {{"CVE-2026-1", "openssl"}}));
  Ingest("second.json", TrivyReport(kSecondScan, {}));
  EXPECT_EQ(RecordStates().at("CVE-2026-1"), "ARCHIVED");
}

TEST_F(IngestArchiveTest, OlderReportArchivesNothing) {
  Ingest("second.json", TrivyReport(kSecondScan, {{"CVE-2026-1", "openssl"}}));
  const std::string out = Ingest("first.json", TrivyReport(kFirstScan, {{"CVE-2026-2", "musl"}}));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("archived")));
  EXPECT_EQ(RecordStates().at("CVE-2026-1"), "ACTIVE");
}

TEST_F(IngestArchiveTest, SecretScanKeepsVulnerabilities) {
  Ingest("first.json", TrivyReport(kFirstScan, {{"CVE-2026-1", "openssl"}}));
  Ingest("second.json", TrivyReport(kSecondScan, {}, "secret"));
  EXPECT_EQ(RecordStates().at("CVE-2026-1"), "ACTIVE");
}

TEST_F(IngestArchiveTest, LanguagePackageScanKeepsOsVulnerabilities) {
  Ingest("first.json", TrivyReport(kFirstScan, {{"CVE-2026-1", "openssl"}}));
  Ingest("second.json", TrivyReport(kSecondScan, {}, "lang-pkgs"));
  EXPECT_EQ(RecordStates().at("CVE-2026-1"), "ACTIVE");
  Ingest("third.json", TrivyReport("2026-03-09T10:00:00Z", {}, "os-pkgs"));
  EXPECT_EQ(RecordStates().at("CVE-2026-1"), "ARCHIVED");
}

// Returns `report` as a file system scan of `path`, with a lockfile result.
Json FileSystemScan(Json report, const std::string& path) {
  report["ArtifactName"] = path;
  report["ArtifactType"] = "filesystem";
  report["Results"][0]["Target"] = "package-lock.json";
  report["Results"][0]["Class"] = "lang-pkgs";
  report["Results"][0]["Type"] = "npm";
  return report;
}

TEST_F(IngestArchiveTest, RelativePathScanArchivesNothing) {
  Ingest("first.json",
         FileSystemScan(TrivyReport(kFirstScan, {{"CVE-2026-1", "lodash"}}, "lang-pkgs"), "."));
  const std::string out =
      Ingest("second.json", FileSystemScan(TrivyReport(kSecondScan, {}, "lang-pkgs"), "."));
  EXPECT_THAT(out, HasSubstr("were not archived: the report names its subject \".\""));
  // The notice is a line of its own; the line of the next file no longer joined it.
  EXPECT_THAT(out, ::testing::EndsWith("no longer lists\n"));
  EXPECT_EQ(RecordStates().at("CVE-2026-1"), "ACTIVE");
}

// A file name with a terminal escape sequence is printed with '?' in place of the escape
// character, in every line about the file.
TEST_F(IngestArchiveTest, FileNameEscapesArePrintedSafely) {
  Ingest("esc\x1b[2J-1.json", TrivyReport(kFirstScan, {{"CVE-2026-1", "openssl"}}));
  const std::string out = Ingest("esc\x1b[2J-2.json", TrivyReport(kSecondScan, {}));
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_THAT(out, HasSubstr("esc?[2J-2.json: 0 findings read"));
  EXPECT_THAT(out, HasSubstr("esc?[2J-2.json: 1 findings of earlier scans archived"));
}

// Two projects scanned as "." with the same vulnerable package: named with --artifact, each
// keeps a finding of its own, and a rescan of one archives only that project's finding.
TEST_F(IngestArchiveTest, NamedRelativeScansKeepProjectsApart) {
  const Json scan =
      FileSystemScan(TrivyReport(kFirstScan, {{"CVE-2026-1", "lodash"}}, "lang-pkgs"), ".");
  Ingest("payments.json", scan, true, "000000000000", "github.com/bank/payments");
  Ingest("ledger.json", scan, true, "000000000000", "github.com/bank/ledger");
  auto page = store_->List(store::FindingQuery{});
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->findings.size(), 2u);
  std::set<std::string> resources;
  for (const Json& finding : page->findings) {
    resources.insert(finding["Resources"][0]["Id"].get<std::string>());
  }
  EXPECT_EQ(resources,
            (std::set<std::string>{"github.com/bank/ledger", "github.com/bank/payments"}));

  const std::string out =
      Ingest("payments-2.json", FileSystemScan(TrivyReport(kSecondScan, {}, "lang-pkgs"), "."),
             true, "000000000000", "github.com/bank/payments");
  EXPECT_THAT(out, HasSubstr("1 findings of earlier scans archived"));
  page = store_->List(store::FindingQuery{});
  ASSERT_TRUE(page.has_value());
  for (const Json& finding : page->findings) {
    const bool payments = finding["Resources"][0]["Id"] == "github.com/bank/payments";
    EXPECT_EQ(finding["RecordState"], payments ? "ARCHIVED" : "ACTIVE") << finding.dump();
  }
}

// Scans of subjects that many projects share archive nothing, whatever Trivy's kind of
// subject; a subject that names one project archives.
TEST_F(IngestArchiveTest, SharedSubjectsOfEveryKindArchiveNothing) {
  struct Case {
    std::string type, name;
    bool archives;
  };
  const Case cases[] = {
      {"repository", ".", false},
      {"cyclonedx", "bom.json", false},
      {"spdx", "sbom/payments.spdx.json", false},
      {"vm", "disk.vmdk", false},
      {"filesystem", "/src", false},
      {"filesystem", "/src/", false},
      {"repository", "https://github.com/bank/payments", true},
      {"vm", "ami:ami-0123456789abcdef0", true},
      {"filesystem", "/builds/bank/payments", true},
  };
  int round = 0;
  for (const Case& test : cases) {
    // Each case scans its own package, so the cases do not archive each other's findings.
    const std::string package = "lodash" + std::to_string(round++);
    Json first =
        FileSystemScan(TrivyReport(kFirstScan, {{"CVE-2026-1", package}}, "lang-pkgs"), test.name);
    first["ArtifactType"] = test.type;
    Json second = FileSystemScan(TrivyReport(kSecondScan, {}, "lang-pkgs"), test.name);
    second["ArtifactType"] = test.type;
    totals_ = IngestTotals();
    Ingest("first.json", first);
    const std::string out = Ingest("second.json", second);
    EXPECT_EQ(totals_.archived, test.archives ? 1u : 0u) << test.type << " " << test.name;
    if (!test.archives) {
      EXPECT_THAT(out, HasSubstr("--artifact")) << test.type << " " << test.name;
    }
  }
}

// --artifact names the project of Trivy and Grype reports only; for another format the output
// reports that it was not used.
TEST_F(IngestArchiveTest, ArtifactOfOtherFormatIsReported) {
  const std::filesystem::path path =
      std::filesystem::path(RAMPART_SHARED_DATA) / "findings/asr/cis-1.3.finding.json";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << "../shared/data is absent, so there is no ASFF finding at " << path;
  }
  auto text = ReadFile(path.string());
  ASSERT_TRUE(text.has_value());
  const std::string out = Ingest("asff.json", Json::parse(*text), true, "000000000000", "payments");
  EXPECT_THAT(out, HasSubstr("asff.json: --artifact was not used: asff reports name their own"));
}

// An image names itself: --artifact leaves its resource and image name alone.
TEST_F(IngestArchiveTest, ArtifactLeavesImagesAlone) {
  Ingest("image.json", TrivyReport(kFirstScan, {{"CVE-2026-1", "openssl"}}), true, "000000000000",
         "payments-api");
  auto page = store_->List(store::FindingQuery{});
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->findings.size(), 1u);
  const Json& resource = page->findings[0]["Resources"][0];
  EXPECT_NE(resource["Id"], "payments-api") << resource.dump();
  EXPECT_NE(resource["Details"]["Container"]["ImageName"], "payments-api") << resource.dump();
}

TEST_F(IngestArchiveTest, AbsolutePathScanArchives) {
  const std::string path = "/builds/payments/api";
  Ingest("first.json",
         FileSystemScan(TrivyReport(kFirstScan, {{"CVE-2026-1", "lodash"}}, "lang-pkgs"), path));
  Ingest("second.json", FileSystemScan(TrivyReport(kSecondScan, {}, "lang-pkgs"), path));
  EXPECT_EQ(RecordStates().at("CVE-2026-1"), "ARCHIVED");
}

TEST_F(IngestArchiveTest, RejectedFindingStopsArchiving) {
  Ingest("first.json", TrivyReport(kFirstScan, {{"CVE-2026-1", "openssl"}}));
  Json second = TrivyReport(kSecondScan, {{"CVE-2026-2", "musl"}});
  second["Results"][0]["Vulnerabilities"][0].erase("PkgName");
  const std::string out = Ingest("second.json", second);
  EXPECT_THAT(out, HasSubstr("were not archived"));
  EXPECT_EQ(RecordStates().at("CVE-2026-1"), "ACTIVE");
}

TEST_F(IngestArchiveTest, KeepMissingKeepsFindings) {
  Ingest("first.json", TrivyReport(kFirstScan, {{"CVE-2026-1", "openssl"}}));
  Ingest("second.json", TrivyReport(kSecondScan, {}), /*archive_stale=*/false);
  EXPECT_EQ(RecordStates().at("CVE-2026-1"), "ACTIVE");
}

TEST_F(IngestArchiveTest, OtherAccountIsKept) {
  Ingest("first.json", TrivyReport(kFirstScan, {{"CVE-2026-1", "openssl"}}));
  Ingest("second.json", TrivyReport(kSecondScan, {}), true, "111122223333");
  EXPECT_EQ(RecordStates().at("CVE-2026-1"), "ACTIVE");
}

TEST_F(IngestArchiveTest, GrypeRescanArchivesDroppedMatch) {
  auto text = ReadFile(std::string(RAMPART_SOURCE_DIR) + "/src/ingest/testdata/grype-image.json");
  ASSERT_TRUE(text.has_value());
  auto first = ParseJson(*text, "grype-image.json");
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ((*first)["matches"].size(), 3u);
  Ingest("first.json", *first);
  Json second = *first;
  second["matches"].erase(0);
  second["descriptor"]["timestamp"] = "2026-01-01T00:00:00Z";
  const std::string out = Ingest("second.json", second);
  EXPECT_THAT(out, HasSubstr("1 findings of earlier scans archived"));
  EXPECT_EQ(totals_.archived, 1u);
}

// Returns the Grype test report as a scan of the directory ".".
Json GrypeScanOfDot() {
  auto text = ReadFile(std::string(RAMPART_SOURCE_DIR) + "/src/ingest/testdata/grype-image.json");
  EXPECT_TRUE(text.has_value());
  auto report = ParseJson(text ? *text : "{}", "grype-image.json");
  EXPECT_TRUE(report.has_value());
  Json scan = report ? *report : Json::object();
  scan["source"] = {{"type", "directory"}, {"target", "."}};
  return scan;
}

TEST_F(IngestArchiveTest, GrypeDirectoryScanNamedByArtifactArchives) {
  const Json first = GrypeScanOfDot();
  Ingest("first.json", first, true, "000000000000", "github.com/bank/payments");
  Json second = first;
  second["matches"].erase(0);
  second["descriptor"]["timestamp"] = "2026-01-01T00:00:00Z";
  const std::string out =
      Ingest("second.json", second, true, "000000000000", "github.com/bank/payments");
  EXPECT_THAT(out, HasSubstr("1 findings of earlier scans archived"));
  EXPECT_EQ(totals_.archived, 1u);
}

TEST_F(IngestArchiveTest, GrypeDirectoryScanOfDotArchivesNothing) {
  const Json first = GrypeScanOfDot();
  Ingest("first.json", first);
  Json second = first;
  second["matches"] = Json::array();
  second["descriptor"]["timestamp"] = "2026-01-01T00:00:00Z";
  const std::string out = Ingest("second.json", second);
  EXPECT_THAT(out, HasSubstr("were not archived"));
  EXPECT_EQ(totals_.archived, 0u);
}

TEST_F(IngestArchiveTest, RealTrivyRescanArchivesOne) {
  const std::filesystem::path path =
      std::filesystem::path(RAMPART_SHARED_DATA) / "findings/trivy/alpine-310.json";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  auto text = ReadFile(path.string());
  ASSERT_TRUE(text.has_value());
  auto first = ParseJson(*text, path.string());
  ASSERT_TRUE(first.has_value());
  Ingest("first.json", *first);
  Json second = *first;
  Json& vulnerabilities = second["Results"][0]["Vulnerabilities"];
  const std::size_t listed = vulnerabilities.size();
  ASSERT_GE(listed, 2u);
  vulnerabilities.erase(0);
  second["CreatedAt"] = "2026-01-01T00:00:00Z";
  Ingest("second.json", second);
  EXPECT_EQ(totals_.archived, 1u);
  EXPECT_EQ(totals_.updated, listed - 1);
}

}  // namespace
}  // namespace rampart::cli
