#include <string>

#include <gtest/gtest.h>

#include "finding/validate.h"
#include "ingest/inspector_details.h"
#include "ingest/more_readers.h"
#include "ingest/more_readers_test_util.h"

namespace rampart::ingest {
namespace {

using testing::ReadAll;
using testing::RejectedText;
using testing::ReportFromJson;

// An EC2 package vulnerability event with the fields the Inspector User Guide lists for
// "Inspector2 Finding" events (Amazon EventBridge event schema for Amazon Inspector events).
Json Ec2PackageEvent() {
  return Json::parse(R"json({
    "version": "0",
    "id": "0b0b3a3e-1111-2222-3333-444455556666",
    "detail-type": "Inspector2 Finding",
    "source": "aws.inspector2",
    "account": "444455556666",
    "time": "2025-03-10T08:15:02Z",
    "region": "eu-north-1",
    "resources": ["i-0a1b2c3d4e5f60718"],
    "detail": {
      "awsAccountId": "444455556666",
      "description": "A heap overflow in the DNS resolver allows a remote server to crash the client.",
      "epss": {"score": 0.0021},
      "exploitAvailable": "NO",
      "findingArn": "arn:aws:inspector2:eu-north-1:444455556666:finding/0123456789abcdef0123456789abcdef",
      "firstObservedAt": "Mon Mar 10 08:14:58.120 UTC 2025",
      "fixAvailable": "YES",
      "inspectorScore": 7.5,
      "inspectorScoreDetails": {"adjustedCvss": {"adjustments": [], "cvssSource": "NVD", "score": 7.5,
        "scoreSource": "NVD", "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "version": "3.1"}},
      "lastObservedAt": "Mon Mar 10 08:14:59.000 UTC 2025",
      "packageVulnerabilityDetails": {
        "cvss": [
          {"baseScore": 7.5, "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "source": "NVD", "version": "3.1"},
          {"baseScore": 5.9, "scoringVector": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H", "source": "AMAZON_CVE", "version": "3.1"}
        ],
        "referenceUrls": ["https://www.cve.org/CVERecord?id=CVE-2025-10001"],
        "relatedVulnerabilities": ["ALAS2-2025-2801"],
        "source": "AMAZON_CVE",
        "sourceUrl": "https://alas.aws.amazon.com/AL2/ALAS-2025-2801.html",
        "vendorCreatedAt": "Fri Mar 07 00:00:00.000 UTC 2025",
        "vendorSeverity": "important",
        "vulnerabilityId": "CVE-2025-10001",
        "vulnerablePackages": [
          {"arch": "X86_64", "epoch": 0, "fixedInVersion": "0:2.26-66.amzn2", "name": "glibc",
           "packageManager": "OS", "release": "64.amzn2", "remediation": "yum update glibc", "version": "2.26"}
        ]
      },
      "remediation": {"recommendation": {"text": "None Provided"}},
      "resources": [{
        "details": {"awsEc2Instance": {"iamInstanceProfileArn": "arn:aws:iam::444455556666:instance-profile/app",
          "imageId": "ami-0f1e2d3c4b5a69788", "ipV4Addresses": ["10.1.2.3"], "ipV6Addresses": [],
          "launchedAt": "Sun Mar 09 21:00:00.000 UTC 2025", "platform": "AMAZON_LINUX_2",
          "subnetId": "subnet-0aa11bb22", "type": "m5.large", "vpcId": "vpc-0cc33dd44"}},
        "id": "i-0a1b2c3d4e5f60718",
        "partition": "aws",
        "region": "eu-north-1",
        "tags": {"team": "payments"},
        "type": "AWS_EC2_INSTANCE"
      }],
      "severity": "HIGH",
      "status": "ACTIVE",
      "title": "CVE-2025-10001 - glibc",
      "type": "PACKAGE_VULNERABILITY",
      "updatedAt": "Mon Mar 10 08:15:01.500 UTC 2025"
    }
  })json");
}

// An ECR image finding as ListFindings returns it: timestamps in seconds since the epoch.
Json EcrImageFinding() {
  return Json::parse(R"json({
    "awsAccountId": "444455556666",
    "description": "Possible denial of service in certificate name checks.",
    "findingArn": "arn:aws:inspector2:eu-north-1:444455556666:finding/fedcba9876543210fedcba9876543210",
    "firstObservedAt": 1741594498.411,
    "fixAvailable": "PARTIAL",
    "lastObservedAt": 1741594498.411,
    "packageVulnerabilityDetails": {
      "cvss": [],
      "source": "UBUNTU_CVE",
      "vendorSeverity": "medium",
      "vulnerabilityId": "CVE-2025-20002",
      "vulnerablePackages": [
        {"arch": "ARM64", "epoch": 0, "fixedInVersion": "0:3.0.13-0ubuntu3.5", "name": "openssl",
         "packageManager": "OS", "sourceLayerHash": "sha256:1111", "version": "3.0.13"},
        {"arch": "ARM64", "epoch": 0, "fixedInVersion": "NotAvailable", "name": "libssl3t64",
         "packageManager": "OS", "sourceLayerHash": "sha256:1111", "version": "3.0.13"}
      ]
    },
    "remediation": {"recommendation": {"text": "Update the image.", "Url": "https://ubuntu.com/security/notices"}},
    "resources": [{
      "details": {"awsEcrContainerImage": {"architecture": "arm64",
        "imageHash": "sha256:84f5aaaa", "imageTags": ["v2"], "pushedAt": 1741594400,
        "registry": "444455556666", "repositoryName": "payments/api"}},
      "id": "arn:aws:ecr:eu-north-1:444455556666:repository/payments/api/sha256:84f5aaaa",
      "partition": "aws", "region": "eu-north-1", "type": "AWS_ECR_CONTAINER_IMAGE"
    }],
    "severity": "MEDIUM",
    "status": "SUPPRESSED",
    "title": "CVE-2025-20002 - openssl, libssl3t64",
    "type": "PACKAGE_VULNERABILITY",
    "updatedAt": 1741594500.0
  })json");
}

Json NetworkReachabilityFinding() {
  return Json::parse(R"json({
    "awsAccountId": "444455556666",
    "description": "Port 22 on instance i-0a1b2c3d4e5f60718 is reachable from an internet gateway.",
    "findingArn": "arn:aws:inspector2:eu-north-1:444455556666:finding/aaaabbbbccccddddeeeeffff00001111",
    "firstObservedAt": "2025-03-10T09:00:00Z",
    "lastObservedAt": "2025-03-10T09:00:00Z",
    "networkReachabilityDetails": {
      "networkPath": {"steps": [
        {"componentId": "igw-01", "componentType": "AWS::EC2::InternetGateway"},
        {"componentId": "sg-02", "componentType": "AWS::EC2::SecurityGroup"},
        {"componentId": "i-0a1b2c3d4e5f60718", "componentType": "AWS::EC2::Instance"}]},
      "openPortRange": {"begin": 22, "end": 22},
      "protocol": "TCP"
    },
    "remediation": {"recommendation": {"text": "Restrict the security group."}},
    "resources": [{"id": "i-0a1b2c3d4e5f60718", "partition": "aws", "region": "eu-north-1",
                   "type": "AWS_EC2_INSTANCE"}],
    "severity": "MEDIUM",
    "status": "CLOSED",
    "title": "Port 22 is reachable from an Internet Gateway - TCP",
    "type": "NETWORK_REACHABILITY",
    "updatedAt": "2025-03-10T09:00:00Z"
  })json");
}

ReadResult ReadJson(const Json& document) {
  const auto report = ReportFromJson(document);
  return ReadAll(*MakeInspectorReader(), report.AsInput());
}

TEST(InspectorReader, EventBridgePackageFinding) {
  const auto report = ReportFromJson(Ec2PackageEvent());
  const auto reader = MakeInspectorReader();
  ASSERT_TRUE(reader->Detect(report.AsInput()));
  const ReadResult result = ReadAll(*reader, report.AsInput());
  ASSERT_EQ(result.findings.size(), 1u) << RejectedText(result);
  const Json& finding = result.findings[0];
  EXPECT_TRUE(finding::ValidateFinding(finding).empty());
  EXPECT_EQ(finding.at("Id"),
            "arn:aws:inspector2:eu-north-1:444455556666:finding/0123456789abcdef0123456789abcdef");
  EXPECT_EQ(finding.at("ProductArn"), "arn:aws:securityhub:eu-north-1::product/aws/inspector");
  EXPECT_EQ(finding.at("AwsAccountId"), "444455556666");
  EXPECT_EQ(finding.at("Types"),
            Json::array({"Software and Configuration Checks/Vulnerabilities/CVE"}));
  EXPECT_EQ(finding.at("Severity").at("Label"), "HIGH");
  EXPECT_EQ(finding.at("FirstObservedAt"), "2025-03-10T08:14:58.120Z");
  EXPECT_EQ(finding.at("CreatedAt"), "2025-03-10T08:14:58.120Z");
  EXPECT_EQ(finding.at("UpdatedAt"), "2025-03-10T08:15:01.500Z");
  EXPECT_EQ(finding.at("RecordState"), "ACTIVE");
  EXPECT_EQ(finding.at("ProductFields").at("aws/inspector2/inspectorScore"), "7.5");

  const Json& resource = finding.at("Resources")[0];
  EXPECT_EQ(resource.at("Type"), "AwsEc2Instance");
  EXPECT_EQ(resource.at("Id"), "arn:aws:ec2:eu-north-1:444455556666:instance/i-0a1b2c3d4e5f60718");
  EXPECT_EQ(resource.at("Tags").at("team"), "payments");
  const Json& instance = resource.at("Details").at("AwsEc2Instance");
  EXPECT_EQ(instance.at("Type"), "m5.large");
  EXPECT_EQ(instance.at("LaunchedAt"), "2025-03-09T21:00:00.000Z");
  EXPECT_EQ(instance.at("IpV4Addresses"), Json::array({"10.1.2.3"}));
  EXPECT_FALSE(instance.contains("IpV6Addresses"));

  const Json& vulnerability = finding.at("Vulnerabilities")[0];
  EXPECT_EQ(vulnerability.at("Id"), "CVE-2025-10001");
  EXPECT_EQ(vulnerability.at("FixAvailable"), "YES");
  EXPECT_EQ(vulnerability.at("ExploitAvailable"), "NO");
  EXPECT_DOUBLE_EQ(vulnerability.at("EpssScore").get<double>(), 0.0021);
  EXPECT_EQ(vulnerability.at("RelatedVulnerabilities"), Json::array({"ALAS2-2025-2801"}));
  const Json& package = vulnerability.at("VulnerablePackages")[0];
  EXPECT_EQ(package.at("Name"), "glibc");
  EXPECT_EQ(package.at("Version"), "2.26");
  EXPECT_EQ(package.at("Release"), "64.amzn2");
  EXPECT_EQ(package.at("Epoch"), "0");
  EXPECT_EQ(package.at("Architecture"), "X86_64");
  EXPECT_EQ(package.at("PackageManager"), "OS");
  EXPECT_EQ(package.at("FixedInVersion"), "0:2.26-66.amzn2");
  EXPECT_EQ(package.at("Remediation"), "yum update glibc");
  ASSERT_EQ(vulnerability.at("Cvss").size(), 2u);
  EXPECT_EQ(vulnerability.at("Cvss")[0].at("BaseScore"), 7.5);
  EXPECT_EQ(vulnerability.at("Cvss")[0].at("BaseVector"),
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H");
  EXPECT_EQ(vulnerability.at("Cvss")[0].at("Source"), "NVD");
  EXPECT_EQ(vulnerability.at("Vendor").at("Name"), "AMAZON_CVE");
  EXPECT_EQ(vulnerability.at("Vendor").at("VendorSeverity"), "important");
  EXPECT_EQ(vulnerability.at("Vendor").at("VendorCreatedAt"), "2025-03-07T00:00:00.000Z");
}

TEST(InspectorReader, ListFindingsResponse) {
  const ReadResult result =
      ReadJson({{"findings", {EcrImageFinding(), NetworkReachabilityFinding()}}});
  ASSERT_EQ(result.findings.size(), 2u) << RejectedText(result);

  const Json& image = result.findings[0];
  EXPECT_EQ(image.at("CreatedAt"), "2025-03-10T08:14:58.411Z");  // 1741594498.411 s
  EXPECT_EQ(image.at("Workflow").at("Status"), "SUPPRESSED");
  EXPECT_EQ(image.at("Remediation").at("Recommendation").at("Url"),
            "https://ubuntu.com/security/notices");
  const Json& resource = image.at("Resources")[0];
  EXPECT_EQ(resource.at("Type"), "AwsEcrContainerImage");
  EXPECT_EQ(resource.at("Details").at("AwsEcrContainerImage").at("RepositoryName"), "payments/api");
  EXPECT_EQ(resource.at("Details").at("AwsEcrContainerImage").at("ImageDigest"), "sha256:84f5aaaa");
  EXPECT_EQ(resource.at("Details").at("AwsEcrContainerImage").at("ImagePublishedAt"),
            "2025-03-10T08:13:20.000Z");
  const Json& vulnerability = image.at("Vulnerabilities")[0];
  EXPECT_EQ(vulnerability.at("FixAvailable"), "PARTIAL");
  EXPECT_EQ(vulnerability.at("VulnerablePackages").size(), 2u);
  EXPECT_FALSE(vulnerability.contains("Cvss"));

  const Json& network = result.findings[1];
  EXPECT_EQ(network.at("Types"),
            Json::array({"Software and Configuration Checks/AWS Security Best Practices/"
                         "Network Reachability"}));
  EXPECT_FALSE(network.contains("Vulnerabilities"));
  EXPECT_EQ(network.at("Network").at("OpenPortRange"), Json({{"Begin", 22}, {"End", 22}}));
  EXPECT_EQ(network.at("Network").at("Protocol"), "TCP");
  EXPECT_EQ(network.at("NetworkPath").size(), 3u);
  EXPECT_EQ(network.at("NetworkPath")[0].at("ComponentType"), "AWS::EC2::InternetGateway");
  // CLOSED: Inspector no longer detects the problem.
  EXPECT_EQ(network.at("RecordState"), "ARCHIVED");
  EXPECT_EQ(network.at("Workflow").at("Status"), "RESOLVED");
}

TEST(InspectorReader, UntriagedTakesLabelFromCvss) {
  Json finding = EcrImageFinding();
  finding["severity"] = "UNTRIAGED";
  finding["packageVulnerabilityDetails"]["cvss"] = {{{"baseScore", 9.8}, {"version", "3.1"}},
                                                    {{"baseScore", 6.1}, {"version", "3.1"}}};
  ReadResult result = ReadJson(finding);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].at("Severity").at("Label"), "CRITICAL");
  EXPECT_EQ(result.findings[0].at("Severity").at("Original"), "UNTRIAGED");

  finding["packageVulnerabilityDetails"]["cvss"] = Json::array();
  result = ReadJson(finding);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].at("Severity").at("Label"), "INFORMATIONAL");
}

TEST(InspectorReader, BadFindingsInListAreRejected) {
  Json no_resources = EcrImageFinding();
  no_resources["resources"] = Json::array();
  const Json guardduty_like = {{"schemaVersion", "2.0"}, {"type", "Recon:EC2/Portscan"}};
  const ReadResult result =
      ReadJson(Json::array({EcrImageFinding(), no_resources, guardduty_like}));
  EXPECT_EQ(result.findings.size(), 1u);
  ASSERT_EQ(result.rejected.size(), 2u);
  EXPECT_EQ(result.rejected[0].path, "$[1]");
  EXPECT_NE(result.rejected[0].message.find("$[1].resources"), std::string::npos);
  EXPECT_EQ(result.rejected[1].path, "$[2]");
  EXPECT_NE(result.rejected[1].message.find("findingArn"), std::string::npos);
}

TEST(InspectorReader, AccountFallsBackToEventThenOptions) {
  Json event = Ec2PackageEvent();
  event["detail"].erase("awsAccountId");
  ReadResult result = ReadJson(event);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].at("AwsAccountId"), "444455556666");

  Json finding = EcrImageFinding();
  finding.erase("awsAccountId");
  result = ReadJson(finding);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].at("AwsAccountId"), "111122223333");
}

TEST(InspectorReader, TimestampForms) {
  EXPECT_EQ(detail::InspectorTimestamp("Wed Sep 04 16:59:44.356 UTC 2024"),
            "2024-09-04T16:59:44.356Z");
  EXPECT_EQ(detail::InspectorTimestamp("Thu Jul 25 20:15:00 UTC 2024"), "2024-07-25T20:15:00.000Z");
  EXPECT_EQ(detail::InspectorTimestamp("2024-09-04T16:59:44.356000+00:00"),
            "2024-09-04T16:59:44.356Z");
  EXPECT_EQ(detail::InspectorTimestamp(1725469184.356), "2024-09-04T16:59:44.356Z");
  EXPECT_FALSE(detail::InspectorTimestamp("Wed Sep 04 16:59:44.356 CEST 2024"));
  EXPECT_FALSE(detail::InspectorTimestamp("Wed Foo 04 16:59:44.356 UTC 2024"));
  EXPECT_FALSE(detail::InspectorTimestamp("yesterday"));
  EXPECT_FALSE(detail::InspectorTimestamp(Json::array()));
  // Inspector2 Finding events on EventBridge write this form, in UTC.
  EXPECT_EQ(detail::InspectorTimestamp("Mar 20, 2023, 6:08:05 PM"), "2023-03-20T18:08:05.000Z");
  EXPECT_EQ(detail::InspectorTimestamp("Mar 1, 2024, 12:00:48 AM"), "2024-03-01T00:00:48.000Z");
  EXPECT_EQ(detail::InspectorTimestamp("Dec 31, 2024, 12:59:59 PM"), "2024-12-31T12:59:59.000Z");
  EXPECT_FALSE(detail::InspectorTimestamp("Mar 20, 2023, 13:08:05 PM"));
  EXPECT_FALSE(detail::InspectorTimestamp("Mar 20, 2023, 6:08:05 XM"));
  EXPECT_FALSE(detail::InspectorTimestamp("Mar 20, 2023, 6:08:05 PM UTC"));
  EXPECT_FALSE(detail::InspectorTimestamp("Feb 30, 2023, 6:08:05 PM"));
}

TEST(InspectorReader, OtherDocumentsAreNotInspector) {
  const auto reader = MakeInspectorReader();
  const auto guardduty = ReportFromJson(
      {{"detail-type", "GuardDuty Finding"}, {"detail", {{"schemaVersion", "2.0"}}}});
  EXPECT_FALSE(reader->Detect(guardduty.AsInput()));
  const auto other_arn = ReportFromJson({{"findingArn", "arn:aws:securityhub:x"}});
  EXPECT_FALSE(reader->Detect(other_arn.AsInput()));
  ReadResult result;
  EXPECT_FALSE(reader->Read(guardduty.AsInput(), testing::TestOptions(), result).ok());
}

}  // namespace
}  // namespace rampart::ingest
