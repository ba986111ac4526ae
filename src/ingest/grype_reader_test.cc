#include <gtest/gtest.h>

#include "ingest/test_data.h"

namespace rampart::ingest {
namespace {

using testing::ReadOk;
using testing::ReadTestdataFile;

// Grype's JSON output for an image, written from the fields `grype -o json` documents.
constexpr const char* kReport = "grype-image.json";

Json ParsedReport() {
  auto document = ParseJson(ReadTestdataFile(kReport), kReport);
  EXPECT_TRUE(document) << document.status().message();
  return document ? *document : Json();
}

TEST(GrypeReaderTest, ReadsOneFindingPerMatch) {
  const Json report = ParsedReport();
  const ReadResult result = ReadOk(ReadTestdataFile(kReport), kReport);
  EXPECT_EQ(result.format, "grype");
  EXPECT_EQ(result.findings.size(), report["matches"].size());
  EXPECT_TRUE(result.rejected.empty());
}

TEST(GrypeReaderTest, FillsVulnerabilityFromMatch) {
  const Json report = ParsedReport();
  const ReadResult result = ReadOk(ReadTestdataFile(kReport), kReport);
  ASSERT_EQ(result.findings.size(), 3u);
  const Json& match = report["matches"][0];
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding["GeneratorId"], "grype/CVE-2023-5363");
  EXPECT_EQ(finding["ProductArn"], "arn:aws:securityhub:us-east-1::product/anchore/grype");
  EXPECT_EQ(finding["Severity"]["Label"], "HIGH");
  EXPECT_EQ(finding["CreatedAt"], "2023-11-20T08:12:44.518Z");
  // The distribution's record has no description, so the related NVD record's is used.
  EXPECT_EQ(finding["Description"], match["relatedVulnerabilities"][0]["description"]);
  EXPECT_EQ(finding["Resources"][0]["Type"], "Container");
  EXPECT_EQ(finding["Resources"][0]["Id"], report["source"]["target"]["userInput"]);
  EXPECT_EQ(finding["Resources"][0]["Details"]["Container"]["ImageId"],
            report["source"]["target"]["imageID"]);

  const Json& details = finding["Vulnerabilities"][0];
  EXPECT_EQ(details["Id"], "CVE-2023-5363");
  EXPECT_EQ(details["FixAvailable"], "YES");
  const Json& package = details["VulnerablePackages"][0];
  EXPECT_EQ(package["Name"], match["artifact"]["name"]);
  EXPECT_EQ(package["Version"], match["artifact"]["version"]);
  EXPECT_EQ(package["FixedInVersion"], match["vulnerability"]["fix"]["versions"][0]);
  EXPECT_EQ(package["PackageManager"], "apk");
  ASSERT_EQ(details["Cvss"].size(), 1u);
  EXPECT_EQ(details["Cvss"][0]["BaseScore"], 7.5);
  EXPECT_EQ(details["Cvss"][0]["Version"], "3.1");
}

TEST(GrypeReaderTest, NegligibleIsInformationalAndUnfixed) {
  const ReadResult result = ReadOk(ReadTestdataFile(kReport), kReport);
  ASSERT_EQ(result.findings.size(), 3u);
  const Json& finding = result.findings[2];
  EXPECT_EQ(finding["Severity"]["Label"], "INFORMATIONAL");
  EXPECT_EQ(finding["Severity"]["Original"], "Negligible");
  EXPECT_EQ(finding["Vulnerabilities"][0]["FixAvailable"], "NO");
  EXPECT_FALSE(finding["Vulnerabilities"][0]["VulnerablePackages"][0].contains("FixedInVersion"));
}

TEST(GrypeReaderTest, RelatedVulnerabilitiesAreListed) {
  const ReadResult result = ReadOk(ReadTestdataFile(kReport), kReport);
  ASSERT_EQ(result.findings.size(), 3u);
  EXPECT_EQ(result.findings[1]["Vulnerabilities"][0]["RelatedVulnerabilities"],
            Json::array({"CVE-2023-32681"}));
}

TEST(GrypeReaderTest, IdIgnoresVersion) {
  Json report = ParsedReport();
  const ReadResult before = ReadOk(report.dump(), "before");
  report["matches"][0]["artifact"]["version"] = "3.1.3-r1";
  report["descriptor"]["timestamp"] = "2023-12-01T00:00:00Z";
  const ReadResult after = ReadOk(report.dump(), "after");
  ASSERT_EQ(before.findings.size(), after.findings.size());
  EXPECT_EQ(before.findings[0]["Id"], after.findings[0]["Id"]);
  EXPECT_NE(before.findings[0]["Id"], before.findings[1]["Id"]);
}

TEST(GrypeReaderTest, DirectorySourceIsOtherResource) {
  Json report = ParsedReport();
  report["source"] = {{"type", "directory"}, {"target", "/srv/payments"}};
  const ReadResult result = ReadOk(report.dump(), "directory");
  ASSERT_FALSE(result.findings.empty());
  EXPECT_EQ(result.findings[0]["Resources"][0]["Type"], "Other");
  EXPECT_EQ(result.findings[0]["Resources"][0]["Id"], "/srv/payments");
}

TEST(GrypeReaderTest, MatchWithoutIdIsRejected) {
  Json report = ParsedReport();
  report["matches"][1]["vulnerability"].erase("id");
  const ReadResult result = ReadOk(report.dump(), "missing id");
  EXPECT_EQ(result.findings.size(), 2u);
  ASSERT_EQ(result.rejected.size(), 1u);
  EXPECT_NE(result.rejected[0].message.find("$.matches[1].vulnerability.id"), std::string::npos);
}

}  // namespace
}  // namespace rampart::ingest
