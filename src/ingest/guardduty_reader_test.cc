#include <string>

#include <gtest/gtest.h>

#include "finding/validate.h"
#include "ingest/guardduty_types.h"
#include "ingest/more_readers_test_util.h"
#include "ingest/readers.h"

namespace rampart::ingest {
namespace {

using testing::LoadReport;
using testing::ReadAll;
using testing::RejectedText;
using testing::ReportFromJson;

// Counts GuardDuty findings by the shapes GuardDuty writes: an EventBridge event carries
// one, a list or {"findings": [...]} many, and a bare finding is one.
std::size_t CountFindings(const Json& document) {
  if (document.is_array()) {
    return document.size();
  }
  if (document.contains("detail-type")) {
    return 1;
  }
  if (document.contains("findings")) {
    return document.at("findings").size();
  }
  return document.contains("schemaVersion") ? 1 : 0;
}

Json MinimalFinding(double severity) {
  return {
      {"schemaVersion", "2.0"},
      {"accountId", "123456789012"},
      {"region", "eu-central-1"},
      {"partition", "aws"},
      {"id", "0123456789abcdef0123456789abcdef"},
      {"type", "UnauthorizedAccess:EC2/SSHBruteForce"},
      {"resource", {{"resourceType", "Instance"}, {"instanceDetails", {{"instanceId", "i-0abc"}}}}},
      {"service", {{"serviceName", "guardduty"}, {"detectorId", "d0d0"}}},
      {"severity", severity},
      {"createdAt", "2024-05-01T10:00:00.000Z"},
      {"updatedAt", "2024-05-02T11:30:00.000Z"},
      {"title", "SSH brute force"},
      {"description", "Someone is guessing passwords."}};
}

ReadResult ReadJson(const Json& document) {
  const auto report = ReportFromJson(document);
  return ReadAll(*MakeGuardDutyReader(), report.AsInput());
}

TEST(GuardDutyReader, RealFindingsAreReadAndValid) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const auto reader = MakeGuardDutyReader();
  for (const char* name : {"ec2-finding.json", "iam-accesskey-finding.json", "s3-finding.json"}) {
    SCOPED_TRACE(name);
    const auto report = LoadReport(testing::FindingsDir() / "guardduty" / name);
    ASSERT_TRUE(reader->Detect(report.AsInput()));
    const ReadResult result = ReadAll(*reader, report.AsInput());
    EXPECT_EQ(result.findings.size(), CountFindings(report.document));
    EXPECT_TRUE(result.rejected.empty()) << RejectedText(result);
    for (const Json& finding : result.findings) {
      EXPECT_TRUE(finding::ValidateFinding(finding).empty());
      EXPECT_EQ(finding.at("Id"), report.document.at("arn"));
      EXPECT_EQ(finding.at("AwsAccountId"), "123456789012");
      EXPECT_EQ(finding.at("ProductArn"), "arn:aws:securityhub:us-east-1::product/aws/guardduty");
      EXPECT_EQ(finding.at("Severity").at("Label"), "MEDIUM");  // severity 5
      EXPECT_EQ(finding.at("Severity").at("Normalized"), 50);
      EXPECT_EQ(finding.at("Severity").at("Original"), "5");
    }
  }
}

TEST(GuardDutyReader, Ec2FindingMapsInstanceNetworkAndAction) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const auto report = LoadReport(testing::FindingsDir() / "guardduty" / "ec2-finding.json");
  const ReadResult result = ReadAll(*MakeGuardDutyReader(), report.AsInput());
  ASSERT_EQ(result.findings.size(), 1u);
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding.at("GeneratorId"),
            "arn:aws:guardduty:us-east-1:123456789012:detector/3caf4e0aaa46ce4ccbcef949a8785353");
  EXPECT_EQ(finding.at("Types"), Json::array({"TTPs/Canary:EC2-Stateless.IntegTest"}));
  EXPECT_EQ(finding.at("FirstObservedAt"), "2017-10-31T23:16:23.000Z");
  EXPECT_EQ(finding.at("CreatedAt"), "2017-10-31T23:16:23.824Z");
  EXPECT_EQ(finding.at("RecordState"), "ACTIVE");

  const Json& resource = finding.at("Resources")[0];
  EXPECT_EQ(resource.at("Type"), "AwsEc2Instance");
  EXPECT_EQ(resource.at("Id"), "arn:aws:ec2:us-east-1:123456789012:instance/i-05746eb48123455e0");
  EXPECT_EQ(resource.at("Tags").at("Name"), "ssh-22-open");
  const Json& instance = resource.at("Details").at("AwsEc2Instance");
  EXPECT_EQ(instance.at("Type"), "t2.micro");
  EXPECT_EQ(instance.at("LaunchedAt"), "2017-04-21T00:47:55.000Z");  // launchTime in ms
  EXPECT_EQ(instance.at("VpcId"), "vpc-34865123");
  EXPECT_EQ(instance.at("IpV4Addresses"), Json::array({"0.0.0.0", "11.111.111.1"}));

  // OUTBOUND: the instance is the source and the remote host the destination.
  const Json& network = finding.at("Network");
  EXPECT_EQ(network.at("Direction"), "OUT");
  EXPECT_EQ(network.at("Protocol"), "TCP");
  EXPECT_EQ(network.at("DestinationIpV4"), "0.0.0.0");
  EXPECT_EQ(network.at("DestinationPort"), 22);
  EXPECT_EQ(network.at("SourcePort"), 2000);

  const Json& action = finding.at("Action");
  EXPECT_EQ(action.at("ActionType"), "NETWORK_CONNECTION");
  const Json& connection = action.at("NetworkConnectionAction");
  EXPECT_EQ(connection.at("ConnectionDirection"), "OUTBOUND");
  EXPECT_EQ(connection.at("Blocked"), false);
  EXPECT_EQ(connection.at("RemotePortDetails").at("PortName"), "SSH");
  EXPECT_EQ(connection.at("RemoteIpDetails").at("Organization").at("Asn"), -1);
  EXPECT_EQ(connection.at("RemoteIpDetails").at("Country").at("CountryName"), "United States");
  EXPECT_EQ(finding.at("ProductFields").at("aws/guardduty/service/action/actionType"),
            "NETWORK_CONNECTION");
}

TEST(GuardDutyReader, AccessKeyFindingMapsApiCall) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const auto report =
      LoadReport(testing::FindingsDir() / "guardduty" / "iam-accesskey-finding.json");
  const ReadResult result = ReadAll(*MakeGuardDutyReader(), report.AsInput());
  ASSERT_EQ(result.findings.size(), 1u);
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding.at("Types"),
            Json::array({"TTPs/Discovery/Recon:IAMUser-MaliciousIPCaller.Custom"}));
  ASSERT_EQ(finding.at("Resources").size(), 1u);
  const Json& resource = finding.at("Resources")[0];
  EXPECT_EQ(resource.at("Type"), "AwsIamAccessKey");
  EXPECT_EQ(resource.at("Id"), "AWS::IAM::AccessKey:GeneratedFindingAccessKeyId");
  EXPECT_EQ(resource.at("Details").at("AwsIamAccessKey").at("PrincipalName"),
            "GeneratedFindingUserName");
  const Json& call = finding.at("Action").at("AwsApiCallAction");
  EXPECT_EQ(call.at("Api"), "GeneratedFindingAPIName");
  EXPECT_EQ(call.at("CallerType"), "Remote IP");
  EXPECT_EQ(call.at("RemoteIpDetails").at("IpAddressV4"), "198.51.100.0");
  EXPECT_EQ(call.at("RemoteIpDetails").at("Organization").at("Asn"), -1);  // "-1" in the file
  EXPECT_EQ(finding.at("RecordState"), "ARCHIVED");  // service.archived is true
}

TEST(GuardDutyReader, S3FindingListsBucketsAndAccessKey) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const auto report = LoadReport(testing::FindingsDir() / "guardduty" / "s3-finding.json");
  const ReadResult result = ReadAll(*MakeGuardDutyReader(), report.AsInput());
  ASSERT_EQ(result.findings.size(), 1u);
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding.at("Types"), Json::array({"TTPs/PenTest:S3-ParrotLinux"}));
  const Json& resources = finding.at("Resources");
  ASSERT_EQ(resources.size(), 2u);
  EXPECT_EQ(resources[0].at("Type"), "AwsS3Bucket");
  EXPECT_EQ(resources[0].at("Id"), "arn:aws:s3:::bucketName");
  EXPECT_EQ(resources[0].at("Details").at("AwsS3Bucket").at("OwnerId"), "CanonicalId of Owner");
  EXPECT_EQ(resources[0].at("Details").at("AwsS3Bucket").at("CreatedAt"),
            "2017-12-18T15:58:11.551Z");
  EXPECT_EQ(resources[0].at("Tags").at("foo"), "bar");
  EXPECT_EQ(resources[1].at("Type"), "AwsIamAccessKey");
  EXPECT_EQ(finding.at("Action").at("AwsApiCallAction").at("AffectedResources"),
            Json({{"AWS::S3::Bucket", "GeneratedFindingS3Bucket"}}));
}

TEST(GuardDutyReader, SeverityBandsFollowGuardDutyLevels) {
  struct Case {
    double severity;
    std::string label;
    int normalized;
  };
  const Case cases[] = {{1.0, "LOW", 10},    {3.9, "LOW", 39},      {4.0, "MEDIUM", 40},
                        {5.3, "MEDIUM", 53}, {6.9, "MEDIUM", 69},   {7.0, "HIGH", 70},
                        {8.9, "HIGH", 89},   {9.0, "CRITICAL", 90}, {10.0, "CRITICAL", 100}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.severity);
    const ReadResult result = ReadJson(MinimalFinding(c.severity));
    ASSERT_EQ(result.findings.size(), 1u) << RejectedText(result);
    EXPECT_EQ(result.findings[0].at("Severity").at("Label"), c.label);
    EXPECT_EQ(result.findings[0].at("Severity").at("Normalized"), c.normalized);
  }
}

TEST(GuardDutyReader, InvalidSeverityIsRejected) {
  for (const Json& severity :
       {Json(12.5), Json("high"), Json(-1), Json(0), Json(0.9), Json(10.1)}) {
    Json finding = MinimalFinding(5);
    finding["severity"] = severity;
    const ReadResult result = ReadJson(Json::array({MinimalFinding(2), finding}));
    EXPECT_EQ(result.findings.size(), 1u);
    ASSERT_EQ(result.rejected.size(), 1u);
    EXPECT_EQ(result.rejected[0].path, "$[1]");
    EXPECT_NE(result.rejected[0].message.find("$[1].severity: " + severity.dump()),
              std::string::npos)
        << result.rejected[0].message;
    EXPECT_NE(result.rejected[0].message.find("expected a number from 1.0 to 10.0"),
              std::string::npos)
        << result.rejected[0].message;
  }
}

TEST(GuardDutyReader, EventBridgeEventIsUnwrapped) {
  const Json event = {{"version", "0"},
                      {"source", "aws.guardduty"},
                      {"detail-type", "GuardDuty Finding"},
                      {"account", "123456789012"},
                      {"detail", MinimalFinding(8)}};
  const auto report = ReportFromJson(event);
  const auto reader = MakeGuardDutyReader();
  ASSERT_TRUE(reader->Detect(report.AsInput()));
  const ReadResult result = ReadAll(*reader, report.AsInput());
  ASSERT_EQ(result.findings.size(), 1u);
  const Json& finding = result.findings[0];
  // Without an arn the Id is built the way GuardDuty writes finding ARNs.
  EXPECT_EQ(finding.at("Id"),
            "arn:aws:guardduty:eu-central-1:123456789012:detector/d0d0/finding/"
            "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(finding.at("ProductArn"), "arn:aws:securityhub:eu-central-1::product/aws/guardduty");
  EXPECT_EQ(finding.at("Types"),
            Json::array({"TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce"}));
  EXPECT_EQ(finding.at("UpdatedAt"), "2024-05-02T11:30:00.000Z");
  EXPECT_EQ(finding.at("Severity").at("Label"), "HIGH");
}

TEST(GuardDutyReader, PlaceholderAccountFallsBackToConfiguredOne) {
  Json finding = MinimalFinding(2);
  finding["accountId"] = "<account_id>";
  finding["region"] = "<region>";
  const ReadResult result = ReadJson(finding);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].at("AwsAccountId"), "111122223333");
  EXPECT_EQ(result.findings[0].at("Region"), "eu-west-1");
}

TEST(GuardDutyReader, InboundConnectionHasRemoteSource) {
  Json finding = MinimalFinding(2);
  finding["service"]["action"] = {{"actionType", "NETWORK_CONNECTION"},
                                  {"networkConnectionAction",
                                   {{"connectionDirection", "INBOUND"},
                                    {"protocol", "TCP"},
                                    {"remoteIpDetails", {{"ipAddressV4", "203.0.113.9"}}},
                                    {"localIpDetails", {{"ipAddressV4", "10.0.0.5"}}},
                                    {"remotePortDetails", {{"port", 51000}}},
                                    {"localPortDetails", {{"port", 22}, {"portName", "SSH"}}}}}};
  const ReadResult result = ReadJson(finding);
  ASSERT_EQ(result.findings.size(), 1u);
  const Json& network = result.findings[0].at("Network");
  EXPECT_EQ(network.at("Direction"), "IN");
  EXPECT_EQ(network.at("SourceIpV4"), "203.0.113.9");
  EXPECT_EQ(network.at("SourcePort"), 51000);
  EXPECT_EQ(network.at("DestinationIpV4"), "10.0.0.5");
  EXPECT_EQ(network.at("DestinationPort"), 22);
}

TEST(GuardDutyReader, DnsRequestAndPortProbeActions) {
  Json dns = MinimalFinding(8);
  dns["type"] = "Backdoor:EC2/C&CActivity.B!DNS";
  dns["service"]["action"] = {
      {"actionType", "DNS_REQUEST"},
      {"dnsRequestAction",
       {{"domain", "evil.example.com"}, {"protocol", "UDP"}, {"blocked", true}}}};
  Json probe = MinimalFinding(2);
  probe["type"] = "Recon:EC2/PortProbeUnprotectedPort";
  probe["id"] = "fedcba9876543210fedcba9876543210";
  probe["service"]["action"] = {{"actionType", "PORT_PROBE"},
                                {"portProbeAction",
                                 {{"blocked", false},
                                  {"portProbeDetails",
                                   {{{"localPortDetails", {{"port", 3389}, {"portName", "RDP"}}},
                                     {"remoteIpDetails", {{"ipAddressV4", "198.51.100.7"}}}}}}}}};
  const ReadResult result = ReadJson({{"findings", {dns, probe}}});
  ASSERT_EQ(result.findings.size(), 2u) << RejectedText(result);
  const Json& dns_finding = result.findings[0];
  EXPECT_EQ(dns_finding.at("Types"),
            Json::array({"TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS"}));
  EXPECT_EQ(dns_finding.at("Action").at("DnsRequestAction").at("Domain"), "evil.example.com");
  EXPECT_EQ(dns_finding.at("Network").at("DestinationDomain"), "evil.example.com");
  const Json& probe_finding = result.findings[1];
  EXPECT_EQ(probe_finding.at("Types"),
            Json::array({"TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort"}));
  const Json& detail = probe_finding.at("Action").at("PortProbeAction").at("PortProbeDetails")[0];
  EXPECT_EQ(detail.at("LocalPortDetails").at("Port"), 3389);
  EXPECT_EQ(detail.at("RemoteIpDetails").at("IpAddressV4"), "198.51.100.7");
}

TEST(GuardDutyReader, UnknownResourceTypeBecomesAccount) {
  Json finding = MinimalFinding(5);
  finding["resource"] = {{"resourceType", "SomethingNew"}};
  const ReadResult result = ReadJson(finding);
  ASSERT_EQ(result.findings.size(), 1u);
  const Json& resource = result.findings[0].at("Resources")[0];
  EXPECT_EQ(resource.at("Type"), "AwsAccount");
  EXPECT_EQ(resource.at("Id"), "AWS::::Account:123456789012");
  EXPECT_EQ(resource.at("Details").at("Other").at("GuardDutyResourceType"), "SomethingNew");
}

TEST(GuardDutyReader, OtherDocumentsAreNotGuardDuty) {
  const auto reader = MakeGuardDutyReader();
  const auto asff = ReportFromJson({{"SchemaVersion", "2018-10-08"}, {"Id", "x"}});
  EXPECT_FALSE(reader->Detect(asff.AsInput()));
  const auto inspector =
      ReportFromJson({{"detail-type", "Inspector2 Finding"}, {"detail", {{"findingArn", "arn"}}}});
  EXPECT_FALSE(reader->Detect(inspector.AsInput()));
  ReadResult result;
  EXPECT_FALSE(reader->Read(asff.AsInput(), testing::TestOptions(), result).ok());
}

// Pairs from the table "Interpreting GuardDuty finding names in AWS Security Hub CSPM" in
// the GuardDuty User Guide.
TEST(GuardDutyTypes, MatchSecurityHubNames) {
  const std::pair<std::string, std::string> cases[] = {
      {"Backdoor:EC2/DenialOfService.Tcp",
       "TTPs/Command and Control/Backdoor:EC2-DenialOfService.Tcp"},
      {"Behavior:EC2/NetworkPortUnusual", "Unusual Behaviors/VM/Behavior:EC2-NetworkPortUnusual"},
      {"CredentialAccess:IAMUser/AnomalousBehavior",
       "TTPs/Credential Access/IAMUser-AnomalousBehavior"},
      {"CredentialAccess:Kubernetes/MaliciousIPCaller",
       "TTPs/CredentialAccess/CredentialAccess:Kubernetes-MaliciousIPCaller"},
      {"CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed",
       "TTPs/AnomalousBehavior/CredentialAccess:Kubernetes-SecretsAccessed"},
      {"CredentialAccess:RDS/AnomalousBehavior.FailedLogin",
       "TTPs/Credential Access/CredentialAccess:RDS-AnomalousBehavior.FailedLogin"},
      {"CryptoCurrency:EC2/BitcoinTool.B!DNS",
       "TTPs/Command and Control/CryptoCurrency:EC2-BitcoinTool.B!DNS"},
      {"DefenseEvasion:EC2/UnusualDoHActivity", "TTPs/DefenseEvasion/EC2:Unusual-DoH-Activity"},
      {"DefenseEvasion:Runtime/FilelessExecution",
       "TTPs/Defense Evasion/DefenseEvasion:Runtime-FilelessExecution"},
      {"Discovery:RDS/TorIPCaller", "TTPs/Discovery/RDS-TorIPCaller"},
      {"Discovery:S3/MaliciousIPCaller", "TTPs/Discovery:S3-MaliciousIPCaller"},
      {"Execution:Kubernetes/ExecInKubeSystemPod",
       "TTPs/Execution/Execution:Kubernetes-ExecInKubeSystemPod"},
      {"Execution:S3/MaliciousFile!RecoveryPoint",
       "TTPs/Execution/Execution:S3-MaliciousFile!RecoveryPoint"},
      {"Exfiltration:S3/AnomalousBehavior", "TTPs/Exfiltration:S3-AnomalousBehavior"},
      {"Impact:EC2/PortSweep", "TTPs/Impact/Impact:EC2-PortSweep"},
      {"Impact:EC2/BitcoinDomainRequest.Reputation",
       "TTPs/Impact:EC2-BitcoinDomainRequest.Reputation"},
      {"InitialAccess:IAMUser/AnomalousBehavior", "TTPs/Initial Access/IAMUser-AnomalousBehavior"},
      {"Object:S3/MaliciousFile", "TTPs/Object/Object:S3-MaliciousFile"},
      {"PenTest:IAMUser/KaliLinux", "TTPs/PenTest:IAMUser/KaliLinux"},
      {"PenTest:S3/KaliLinux", "TTPs/PenTest:S3-KaliLinux"},
      {"Persistence:Kubernetes/AnomalousBehavior.WorkloadDeployed!ContainerWithSensitiveMount",
       "TTPs/AnomalousBehavior/"
       "Persistence:Kubernetes-WorkloadDeployed!ContainerWithSensitiveMount"},
      {"Policy:IAMUser/RootCredentialUsage", "TTPs/Policy:IAMUser-RootCredentialUsage"},
      {"Policy:Kubernetes/ExposedDashboard",
       "Software and Configuration Checks/AWS Security Best Practices/"
       "Policy:Kubernetes-ExposedDashboard"},
      {"Policy:S3/BucketBlockPublicAccessDisabled",
       "Effects/Data Exposure/Policy:S3-BucketBlockPublicAccessDisabled"},
      {"PrivilegeEscalation:Runtime/DockerSocketAccessed",
       "TTPs/Privilege Escalation/PrivilegeEscalation:Runtime-DockerSocketAccessed"},
      {"Recon:EC2/Portscan", "TTPs/Discovery/Recon:EC2-Portscan"},
      {"ResourceConsumption:IAMUser/ComputeResources",
       "Unusual Behaviors/User/ResourceConsumption:IAMUser-ComputeResources"},
      {"Stealth:S3/ServerAccessLoggingDisabled",
       "TTPs/Defense Evasion/Stealth:S3-ServerAccessLoggingDisabled"},
      {"Trojan:EC2/DropPoint!DNS", "Effects/Data Exfiltration/Trojan:EC2-DropPoint!DNS"},
      {"Trojan:Runtime/DriveBySourceTraffic!DNS",
       "TTPs/Initial Access/Trojan:Runtime-DriveBySourceTraffic!DNS"},
      {"UnauthorizedAccess:EC2/TorRelay",
       "Effects/Resource Consumption/UnauthorizedAccess:EC2-TorRelay"},
      {"UnauthorizedAccess:EC2/RDPBruteForce",
       "TTPs/Initial Access/UnauthorizedAccess:EC2-RDPBruteForce"},
      {"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
       "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration."
       "OutsideAWS"},
      {"UnauthorizedAccess:IAMUser/MaliciousIPCaller",
       "TTPs/UnauthorizedAccess:IAMUser-MaliciousIPCaller"},
      {"UnauthorizedAccess:IAMUser/TorIPCaller",
       "TTPs/Command and Control/UnauthorizedAccess:IAMUser-TorIPCaller"},
      {"UnauthorizedAccess:S3/TorIPCaller", "TTPs/UnauthorizedAccess:S3-TorIPCaller"},
      {"AttackSequence:IAM/CompromisedCredentials",
       "TTPs/AttackSequence:IAM/CompromisedCredentials"},
  };
  for (const auto& [guardduty_type, asff_type] : cases) {
    EXPECT_EQ(detail::AsffTypesForGuardDutyType(guardduty_type),
              std::vector<std::string>{asff_type})
        << guardduty_type;
  }
  EXPECT_EQ(detail::AsffTypesForGuardDutyType("CryptoCurrency:Lambda/BitcoinTool.B"),
            (std::vector<std::string>{
                "TTPs/Command and Control/CryptoCurrency:Lambda-BitcoinTool.B",
                "Effects/Resource Consumption/CryptoCurrency:Lambda-BitcoinTool.B"}));
  EXPECT_EQ(detail::AsffTypesForGuardDutyType("no colon"),
            std::vector<std::string>{"TTPs/no colon"});
}

}  // namespace
}  // namespace rampart::ingest
