#include "finding/validate.h"

#include <gtest/gtest.h>

namespace rampart::finding {
namespace {

Json ValidFinding() {
  return Json::parse(R"({
    "SchemaVersion": "2018-10-08",
    "Id": "finding-1",
    "ProductArn": "arn:aws:securityhub:us-east-1::product/rampart/rampart",
    "GeneratorId": "test",
    "AwsAccountId": "123456789012",
    "Types": ["Software and Configuration Checks/Vulnerabilities/CVE"],
    "CreatedAt": "2026-01-01T00:00:00Z",
    "UpdatedAt": "2026-01-01T00:00:00Z",
    "Severity": {"Label": "HIGH"},
    "Title": "t",
    "Description": "d",
    "Resources": [{"Type": "Container", "Id": "alpine:3.10"}]
  })");
}

bool HasProblemAt(const std::vector<Problem>& problems, const std::string& path) {
  for (const auto& problem : problems) {
    if (problem.path == path) {
      return true;
    }
  }
  return false;
}

TEST(Validate, AcceptsValidFinding) { EXPECT_TRUE(ValidateFinding(ValidFinding()).empty()); }

// ASFF limits count characters: 180 Japanese characters are 540 bytes of UTF-8.
TEST(Validate, LimitsCountCharactersNotBytes) {
  std::string japanese;
  for (int i = 0; i < 180; ++i) {
    japanese += "\xE8\x84\x86";  // U+8106
  }
  Json finding = ValidFinding();
  finding["Title"] = japanese;
  EXPECT_TRUE(ValidateFinding(finding).empty());

  std::string accents;
  for (int i = 0; i < 257; ++i) {
    accents += "\xC3\xA9";  // U+00E9
  }
  finding["Title"] = accents;
  const auto problems = ValidateFinding(finding);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "is 257 characters long; the maximum is 256");

  finding["Id"] = std::string(600000, 'i');
  const std::string described = DescribeProblems(finding, ValidateFinding(finding));
  EXPECT_LT(described.size(), 1000u);
  EXPECT_NE(described.find("(an Id of 600000 bytes)"), std::string::npos)
      << described.substr(0, 300);
}

TEST(Validate, NamesEachMissingRequiredAttribute) {
  for (const char* key :
       {"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types", "CreatedAt",
        "UpdatedAt", "Severity", "Title", "Description", "Resources"}) {
    Json finding = ValidFinding();
    finding.erase(key);
    const auto problems = ValidateFinding(finding, "$.Findings[4]");
    EXPECT_TRUE(HasProblemAt(problems, std::string("$.Findings[4].") + key)) << key;
  }
}

TEST(Validate, RejectsBadSeverityLabel) {
  Json finding = ValidFinding();
  finding["Severity"] = {{"Label", "SEVERE"}};
  EXPECT_TRUE(HasProblemAt(ValidateFinding(finding), "$.Severity.Label"));
}

TEST(Validate, RejectsResourceWithoutId) {
  Json finding = ValidFinding();
  finding["Resources"][0].erase("Id");
  EXPECT_TRUE(HasProblemAt(ValidateFinding(finding), "$.Resources[0].Id"));
}

TEST(Validate, RejectsBadTimestamp) {
  Json finding = ValidFinding();
  finding["UpdatedAt"] = "last tuesday";
  EXPECT_TRUE(HasProblemAt(ValidateFinding(finding), "$.UpdatedAt"));
}

// ASFF timestamps need a time with seconds and a zone. Without a zone, some tools read the
// time as UTC and others as local time.
TEST(Validate, TimestampsNeedAsffForm) {
  Json finding = ValidFinding();
  finding["CreatedAt"] = "2024-01-01 10:00:00Z";
  finding["UpdatedAt"] = "2024-01-01T10:00:00";
  finding["FirstObservedAt"] = "2024-01-01";
  finding["LastObservedAt"] = 1704103200;
  const std::vector<Problem> problems = ValidateFinding(finding);
  EXPECT_TRUE(HasProblemAt(problems, "$.CreatedAt"));
  EXPECT_TRUE(HasProblemAt(problems, "$.UpdatedAt"));
  EXPECT_TRUE(HasProblemAt(problems, "$.FirstObservedAt"));
  EXPECT_TRUE(HasProblemAt(problems, "$.LastObservedAt"));
  EXPECT_EQ(problems.size(), 4u);

  finding["CreatedAt"] = "2024-01-01T10:00:00Z";
  finding["UpdatedAt"] = "2024-01-01T10:00:00.123456789+02:00";
  finding["FirstObservedAt"] = "2024-01-01T09:00:00Z";
  finding["LastObservedAt"] = "2024-01-01T09:30:00Z";
  EXPECT_TRUE(ValidateFinding(finding).empty());
}

// Security Hub defines these limits. A fraction of Normalized was cut without a word, so 39.5
// became 39, which is LOW.
TEST(Validate, AsffLimitsOfNumbersAndTexts) {
  Json finding = ValidFinding();
  finding["Severity"] = {{"Normalized", 39.5}};
  finding["Criticality"] = 50.5;
  finding["Id"] = "  ";
  finding["Remediation"]["Recommendation"]["Text"] = std::string(513, 'x');
  const std::vector<Problem> problems = ValidateFinding(finding);
  EXPECT_TRUE(HasProblemAt(problems, "$.Severity.Normalized"));
  EXPECT_TRUE(HasProblemAt(problems, "$.Criticality"));
  EXPECT_TRUE(HasProblemAt(problems, "$.Id"));
  EXPECT_TRUE(HasProblemAt(problems, "$.Remediation.Recommendation.Text"));
  EXPECT_EQ(problems.size(), 4u);

  finding["Severity"] = {{"Normalized", 39.0}};
  finding["Criticality"] = 50;
  finding["Id"] = "f-1";
  finding["Remediation"]["Recommendation"]["Text"] = std::string(512, 'x');
  EXPECT_TRUE(ValidateFinding(finding).empty());
}

TEST(Validate, UserDefinedFieldsAreStrings) {
  Json finding = ValidFinding();
  finding["UserDefinedFields"] = {{"team", "payments"}, {"tier", 1}};
  const std::vector<Problem> problems = ValidateFinding(finding);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "$.UserDefinedFields.tier");
  EXPECT_EQ(problems[0].message, "must be a string, not number");

  finding["UserDefinedFields"] = Json::object();
  for (int i = 0; i < 51; ++i) {
    finding["UserDefinedFields"]["k" + std::to_string(i)] = "v";
  }
  EXPECT_TRUE(HasProblemAt(ValidateFinding(finding), "$.UserDefinedFields"));
}

TEST(Validate, ProductFieldsFollowAsffLimits) {
  Json finding = ValidFinding();
  finding["ProductFields"] = {{"scanner", "trivy"}, {"long", std::string(2048, 'x')}};
  EXPECT_TRUE(ValidateFinding(finding).empty());

  finding["ProductFields"]["long"] = std::string(2049, 'x');
  finding["ProductFields"]["count"] = 3;
  const std::vector<Problem> problems = ValidateFinding(finding);
  EXPECT_TRUE(HasProblemAt(problems, "$.ProductFields.long"));
  EXPECT_TRUE(HasProblemAt(problems, "$.ProductFields.count"));
  EXPECT_EQ(problems.size(), 2u);

  finding["ProductFields"] = Json::object();
  for (int i = 0; i < 51; ++i) {
    finding["ProductFields"]["k" + std::to_string(i)] = "v";
  }
  EXPECT_TRUE(HasProblemAt(ValidateFinding(finding), "$.ProductFields"));
}

TEST(Validate, SchemaVersionIsTheOnlyOne) {
  Json finding = ValidFinding();
  finding["SchemaVersion"] = "2018-10-09";
  const std::vector<Problem> problems = ValidateFinding(finding);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "$.SchemaVersion");
  EXPECT_EQ(problems[0].message,
            "\"2018-10-09\" is not a version of the format; the only one is \"2018-10-08\"");
}

TEST(Validate, NoteNeedsTextAuthorAndTime) {
  Json finding = ValidFinding();
  finding["Note"] = {
      {"Text", "checked"}, {"UpdatedBy", "analyst"}, {"UpdatedAt", "2026-12-01T00:00:00Z"}};
  EXPECT_TRUE(ValidateFinding(finding).empty());

  finding["Note"].erase("UpdatedBy");
  finding["Note"]["Text"] = std::string(513, 'x');
  const std::vector<Problem> problems = ValidateFinding(finding);
  EXPECT_TRUE(HasProblemAt(problems, "$.Note.UpdatedBy"));
  EXPECT_TRUE(HasProblemAt(problems, "$.Note.Text"));
  EXPECT_EQ(problems.size(), 2u);
}

TEST(Validate, RejectsUnknownWorkflowStatus) {
  Json finding = ValidFinding();
  finding["Workflow"] = {{"Status", "DONE"}};
  EXPECT_TRUE(HasProblemAt(ValidateFinding(finding), "$.Workflow.Status"));
}

TEST(Validate, DescribeNamesFindingId) {
  Json finding = ValidFinding();
  finding.erase("Title");
  const std::string text = DescribeProblems(finding, ValidateFinding(finding));
  EXPECT_NE(text.find("finding-1"), std::string::npos);
  EXPECT_NE(text.find("$.Title"), std::string::npos);
}

TEST(Normalize, FillsDefaults) {
  Json finding = ValidFinding();
  Normalize(finding);
  EXPECT_EQ(finding["RecordState"], "ACTIVE");
  EXPECT_EQ(finding["Workflow"]["Status"], "NEW");
  EXPECT_EQ(finding["Severity"]["Normalized"], 70);
}

// Every ASFF namespace is accepted, alone or with a category and classifier.
TEST(Validate, TypesInEveryNamespace) {
  for (const char* type :
       {"Software and Configuration Checks/Vulnerabilities/CVE", "TTPs/Initial Access",
        "Effects/Data Exposure", "Unusual Behaviors/User", "Sensitive Data Identifications",
        "Sensitive Data Identifications/Passwords"}) {
    SCOPED_TRACE(type);
    Json finding = ValidFinding();
    finding["Types"] = {type};
    EXPECT_TRUE(ValidateFinding(finding).empty());
    EXPECT_FALSE(TypeProblem(type).has_value());
  }
}

TEST(Validate, TypesOutsideNamespacesRejected) {
  for (const char* type : {"Vulnerabilities/CVE", "ttps/Initial Access", "Software/CVE",
                           "/Software and Configuration Checks", "TTPs "}) {
    SCOPED_TRACE(type);
    Json finding = ValidFinding();
    finding["Types"] = {"TTPs/Discovery", type};
    const auto problems = ValidateFinding(finding, "$.Findings[2]");
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].path, "$.Findings[2].Types[1]");
    EXPECT_EQ(problems[0].message.rfind(Json(type).dump() + " is not in an ASFF namespace", 0), 0u)
        << problems[0].message;
    EXPECT_NE(problems[0].message.find("Software and Configuration Checks, TTPs, Effects, "
                                       "Unusual Behaviors, Sensitive Data Identifications"),
              std::string::npos)
        << problems[0].message;
  }
}

TEST(Validate, ProductArnForms) {
  for (const char* arn : {"arn:aws:securityhub:us-east-1::product/aquasecurity/aquasecurity",
                          "arn:aws-cn:securityhub:cn-north-1::product/aws/guardduty",
                          "arn:aws:securityhub:us-west-2:123456789012:product/123456789012/default",
                          "arn:aws:securityhub:test-region::product/aquasecurity/aquasecurity"}) {
    SCOPED_TRACE(arn);
    Json finding = ValidFinding();
    finding["ProductArn"] = arn;
    EXPECT_TRUE(ValidateFinding(finding).empty());
  }
}

TEST(Validate, ProductArnMustBeSecurityHubArn) {
  for (const char* arn :
       {"prowler", "arn:aws:s3:::bucket", "arn:aws:securityhub:::product/a/b",
        "arn:aws:securityhub:us-east-1:12345:product/a/b",
        "arn:aws:securityhub:us-east-1::product/", "arn:aws:securityhub:us-east-1::rule/a",
        "arn::securityhub:us-east-1::product/a/b", "arn:AWS:securityhub:us-east-1::product/a/b"}) {
    SCOPED_TRACE(arn);
    Json finding = ValidFinding();
    finding["ProductArn"] = arn;
    const auto problems = ValidateFinding(finding);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].path, "$.ProductArn");
    EXPECT_EQ(problems[0].message.rfind(Json(arn).dump() + " is not a Security Hub product ARN", 0),
              0u)
        << problems[0].message;
  }
}

}  // namespace
}  // namespace rampart::finding
