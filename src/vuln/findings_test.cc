// Scans hand-written and real inventories and checks the findings they produce.
#include "vuln/findings.h"

#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "finding/validate.h"
#include "vuln/sbom.h"
#include "vuln/test_util.h"

namespace rampart::vuln {
namespace {

using testing_util::SharedVulnData;

const TimePoint kNow = FromUnixMicros(1'760'000'000'000'000);

Inventory InventoryOf(const std::vector<std::string>& purls) {
  Inventory inventory;
  inventory.artifact = "registry.example/app:1.0";
  inventory.format = "test";
  for (const std::string& purl : purls) {
    auto package = PackageFromUrl(purl);
    EXPECT_TRUE(package.has_value()) << package.status().message();
    if (package) {
      package->location = purl;
      inventory.packages.push_back(std::move(*package));
    }
  }
  return inventory;
}

AdvisoryDatabase DatabaseOf(const std::vector<std::string>& records) {
  AdvisoryDatabase database;
  for (std::size_t i = 0; i < records.size(); ++i) {
    database.AddRecord(records[i], "record" + std::to_string(i) + ".json");
  }
  database.Finalize();
  EXPECT_TRUE(database.problems().empty()) << database.problems().front().message;
  return database;
}

ScanReport ScanWith(const AdvisoryDatabase& database, const Inventory& inventory) {
  FakeClock clock(kNow);
  FindingOptions options;
  options.clock = &clock;
  return Scan(database, inventory, options);
}

const Json& Vulnerability(const Json& finding) { return finding.at("Vulnerabilities").at(0); }

TEST(Scan, EpochQualifierComparesWithEpoch) {
  const auto database = DatabaseOf({R"({"id": "RLSA-2024:1", "aliases": ["CVE-2024-0001"],
      "affected": [{"package": {"ecosystem": "Rocky Linux:9", "name": "openssl"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"},
                                                                {"fixed": "1:3.0.7-27.el9"}]}]}]})"});
  const auto report = ScanWith(
      database, InventoryOf({"pkg:rpm/rocky/openssl@3.0.7-27.el9?epoch=1&distro=rocky-9.3",
                             "pkg:rpm/rocky/openssl@3.0.7-25.el9?epoch=1&distro=rocky-9.3"}));
  EXPECT_TRUE(report.errors.empty());
  ASSERT_EQ(report.findings.size(), 1u);
  const Json& package = Vulnerability(report.findings[0]).at("VulnerablePackages").at(0);
  EXPECT_EQ(package.at("Version"), "1:3.0.7-25.el9");
  EXPECT_EQ(package.at("FixedInVersion"), "1:3.0.7-27.el9");
}

TEST(Scan, FixedEqualToInstalledIsNotVulnerable) {
  const auto database = DatabaseOf({R"({"id": "DSA-5000-1", "affected": [
      {"package": {"ecosystem": "Debian:12", "name": "openssl"},
       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"},
                                                   {"fixed": "3.0.11-1~deb12u2"}]}]}]})"});
  const auto fixed = ScanWith(
      database,
      InventoryOf({"pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12.4&source=openssl"}));
  EXPECT_TRUE(fixed.findings.empty());
  const auto older = ScanWith(
      database,
      InventoryOf({"pkg:deb/debian/libssl3@3.0.11-1~deb12u1?distro=debian-12.4&source=openssl"}));
  EXPECT_EQ(older.findings.size(), 1u);
}

TEST(Scan, NpmRangeDoesNotFlagLaterVersion) {
  const auto database = DatabaseOf({R"({"id": "GHSA-next-0001", "affected": [
      {"package": {"ecosystem": "npm", "name": "next"},
       "ranges": [{"type": "SEMVER", "events": [{"introduced": "16.0.0"}, {"fixed": "16.1.5"}]}]}]})"});
  EXPECT_TRUE(ScanWith(database, InventoryOf({"pkg:npm/next@16.2.2"})).findings.empty());
  EXPECT_EQ(ScanWith(database, InventoryOf({"pkg:npm/next@16.1.4"})).findings.size(), 1u);
}

TEST(Scan, AlpineReleaseAfterCandidateFix) {
  const auto database = DatabaseOf({R"({"id": "ALPINE-CVE-2024-1", "affected": [
      {"package": {"ecosystem": "Alpine:v3.18", "name": "tool"},
       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.6_rc1-r0"}]}]}]})"});
  EXPECT_TRUE(ScanWith(database, InventoryOf({"pkg:apk/alpine/tool@1.6-r0?distro=3.18.4"}))
                  .findings.empty());
  EXPECT_EQ(
      ScanWith(database, InventoryOf({"pkg:apk/alpine/tool@1.5-r2?distro=3.18.4"})).findings.size(),
      1u);
}

TEST(Scan, UnparsableFixIsReportedAsError) {
  const auto database = DatabaseOf({R"({"id": "ALPINE-BAD-1", "affected": [
      {"package": {"ecosystem": "Alpine:v3.18", "name": "tool"},
       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.18.-r2"}]}]}]})"});
  const auto report =
      ScanWith(database, InventoryOf({"pkg:apk/alpine/tool@1.17-r0?distro=3.18.4"}));
  EXPECT_TRUE(report.findings.empty());
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].advisory, "ALPINE-BAD-1");
  EXPECT_EQ(report.errors[0].package, "tool 1.17-r0");
  EXPECT_NE(report.errors[0].message.find("\"1.18.-r2\""), std::string::npos);
  const Json json = ReportToJson(report);
  EXPECT_EQ(json.at("Errors").size(), 1u);
}

TEST(Scan, InvalidInstalledVersionIsReportedAsError) {
  const auto database = DatabaseOf({});
  const auto report = ScanWith(database, InventoryOf({"pkg:npm/left-pad@not.a.version"}));
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].advisory, "");
  EXPECT_NE(report.errors[0].message.find("\"not.a.version\""), std::string::npos);
}

TEST(Scan, OtherReleaseIsNotMatched) {
  const auto database = DatabaseOf({R"({"id": "DLA-1", "affected": [
      {"package": {"ecosystem": "Debian:11", "name": "bash"},
       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "5.1-2+deb11u1"}]}]}]})"});
  EXPECT_TRUE(ScanWith(database, InventoryOf({"pkg:deb/debian/bash@5.0-4?distro=debian-12"}))
                  .findings.empty());
  EXPECT_EQ(ScanWith(database, InventoryOf({"pkg:deb/debian/bash@5.0-4?distro=debian-11"}))
                .findings.size(),
            1u);
}

TEST(Scan, AliasesMergeIntoOneFinding) {
  const auto database = DatabaseOf({
      R"({"id": "GHSA-xxxx-yyyy-zzzz", "aliases": ["CVE-2023-32681"],
          "database_specific": {"severity": "MODERATE"},
          "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
                        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"},
                                                                    {"fixed": "2.31.0"}]}]}]})",
      R"({"id": "PYSEC-2023-74", "aliases": ["GHSA-xxxx-yyyy-zzzz"],
          "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
                        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"},
                                                                    {"last_affected": "2.30.0"}]}]}]})"});
  const auto report = ScanWith(database, InventoryOf({"pkg:pypi/requests@2.30.0"}));
  ASSERT_EQ(report.findings.size(), 1u);
  const Json& vulnerability = Vulnerability(report.findings[0]);
  EXPECT_EQ(vulnerability.at("Id"), "CVE-2023-32681");
  EXPECT_EQ(vulnerability.at("RelatedVulnerabilities"),
            Json::array({"GHSA-xxxx-yyyy-zzzz", "PYSEC-2023-74"}));
  EXPECT_EQ(vulnerability.at("FixAvailable"), "PARTIAL");
  EXPECT_EQ(vulnerability.at("VulnerablePackages").at(0).at("FixedInVersion"), "2.31.0");
  EXPECT_EQ(report.findings[0].at("Severity").at("Label"), "MEDIUM");
  EXPECT_EQ(report.findings[0].at("Severity").at("Original"), "MODERATE");
  EXPECT_EQ(report.findings[0].at("ProductFields").at("rampart/vuln/Advisories"),
            "GHSA-xxxx-yyyy-zzzz,PYSEC-2023-74");
}

TEST(Scan, SoleUpstreamMergesIntoOneFinding) {
  const char* affected = R"("affected": [{"package": {"ecosystem": "crates.io", "name": "a"},
      "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}])";
  const auto database = DatabaseOf(
      {fmt::format(R"({{"id": "DEBIAN-CVE-2019-18224", "upstream": ["CVE-2019-18224"], {}}})",
                   affected),
       fmt::format(R"({{"id": "DLA-2000-1", "upstream": ["CVE-2019-18224"], {}}})", affected),
       fmt::format(R"({{"id": "DSA-4613-1", "upstream": ["CVE-2019-1", "CVE-2019-2"], {}}})",
                   affected)});
  const auto report = ScanWith(database, InventoryOf({"pkg:cargo/a@1.0.0"}));
  ASSERT_EQ(report.findings.size(), 2u);
  std::map<std::string, Json> by_id;
  for (const Json& finding : report.findings) {
    by_id[Vulnerability(finding).at("Id")] = Vulnerability(finding);
  }
  ASSERT_TRUE(by_id.count("CVE-2019-18224"));
  EXPECT_EQ(by_id["CVE-2019-18224"].at("RelatedVulnerabilities"),
            Json::array({"DEBIAN-CVE-2019-18224", "DLA-2000-1"}));
  EXPECT_TRUE(by_id.count("DSA-4613-1"));
}

TEST(Scan, SeverityFromCvssOrUnknown) {
  const auto database = DatabaseOf({
      R"({"id": "OSV-1", "severity": [{"type": "CVSS_V3",
          "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
          "affected": [{"package": {"ecosystem": "crates.io", "name": "a"},
                        "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]})",
      R"({"id": "OSV-2", "affected": [{"package": {"ecosystem": "crates.io", "name": "b"},
                        "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]})"});
  const auto report = ScanWith(database, InventoryOf({"pkg:cargo/a@1.0.0", "pkg:cargo/b@1.0.0"}));
  ASSERT_EQ(report.findings.size(), 2u);
  EXPECT_EQ(report.findings[0].at("Severity").at("Label"), "CRITICAL");
  EXPECT_EQ(report.findings[0].at("Severity").at("Original"), "CVSS 9.8");
  EXPECT_EQ(Vulnerability(report.findings[0]).at("Cvss").at(0).at("BaseScore"), 9.8);
  EXPECT_EQ(Vulnerability(report.findings[0]).at("FixAvailable"), "NO");
  EXPECT_EQ(report.findings[1].at("Severity").at("Label"), "MEDIUM");
  EXPECT_EQ(report.findings[1].at("Severity").at("Original"), "UNKNOWN");
}

TEST(Scan, FindingIdsAreStableAndValid) {
  const auto database = DatabaseOf({R"({"id": "GHSA-next-0001", "affected": [
      {"package": {"ecosystem": "npm", "name": "next"},
       "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "16.1.5"}]}]}]})"});
  const auto first = ScanWith(database, InventoryOf({"pkg:npm/next@16.1.0"}));
  const auto upgraded = ScanWith(database, InventoryOf({"pkg:npm/next@16.1.4"}));
  ASSERT_EQ(first.findings.size(), 1u);
  ASSERT_EQ(upgraded.findings.size(), 1u);
  EXPECT_EQ(first.findings[0].at("Id"), upgraded.findings[0].at("Id"));
  EXPECT_EQ(first.findings[0].at("Id").get<std::string>().rfind("rampart/vuln/", 0), 0u);
  for (const auto& problem : finding::ValidateFinding(first.findings[0])) {
    ADD_FAILURE() << problem.path << ": " << problem.message;
  }
  EXPECT_EQ(first.findings[0].at("Workflow").at("Status"), "NEW");
  EXPECT_EQ(first.findings[0].at("CreatedAt"), "2025-10-09T08:53:20.000Z");
}

TEST(Scan, RealRecordsAgainstProjectSbom) {
  if (SharedVulnData().empty()) {
    GTEST_SKIP() << "../shared/data/vuln is absent, so the real OSV records cannot be read";
  }
  auto database = AdvisoryDatabase::Load((SharedVulnData() / "osv-records").string());
  ASSERT_TRUE(database.has_value()) << database.status().message();
  auto inventory = ReadSbom(R"({"bomFormat": "CycloneDX", "specVersion": "1.5",
      "metadata": {"component": {"name": "payments-api", "version": "4.2"}},
      "components": [
        {"type": "library", "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
        {"type": "library", "purl": "pkg:npm/lodash@4.17.20"},
        {"type": "library", "purl": "pkg:npm/lodash@4.17.21"},
        {"type": "library", "purl": "pkg:golang/github.com/gogo/protobuf@v1.3.1"},
        {"type": "library", "purl": "pkg:apk/alpine/mariadb@10.6.7-r0?distro=3.16.2"}]})",
                            "payments.cdx.json");
  ASSERT_TRUE(inventory.has_value()) << inventory.status().message();
  const auto report = ScanWith(*database, *inventory);
  EXPECT_TRUE(report.errors.empty());

  std::map<std::string, const Json*> by_id;
  for (const Json& finding : report.findings) {
    by_id[Vulnerability(finding).at("Id")] = &finding;
    for (const auto& problem : finding::ValidateFinding(finding)) {
      ADD_FAILURE() << problem.path << ": " << problem.message;
    }
  }
  ASSERT_EQ(report.findings.size(), 4u);
  ASSERT_TRUE(by_id.count("CVE-2021-44228"));
  const Json& log4shell = *by_id["CVE-2021-44228"];
  EXPECT_EQ(log4shell.at("Severity").at("Label"), "CRITICAL");
  EXPECT_EQ(Vulnerability(log4shell).at("Cvss").at(0).at("BaseScore"), 10.0);
  EXPECT_EQ(Vulnerability(log4shell).at("VulnerablePackages").at(0).at("FixedInVersion"), "2.15.0");
  EXPECT_EQ(Vulnerability(log4shell).at("FixAvailable"), "YES");
  EXPECT_EQ(log4shell.at("Resources").at(0).at("Id"), "payments-api:4.2");
  ASSERT_TRUE(by_id.count("CVE-2021-23337"));
  EXPECT_EQ(by_id["CVE-2021-23337"]->at("Severity").at("Label"), "HIGH");
  ASSERT_TRUE(by_id.count("CVE-2021-3121"));
  EXPECT_EQ(Vulnerability(*by_id["CVE-2021-3121"]).at("RelatedVulnerabilities"),
            Json::array({"GHSA-c3h9-896r-86jm", "GO-2021-0053"}));
  ASSERT_TRUE(by_id.count("CVE-2022-27449"));
  EXPECT_EQ(
      Vulnerability(*by_id["CVE-2022-27449"]).at("VulnerablePackages").at(0).at("FixedInVersion"),
      "10.6.8-r0");
}

TEST(Scan, MaliciousPackageIsCriticalAttack) {
  if (SharedVulnData().empty()) {
    GTEST_SKIP() << "../shared/data/vuln is absent, so the real OSV records cannot be read";
  }
  auto database = AdvisoryDatabase::Load((SharedVulnData() / "osv-records").string());
  ASSERT_TRUE(database.has_value()) << database.status().message();
  const auto report = ScanWith(*database, InventoryOf({"pkg:pypi/123bla@0.0.1"}));
  ASSERT_EQ(report.findings.size(), 1u);
  const Json& finding = report.findings[0];
  EXPECT_EQ(Vulnerability(finding).at("Id"), "MAL-2024-10238");
  EXPECT_EQ(finding.at("Severity").at("Label"), "CRITICAL");
  EXPECT_EQ(finding.at("Severity").at("Original"), "MALICIOUS");
  EXPECT_EQ(finding.at("Types"), Json::array({"TTPs/Initial Access/MaliciousPackage"}));
  for (const auto& problem : finding::ValidateFinding(finding)) {
    ADD_FAILURE() << problem.path << ": " << problem.message;
  }
}

}  // namespace
}  // namespace rampart::vuln
