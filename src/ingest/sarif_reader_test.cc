#include <gtest/gtest.h>

#include <set>

#include "ingest/test_data.h"

namespace rampart::ingest {
namespace {

using testing::ParseFindingsFile;
using testing::ReadFindingsFile;
using testing::ReadOk;

constexpr const char* kLog = "trivy/alpine-310.sarif.json";

std::size_t CountResults(const Json& log) {
  std::size_t count = 0;
  for (const Json& run : log["runs"]) {
    count += run.value("results", Json::array()).size();
  }
  return count;
}

TEST(SarifReaderTest, ReadsTrivySarif) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const Json log = ParseFindingsFile(kLog);
  const ReadResult result = ReadOk(ReadFindingsFile(kLog), kLog);
  EXPECT_EQ(result.format, "sarif");
  ASSERT_EQ(result.findings.size(), CountResults(log));
  EXPECT_TRUE(result.rejected.empty());

  const Json& source = log["runs"][0]["results"][0];
  const Json& rule = log["runs"][0]["tool"]["driver"]["rules"][source["ruleIndex"].get<int>()];
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding["GeneratorId"], "trivy/" + source["ruleId"].get<std::string>());
  EXPECT_EQ(finding["Types"][0], "Software and Configuration Checks/Vulnerabilities/CVE");
  EXPECT_EQ(finding["Description"], source["message"]["text"]);
  EXPECT_EQ(finding["Title"], source["ruleId"].get<std::string>() + ": " +
                                  rule["shortDescription"]["text"].get<std::string>());
  // security-severity 5.3 is MEDIUM on the CVSS scale.
  EXPECT_EQ(finding["Severity"]["Label"], "MEDIUM");
  EXPECT_EQ(finding["Resources"][0]["Id"],
            source["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]);
  EXPECT_EQ(finding["Remediation"]["Recommendation"]["Url"], rule["helpUri"]);
  EXPECT_EQ(finding["Vulnerabilities"][0]["Id"], source["ruleId"]);
}

TEST(SarifReaderTest, SameRuleOnTwoPackagesStaysTwo) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const ReadResult result = ReadOk(ReadFindingsFile(kLog), kLog);
  std::set<std::string> ids;
  for (const Json& finding : result.findings) {
    ids.insert(finding["Id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), result.findings.size());
}

constexpr const char* kCodeScan = R"({
  "version": "2.1.0",
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "runs": [{
    "tool": {"driver": {"name": "Semgrep", "organization": "Semgrep Inc",
      "rules": [
        {"id": "java.sql-injection", "shortDescription": {"text": "SQL built from input"},
         "defaultConfiguration": {"level": "error"},
         "helpUri": "https://semgrep.dev/r/java.sql-injection"},
        {"id": "java.weak-hash", "shortDescription": {"text": "MD5 in use"}}
      ]}},
    "invocations": [{"executionSuccessful": true, "endTimeUtc": "2024-03-01T10:00:00Z"}],
    "results": [
      {"ruleId": "java.sql-injection", "message": {"text": "Query built by concatenation"},
       "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/Payments.java"},
                                           "region": {"startLine": 42}}}],
       "partialFingerprints": {"primaryLocationLineHash": "a1b2c3"}},
      {"ruleIndex": 1, "level": "note", "message": {"text": "MD5 digest"},
       "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/Hash.java"}}}]},
      {"ruleId": "java.weak-hash", "kind": "pass", "message": {"text": "checked"}},
      {"ruleId": "java.weak-hash", "message": {"text": "MD5 again"},
       "suppressions": [{"kind": "inSource"}]},
      {"message": {"text": "no rule at all"}}
    ]
  }]
})";

TEST(SarifReaderTest, LevelsKindsAndSuppressions) {
  const ReadResult result = ReadOk(kCodeScan, "semgrep.sarif");
  EXPECT_EQ(result.format, "sarif");
  ASSERT_EQ(result.findings.size(), 4u);
  EXPECT_EQ(result.findings[0]["Severity"]["Label"], "HIGH");  // the rule's default level
  EXPECT_EQ(result.findings[0]["GeneratorId"], "semgrep/java.sql-injection");
  EXPECT_EQ(result.findings[0]["ProductArn"],
            "arn:aws:securityhub:us-east-1::product/semgrep-inc/semgrep");
  EXPECT_EQ(result.findings[0]["CreatedAt"], "2024-03-01T10:00:00.000Z");
  EXPECT_EQ(result.findings[0]["Resources"][0]["Details"]["Other"]["StartLine"], "42");
  EXPECT_EQ(result.findings[0]["Types"][0], "Software and Configuration Checks");
  EXPECT_EQ(result.findings[1]["Severity"]["Label"], "LOW");
  EXPECT_EQ(result.findings[1]["GeneratorId"], "semgrep/java.weak-hash");
  EXPECT_EQ(result.findings[2]["Compliance"]["Status"], "PASSED");
  EXPECT_EQ(result.findings[2]["Severity"]["Label"], "INFORMATIONAL");
  EXPECT_EQ(result.findings[3]["Workflow"]["Status"], "SUPPRESSED");
  ASSERT_EQ(result.rejected.size(), 1u);
  EXPECT_EQ(result.rejected[0].path, "$.runs[0].results[4]");
}

TEST(SarifReaderTest, FingerprintKeepsIdWhenLineMoves) {
  Json log = Json::parse(kCodeScan);
  const ReadResult before = ReadOk(log.dump(), "before");
  Json& region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
  region["startLine"] = 57;
  log["runs"][0]["results"][1]["message"]["text"] = "MD5 digest, reworded";
  const ReadResult after = ReadOk(log.dump(), "after");
  ASSERT_EQ(after.findings.size(), before.findings.size());
  EXPECT_EQ(after.findings[0]["Id"], before.findings[0]["Id"]);
  // Without fingerprints the message is part of the identity.
  EXPECT_NE(after.findings[1]["Id"], before.findings[1]["Id"]);
}

TEST(SarifReaderTest, OtherVersionIsRejected) {
  ReadOptions options;
  options.source_name = "old.sarif";
  auto result = ReadReport(R"({"version": "1.0.0", "runs": []})", options);
  ASSERT_FALSE(result);
  EXPECT_NE(result.status().message().find("SARIF 2.1.0"), std::string::npos);
}

}  // namespace
}  // namespace rampart::ingest
