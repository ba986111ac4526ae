#include <gtest/gtest.h>

#include <set>

#include "ingest/test_data.h"

namespace rampart::ingest {
namespace {

using testing::ParseFindingsFile;
using testing::ReadFindingsFile;
using testing::ReadOk;

constexpr const char* kTrivyReports[] = {
    "trivy/alpine-310.json",
    "trivy/amazon-2.json",
    "trivy/debian-buster.json",
    "trivy/dockerfile-misconfig.json",
    "trivy/gomod.json",
    "trivy/helm-misconfig.json",
    "trivy/npm.json",
    "trivy/secrets.json",
    "trivy/spring4shell-jre11.json",
    "trivy/ubuntu-1804.json",
};

// Counts what a Trivy report lists: every vulnerability, every misconfiguration with
// Status FAIL and every secret, over all results.
std::size_t CountTrivyProblems(const Json& report) {
  std::size_t count = 0;
  for (const Json& result : report.value("Results", Json::array())) {
    count += result.value("Vulnerabilities", Json::array()).size();
    count += result.value("Secrets", Json::array()).size();
    for (const Json& misconfiguration : result.value("Misconfigurations", Json::array())) {
      count += misconfiguration.value("Status", "") == "FAIL" ? 1 : 0;
    }
  }
  return count;
}

const Json* FindByGenerator(const ReadResult& result, const std::string& generator_id) {
  for (const Json& finding : result.findings) {
    if (finding["GeneratorId"] == generator_id) {
      return &finding;
    }
  }
  return nullptr;
}

TEST(TrivyReaderTest, ReadsEveryRealReport) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  for (const char* name : kTrivyReports) {
    const std::string text = ReadFindingsFile(name);
    const ReadResult result = ReadOk(text, name);
    EXPECT_EQ(result.format, "trivy") << name;
    EXPECT_EQ(result.findings.size(), CountTrivyProblems(ParseFindingsFile(name))) << name;
    EXPECT_TRUE(result.rejected.empty()) << name << ": " << result.rejected.front().message;
  }
}

TEST(TrivyReaderTest, FillsVulnerabilityFromReport) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const Json report = ParseFindingsFile("trivy/alpine-310.json");
  const ReadResult result = ReadOk(ReadFindingsFile("trivy/alpine-310.json"), "alpine");
  const Json& source = report["Results"][0]["Vulnerabilities"][0];
  const Json& finding = result.findings.at(0);

  EXPECT_EQ(finding["GeneratorId"], "trivy/" + source["VulnerabilityID"].get<std::string>());
  EXPECT_EQ(finding["ProductArn"],
            "arn:aws:securityhub:us-east-1::product/aquasecurity/aquasecurity");
  EXPECT_EQ(finding["Types"][0], "Software and Configuration Checks/Vulnerabilities/CVE");
  EXPECT_EQ(finding["Severity"]["Label"], source["Severity"]);
  EXPECT_EQ(finding["CreatedAt"], "2021-08-25T12:20:30.000Z");
  const Json& resource = finding["Resources"][0];
  EXPECT_EQ(resource["Type"], "Container");
  EXPECT_EQ(resource["Id"], report["ArtifactName"]);
  EXPECT_EQ(resource["Details"]["Container"]["ImageId"], report["Metadata"]["ImageID"]);

  const Json& vulnerability = finding["Vulnerabilities"][0];
  EXPECT_EQ(vulnerability["Id"], source["VulnerabilityID"]);
  EXPECT_EQ(vulnerability["FixAvailable"], "YES");
  EXPECT_EQ(vulnerability["ReferenceUrls"], source["References"]);
  const Json& package = vulnerability["VulnerablePackages"][0];
  EXPECT_EQ(package["Name"], source["PkgName"]);
  EXPECT_EQ(package["Version"], source["InstalledVersion"]);
  EXPECT_EQ(package["FixedInVersion"], source["FixedVersion"]);
  EXPECT_EQ(package["PackageManager"], "apk");
  std::size_t vectors = 0;
  for (const auto& [name, cvss] : source["CVSS"].items()) {
    vectors += cvss.contains("V2Vector") + cvss.contains("V3Vector");
  }
  ASSERT_EQ(vulnerability["Cvss"].size(), vectors);
  EXPECT_EQ(vulnerability["Cvss"][0]["Version"], "3.1");
  EXPECT_EQ(vulnerability["Cvss"][0]["BaseScore"], source["CVSS"]["nvd"]["V3Score"]);
}

TEST(TrivyReaderTest, UnfixedVulnerabilityHasNoFix) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json report = ParseFindingsFile("trivy/alpine-310.json");
  Json& vulnerability = report["Results"][0]["Vulnerabilities"][0];
  vulnerability.erase("FixedVersion");
  vulnerability["Status"] = "affected";
  const ReadResult result = ReadOk(report.dump(), "unfixed");
  ASSERT_FALSE(result.findings.empty());
  const Json& details = result.findings[0]["Vulnerabilities"][0];
  EXPECT_EQ(details["FixAvailable"], "NO");
  EXPECT_FALSE(details["VulnerablePackages"][0].contains("FixedInVersion"));
}

TEST(TrivyReaderTest, MapsUnknownSeverityToInformational) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json report = ParseFindingsFile("trivy/alpine-310.json");
  report["Results"][0]["Vulnerabilities"][0]["Severity"] = "UNKNOWN";
  const ReadResult result = ReadOk(report.dump(), "unknown severity");
  ASSERT_FALSE(result.findings.empty());
  EXPECT_EQ(result.findings[0]["Severity"]["Label"], "INFORMATIONAL");
  EXPECT_EQ(result.findings[0]["Severity"]["Normalized"], 0);
  EXPECT_EQ(result.findings[0]["Severity"]["Original"], "UNKNOWN");
}

TEST(TrivyReaderTest, IdsAreUniqueAndStable) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  for (const char* name : kTrivyReports) {
    const std::string text = ReadFindingsFile(name);
    const ReadResult first = ReadOk(text, name);
    const ReadResult second = ReadOk(text, name);
    std::set<std::string> ids;
    ASSERT_EQ(first.findings.size(), second.findings.size());
    for (std::size_t i = 0; i < first.findings.size(); ++i) {
      EXPECT_EQ(first.findings[i]["Id"], second.findings[i]["Id"]) << name;
      ids.insert(first.findings[i]["Id"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), first.findings.size()) << name << " has findings with the same Id";
  }
}

TEST(TrivyReaderTest, IdIgnoresInstalledVersionAndScanTime) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const std::string text = ReadFindingsFile("trivy/alpine-310.json");
  Json rescanned = ParseFindingsFile("trivy/alpine-310.json");
  rescanned["CreatedAt"] = "2022-01-01T00:00:00Z";
  rescanned["Results"][0]["Vulnerabilities"][0]["InstalledVersion"] = "1.1.1c-r1";
  const ReadResult before = ReadOk(text, "before");
  const ReadResult after = ReadOk(rescanned.dump(), "after");
  ASSERT_FALSE(after.findings.empty());
  EXPECT_EQ(before.findings[0]["Id"], after.findings[0]["Id"]);
  EXPECT_EQ(after.findings[0]["UpdatedAt"], "2022-01-01T00:00:00.000Z");

  rescanned["ArtifactName"] = "another-image:1.0";
  const ReadResult other = ReadOk(rescanned.dump(), "other artifact");
  EXPECT_NE(before.findings[0]["Id"], other.findings[0]["Id"]);
}

TEST(TrivyReaderTest, MisconfigurationIsFailedCompliance) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const ReadResult result =
      ReadOk(ReadFindingsFile("trivy/dockerfile-misconfig.json"), "dockerfile");
  ASSERT_EQ(result.findings.size(), 1u);
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding["GeneratorId"], "trivy/DS-0002");
  EXPECT_EQ(finding["Compliance"]["Status"], "FAILED");
  EXPECT_EQ(finding["Severity"]["Label"], "HIGH");
  EXPECT_EQ(finding["Remediation"]["Recommendation"]["Text"],
            "Add 'USER <non root user name>' line to the Dockerfile");
  EXPECT_EQ(finding["Resources"][0]["Type"], "Other");
  EXPECT_EQ(finding["Resources"][0]["Details"]["Other"]["Target"], "Dockerfile");
}

TEST(TrivyReaderTest, SkipsPassedMisconfigurations) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json report = ParseFindingsFile("trivy/helm-misconfig.json");
  const std::size_t failed = CountTrivyProblems(report);
  report["Results"][0]["Misconfigurations"][0]["Status"] = "PASS";
  const ReadResult result = ReadOk(report.dump(), "one passed");
  EXPECT_EQ(result.findings.size(), failed - 1);
}

TEST(TrivyReaderTest, SameCheckTwiceInOneFileStaysTwo) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const ReadResult result = ReadOk(ReadFindingsFile("trivy/helm-misconfig.json"), "helm");
  std::size_t ksv118 = 0;
  std::set<std::string> ids;
  for (const Json& finding : result.findings) {
    if (finding["GeneratorId"] == "trivy/KSV-0118") {
      ++ksv118;
      ids.insert(finding["Id"].get<std::string>());
    }
  }
  EXPECT_EQ(ksv118, 2u);
  EXPECT_EQ(ids.size(), 2u);
}

TEST(TrivyReaderTest, SecretValueIsNeverStored) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const Json report = ParseFindingsFile("trivy/secrets.json");
  const ReadResult result = ReadOk(ReadFindingsFile("trivy/secrets.json"), "secrets");
  ASSERT_EQ(result.findings.size(), 2u);
  for (const Json& finding : result.findings) {
    const std::string stored = finding.dump();
    for (const Json& secret : report["Results"][0]["Secrets"]) {
      EXPECT_EQ(stored.find(secret["Match"].get<std::string>()), std::string::npos);
      for (const Json& line : secret["Code"]["Lines"]) {
        const std::string content = line["Content"];
        if (!content.empty()) {
          EXPECT_EQ(stored.find(content), std::string::npos) << "stored code line: " << content;
        }
      }
    }
  }
  const Json* key = FindByGenerator(result, "trivy/secret/aws-access-key-id");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ((*key)["Severity"]["Label"], "CRITICAL");
  EXPECT_EQ((*key)["Types"][0], "Sensitive Data Identifications/Passwords");
  EXPECT_EQ((*key)["Resources"][0]["Details"]["Other"]["StartLine"], "3");
}

TEST(TrivyReaderTest, LanguagePackageKeepsPath) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const Json report = ParseFindingsFile("trivy/spring4shell-jre11.json");
  const ReadResult result = ReadOk(ReadFindingsFile("trivy/spring4shell-jre11.json"), "spring");
  const Json* finding = FindByGenerator(result, "trivy/CVE-2022-22965");
  ASSERT_NE(finding, nullptr);
  const Json& package = (*finding)["Vulnerabilities"][0]["VulnerablePackages"][0];
  EXPECT_EQ(package["FilePath"], report["Results"][1]["Vulnerabilities"][0]["PkgPath"]);
  EXPECT_EQ(package["PackageManager"], "jar");
  EXPECT_EQ((*finding)["Severity"]["Label"], "CRITICAL");
}

TEST(TrivyReaderTest, CleanReportHasNote) {
  const ReadResult result =
      ReadOk(R"({"SchemaVersion": 2, "ArtifactName": "alpine:3.19", "ArtifactType":
                 "container_image", "Results": [{"Target": "alpine", "Class": "os-pkgs"}]})",
             "clean");
  EXPECT_EQ(result.format, "trivy");
  EXPECT_TRUE(result.findings.empty());
  EXPECT_FALSE(result.note.empty());
}

TEST(TrivyReaderTest, OldSchemaVersionIsRejected) {
  ReadOptions options;
  options.source_name = "old.json";
  auto result = ReadReport(R"({"SchemaVersion": 1, "ArtifactName": "x", "Results": []})", options);
  ASSERT_FALSE(result);
  EXPECT_NE(result.status().message().find("SchemaVersion 2"), std::string::npos);
  EXPECT_NE(result.status().message().find("old.json"), std::string::npos);
}

TEST(TrivyReaderTest, VulnerabilityWithoutIdIsRejectedOthersKept) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json report = ParseFindingsFile("trivy/alpine-310.json");
  const std::size_t total = CountTrivyProblems(report);
  report["Results"][0]["Vulnerabilities"][1].erase("VulnerabilityID");
  const ReadResult result = ReadOk(report.dump(), "missing id");
  EXPECT_EQ(result.findings.size(), total - 1);
  ASSERT_EQ(result.rejected.size(), 1u);
  EXPECT_EQ(result.rejected[0].path, "$.Results[0].Vulnerabilities[1]");
  EXPECT_NE(result.rejected[0].message.find("VulnerabilityID"), std::string::npos);
}

}  // namespace
}  // namespace rampart::ingest
