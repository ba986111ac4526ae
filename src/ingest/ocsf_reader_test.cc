#include <set>
#include <string>

#include <gtest/gtest.h>

#include "finding/validate.h"
#include "ingest/more_readers.h"
#include "ingest/more_readers_test_util.h"

namespace rampart::ingest {
namespace {

using testing::FindBy;
using testing::LoadReport;
using testing::ReadAll;
using testing::RejectedText;
using testing::ReportFromJson;

// Counts the OCSF Detection Findings (class_uid 2004) of a Prowler JSON-OCSF array.
std::size_t CountDetectionFindings(const Json& document) {
  std::size_t count = 0;
  for (const Json& event : document) {
    count += event.value("class_uid", 0) == 2004 ? 1 : 0;
  }
  return count;
}

Json CloudFinding() {
  return {{"class_uid", 2004},
          {"metadata",
           {{"event_code", "s3_bucket_public_access"},
            {"product", {{"name", "Prowler"}, {"vendor_name", "Prowler"}, {"version", "5.4.0"}}},
            {"version", "1.4.0"}}},
          {"finding_info",
           {{"uid", "prowler-aws-s3_bucket_public_access-123456789012-eu-central-1-reports"},
            {"title", "Ensure there are no S3 buckets open to Everyone"},
            {"created_time", 1739539623},
            {"types", {"Software and Configuration Checks/AWS Security Best Practices"}}}},
          {"severity_id", 5},
          {"severity", "Critical"},
          {"status_code", "FAIL"},
          {"status_id", 1},
          {"message", "S3 Bucket reports is open to Everyone."},
          {"resources",
           {{{"uid", "arn:aws:s3:::reports"},
             {"name", "reports"},
             {"type", "AwsS3Bucket"},
             {"region", "eu-central-1"},
             {"cloud_partition", "aws"}}}},
          {"cloud",
           {{"provider", "aws"},
            {"region", "eu-central-1"},
            {"account", {{"uid", "123456789012"}, {"type", "AWS Account"}}}}},
          {"time", 1739539700}};
}

ReadResult ReadJson(const Json& document) {
  const auto report = ReportFromJson(document);
  return ReadAll(*MakeOcsfReader(), report.AsInput());
}

TEST(OcsfReader, RealProwlerReportsGiveOneFindingPerDetectionFinding) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const auto reader = MakeOcsfReader();
  for (const char* name : {"aws.ocsf.json", "kubernetes.ocsf.json"}) {
    SCOPED_TRACE(name);
    const auto report = LoadReport(testing::FindingsDir() / "prowler" / name);
    ASSERT_TRUE(reader->Detect(report.AsInput()));
    const ReadResult result = ReadAll(*reader, report.AsInput());
    EXPECT_EQ(result.findings.size(), CountDetectionFindings(report.document));
    EXPECT_TRUE(result.rejected.empty()) << RejectedText(result);
    // Every finding_info.uid in these files is "<finding_uid>", yet the Ids must differ.
    std::set<std::string> ids;
    for (const Json& finding : result.findings) {
      EXPECT_TRUE(finding::ValidateFinding(finding).empty());
      EXPECT_EQ(finding.at("AwsAccountId"), "111122223333");
      ids.insert(finding.at("Id").get<std::string>());
    }
    EXPECT_EQ(ids.size(), result.findings.size());
  }
}

TEST(OcsfReader, AwsFindingKeepsPlaceholdersOutsideAccountAndRegion) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const auto report = LoadReport(testing::FindingsDir() / "prowler" / "aws.ocsf.json");
  const ReadResult result = ReadAll(*MakeOcsfReader(), report.AsInput());
  const Json* finding = FindBy(result, "GeneratorId", "prowler-accessanalyzer_enabled");
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(finding->at("ProductArn"), "arn:aws:securityhub:eu-west-1::product/prowler/prowler");
  EXPECT_EQ(finding->at("Compliance").at("Status"), "FAILED");
  EXPECT_EQ(finding->at("Severity").at("Label"), "LOW");  // severity_id 2
  EXPECT_EQ(finding->at("Severity").at("Original"), "Low");
  EXPECT_EQ(finding->at("Title"), "Check if IAM Access Analyzer is enabled");
  EXPECT_EQ(finding->at("Description"),
            "IAM Access Analyzer in account <account_uid> is not enabled.");
  // created_time 1739539623 s; created_time_dt "2025-02-14T14:27:03.913874" is local time
  // without an offset, so only the number says when in UTC.
  EXPECT_EQ(finding->at("CreatedAt"), "2025-02-14T13:27:03.000Z");
  EXPECT_EQ(finding->at("Region"), "eu-west-1");
  EXPECT_EQ(finding->at("Resources")[0].at("Id"), "<resource_uid>");
  EXPECT_EQ(finding->at("Resources")[0].at("Type"), "Other");
  EXPECT_FALSE(finding->at("Resources")[0].contains("Region"));  // "<region>" is no Region
  EXPECT_EQ(finding->at("ProductFields").at("ocsf/account_uid"), "<account_uid>");
  EXPECT_EQ(finding->at("ProductFields").at("ocsf/finding_uid"), "<finding_uid>");
  EXPECT_EQ(finding->at("Workflow").at("Status"), "NEW");  // status_id 1

  const Json& requirements = finding->at("Compliance").at("RelatedRequirements");
  EXPECT_NE(std::find(requirements.begin(), requirements.end(), "CIS-1.5 1.20"),
            requirements.end());
  EXPECT_NE(std::find(requirements.begin(), requirements.end(),
                      "KISA-ISMS-P-2023 2.5.6 2.6.4 2.8.1 2.8.2"),
            requirements.end());
  EXPECT_EQ(requirements.size(), report.document[0]["unmapped"]["compliance"].size());
  const Json& standards = finding->at("Compliance").at("AssociatedStandards");
  EXPECT_NE(std::find(standards.begin(), standards.end(), Json({{"StandardsId", "CIS-2.0"}})),
            standards.end());

  const Json& recommendation = finding->at("Remediation").at("Recommendation");
  EXPECT_EQ(recommendation.at("Url"),
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html");
  EXPECT_TRUE(recommendation.at("Text").get<std::string>().starts_with(
      "Enable IAM Access Analyzer for all accounts"));
}

TEST(OcsfReader, ManualCheckIsNotAvailable) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const auto report = LoadReport(testing::FindingsDir() / "prowler" / "aws.ocsf.json");
  const ReadResult result = ReadAll(*MakeOcsfReader(), report.AsInput());
  const Json* finding =
      FindBy(result, "GeneratorId", "prowler-account_maintain_current_contact_details");
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(finding->at("Compliance").at("Status"), "NOT_AVAILABLE");
  EXPECT_EQ(finding->at("Severity").at("Label"), "MEDIUM");
  EXPECT_EQ(finding->at("Resources")[0].at("Id"), "arn:aws:iam::<account_uid>:root");
}

TEST(OcsfReader, KubernetesPassedCheckIsInformational) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const auto report = LoadReport(testing::FindingsDir() / "prowler" / "kubernetes.ocsf.json");
  const ReadResult result = ReadAll(*MakeOcsfReader(), report.AsInput());
  const Json* finding = FindBy(result, "GeneratorId", "prowler-apiserver_anonymous_requests");
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(finding->at("Compliance").at("Status"), "PASSED");
  EXPECT_EQ(finding->at("Severity").at("Label"), "INFORMATIONAL");
  EXPECT_EQ(finding->at("Severity").at("Original"), "High");
  EXPECT_EQ(finding->at("Compliance").at("RelatedRequirements"),
            Json::array({"CIS-1.10 1.2.1", "CIS-1.8 1.2.1"}));
  const Json& resource = finding->at("Resources")[0];
  EXPECT_EQ(resource.at("Type"), "KubernetesAPIServer");
  EXPECT_EQ(resource.at("Details").at("Other").at("Namespace"), "<namespace>");
  EXPECT_EQ(resource.at("Details").at("Other").at("Group"), "apiserver");

  const Json* failed = FindBy(result, "GeneratorId", "prowler-apiserver_audit_log_path_set");
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->at("Compliance").at("Status"), "FAILED");
  EXPECT_EQ(failed->at("Severity").at("Label"), "HIGH");  // severity_id 4
}

TEST(OcsfReader, RealAccountRegionAndUidAreUsed) {
  const ReadResult result = ReadJson(Json::array({CloudFinding()}));
  ASSERT_EQ(result.findings.size(), 1u) << RejectedText(result);
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding.at("Id"),
            "prowler-aws-s3_bucket_public_access-123456789012-eu-central-1-reports");
  EXPECT_EQ(finding.at("AwsAccountId"), "123456789012");
  EXPECT_EQ(finding.at("ProductArn"), "arn:aws:securityhub:eu-central-1::product/prowler/prowler");
  EXPECT_EQ(finding.at("Severity").at("Label"), "CRITICAL");
  EXPECT_EQ(finding.at("Types"),
            Json::array({"Software and Configuration Checks/AWS Security Best Practices"}));
  EXPECT_EQ(finding.at("UpdatedAt"), "2025-02-14T13:28:20.000Z");  // time 1739539700
  const Json& resource = finding.at("Resources")[0];
  EXPECT_EQ(resource.at("Type"), "AwsS3Bucket");
  EXPECT_EQ(resource.at("Region"), "eu-central-1");
  EXPECT_EQ(resource.at("Partition"), "aws");
}

TEST(OcsfReader, SeverityIdMapping) {
  struct Case {
    int id;
    std::string text;
    std::string label;
  };
  const Case cases[] = {{1, "Informational", "INFORMATIONAL"},
                        {2, "Low", "LOW"},
                        {3, "Medium", "MEDIUM"},
                        {4, "High", "HIGH"},
                        {5, "Critical", "CRITICAL"},
                        {6, "Fatal", "CRITICAL"},
                        {99, "Medium", "MEDIUM"},
                        {0, "Unknown", "INFORMATIONAL"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.id);
    Json event = CloudFinding();
    event["severity_id"] = c.id;
    event["severity"] = c.text;
    const ReadResult result = ReadJson(event);
    ASSERT_EQ(result.findings.size(), 1u);
    EXPECT_EQ(result.findings[0].at("Severity").at("Label"), c.label);
  }
}

TEST(OcsfReader, TimesInMillisecondsAreRead) {
  Json event = CloudFinding();
  event["finding_info"]["created_time"] = 1739539623000LL;
  event["finding_info"]["first_seen_time"] = 1739539600000LL;
  const ReadResult result = ReadJson(event);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].at("CreatedAt"), "2025-02-14T13:27:03.000Z");
  EXPECT_EQ(result.findings[0].at("FirstObservedAt"), "2025-02-14T13:26:40.000Z");
}

TEST(OcsfReader, OtherEventClassInArrayIsRejected) {
  Json other = CloudFinding();
  other["class_uid"] = 3002;  // Authentication
  const ReadResult result = ReadJson(Json::array({CloudFinding(), other}));
  EXPECT_EQ(result.findings.size(), 1u);
  ASSERT_EQ(result.rejected.size(), 1u);
  EXPECT_EQ(result.rejected[0].path, "$[1]");
  EXPECT_NE(result.rejected[0].message.find("class_uid: 3002"), std::string::npos);
}

TEST(OcsfReader, SuppressedStatusSetsWorkflow) {
  Json event = CloudFinding();
  event["status_id"] = 3;
  event["status"] = "Suppressed";
  const ReadResult result = ReadJson(event);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].at("Workflow").at("Status"), "SUPPRESSED");
}

TEST(OcsfReader, PlaceholderUidsGiveStableDistinctIds) {
  Json first = CloudFinding();
  first["finding_info"]["uid"] = "<finding_uid>";
  Json second = first;
  second["resources"][0]["uid"] = "arn:aws:s3:::other";
  const ReadResult once = ReadJson(Json::array({first, second}));
  const ReadResult again = ReadJson(Json::array({first, second}));
  ASSERT_EQ(once.findings.size(), 2u);
  ASSERT_EQ(again.findings.size(), 2u);
  EXPECT_NE(once.findings[0].at("Id"), once.findings[1].at("Id"));
  EXPECT_EQ(once.findings[0].at("Id"), again.findings[0].at("Id"));
  EXPECT_TRUE(
      once.findings[0].at("Id").get<std::string>().starts_with("prowler-s3_bucket_public_access-"));
}

TEST(OcsfReader, OtherDocumentsAreNotOcsf) {
  const auto reader = MakeOcsfReader();
  const auto report = ReportFromJson(Json::array({{{"class_uid", 3002}}}));
  EXPECT_FALSE(reader->Detect(report.AsInput()));
  const auto empty = ReportFromJson(Json::array());
  EXPECT_FALSE(reader->Detect(empty.AsInput()));
  ReadResult result;
  EXPECT_FALSE(reader->Read(report.AsInput(), testing::TestOptions(), result).ok());
}

}  // namespace
}  // namespace rampart::ingest
