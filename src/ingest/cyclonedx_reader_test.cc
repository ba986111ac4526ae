#include <gtest/gtest.h>

#include "ingest/test_data.h"

namespace rampart::ingest {
namespace {

using testing::ParseFindingsFile;
using testing::ReadFindingsFile;
using testing::ReadOk;

constexpr const char* kBom = "trivy/npm-cyclonedx.json";

// Counts vulnerability and affected-component pairs, leaving out components whose every
// listed version is unaffected.
std::size_t CountAffected(const Json& bom) {
  std::size_t count = 0;
  for (const Json& vulnerability : bom["vulnerabilities"]) {
    for (const Json& affect : vulnerability["affects"]) {
      bool affected = !affect.contains("versions") || affect["versions"].empty();
      for (const Json& version : affect.value("versions", Json::array())) {
        affected = affected || version.value("status", "") != "unaffected";
      }
      count += affected ? 1 : 0;
    }
  }
  return count;
}

TEST(CycloneDxReaderTest, ReadsTrivyBom) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const Json bom = ParseFindingsFile(kBom);
  const ReadResult result = ReadOk(ReadFindingsFile(kBom), kBom);
  EXPECT_EQ(result.format, "cyclonedx");
  ASSERT_EQ(result.findings.size(), CountAffected(bom));
  ASSERT_GT(result.findings.size(), 0u);

  const Json& source = bom["vulnerabilities"][0];
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding["GeneratorId"], "trivy/" + source["id"].get<std::string>());
  EXPECT_EQ(finding["ProductArn"], "arn:aws:securityhub:us-east-1::product/aquasecurity/trivy");
  EXPECT_EQ(finding["Severity"]["Label"], "MEDIUM");  // the ghsa rating, the source's own
  EXPECT_EQ(finding["Description"], source["description"]);
  EXPECT_EQ(finding["Remediation"]["Recommendation"]["Text"], source["recommendation"]);
  EXPECT_EQ(finding["Resources"][0]["Id"], bom["metadata"]["component"]["name"]);
  EXPECT_EQ(finding["Resources"][0]["Details"]["Other"]["Component"], "pkg:npm/jquery@3.3.9");

  const Json& details = finding["Vulnerabilities"][0];
  EXPECT_EQ(details["Id"], source["id"]);
  EXPECT_EQ(details["VulnerablePackages"][0]["Name"], "jquery");
  EXPECT_EQ(details["VulnerablePackages"][0]["Version"], "3.3.9");
  EXPECT_EQ(details["VulnerablePackages"][0]["PackageManager"], "npm");
  EXPECT_EQ(details["ReferenceUrls"].size(), source["advisories"].size());
  std::size_t cvss_ratings = 0;
  for (const Json& rating : source["ratings"]) {
    cvss_ratings += rating.contains("vector") ? 1 : 0;
  }
  EXPECT_EQ(details["Cvss"].size(), cvss_ratings);
}

TEST(CycloneDxReaderTest, IdIgnoresComponentVersion) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json bom = ParseFindingsFile(kBom);
  const ReadResult before = ReadOk(bom.dump(), "before");
  for (Json& component : bom["components"]) {
    if (component["bom-ref"] == "pkg:npm/jquery@3.3.9") {
      component["bom-ref"] = "pkg:npm/jquery@3.3.10";
      component["purl"] = "pkg:npm/jquery@3.3.10";
      component["version"] = "3.3.10";
    }
  }
  bom["vulnerabilities"][0]["affects"][0]["ref"] = "pkg:npm/jquery@3.3.10";
  const ReadResult after = ReadOk(bom.dump(), "after");
  ASSERT_EQ(after.findings.size(), before.findings.size());
  EXPECT_EQ(after.findings[0]["Id"], before.findings[0]["Id"]);
  EXPECT_EQ(after.findings[0]["Vulnerabilities"][0]["VulnerablePackages"][0]["Version"], "3.3.10");
}

TEST(CycloneDxReaderTest, UnaffectedComponentsAreSkipped) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json bom = ParseFindingsFile(kBom);
  bom["vulnerabilities"][0]["affects"][0]["versions"][0]["status"] = "unaffected";
  const ReadResult result = ReadOk(bom.dump(), "vex");
  EXPECT_EQ(result.findings.size(), CountAffected(bom));
  EXPECT_FALSE(result.note.empty());
}

TEST(CycloneDxReaderTest, BomWithoutVulnerabilitiesIsAnSbom) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json bom = ParseFindingsFile(kBom);
  bom.erase("vulnerabilities");
  for (const std::string format : {"", "cyclonedx"}) {
    ReadOptions options;
    options.source_name = "sbom.json";
    options.format = format;
    auto result = ReadReport(bom.dump(), options);
    ASSERT_FALSE(result) << format;
    const std::string& message = result.status().message();
    EXPECT_NE(message.find("sbom.json"), std::string::npos) << message;
    EXPECT_NE(message.find("SBOM"), std::string::npos) << message;
    EXPECT_NE(message.find("contains no findings"), std::string::npos) << message;
    EXPECT_NE(message.find("rampart scan sbom"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace rampart::ingest
