#include "store/filter_fields.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace rampart::store {
namespace {

using K = FieldKind;
using S = FieldStorage;

// Security Hub's AwsSecurityFindingFilters members (API version 2018-10-26), then Rampart's
// additions. The deprecated Keyword filter is left out on purpose.
constexpr FieldSpec kFields[] = {
    {"ProductArn", K::kString, S::kColumn, "ProductArn", "product_arn"},
    {"AwsAccountId", K::kString, S::kColumn, "AwsAccountId", "aws_account_id"},
    {"AwsAccountName", K::kString, S::kDocument, "AwsAccountName", ""},
    {"Id", K::kString, S::kColumn, "Id", "id"},
    {"GeneratorId", K::kString, S::kColumn, "GeneratorId", "generator_id"},
    {"Region", K::kString, S::kDocument, "Region", ""},
    {"Type", K::kString, S::kDocument, "Types[]", ""},
    {"FirstObservedAt", K::kDate, S::kDocument, "FirstObservedAt", ""},
    {"LastObservedAt", K::kDate, S::kDocument, "LastObservedAt", ""},
    {"CreatedAt", K::kDate, S::kColumn, "CreatedAt", "created_at"},
    {"UpdatedAt", K::kDate, S::kColumn, "UpdatedAt", "updated_at"},
    {"SeverityProduct", K::kNumber, S::kDocument, "Severity.Product", ""},
    {"SeverityNormalized", K::kNumber, S::kColumn, "Severity.Normalized", "severity_normalized"},
    {"SeverityLabel", K::kString, S::kColumn, "Severity.Label", "severity_label"},
    {"Confidence", K::kNumber, S::kDocument, "Confidence", ""},
    {"Criticality", K::kNumber, S::kDocument, "Criticality", ""},
    {"Title", K::kString, S::kDocument, "Title", ""},
    {"Description", K::kString, S::kDocument, "Description", ""},
    {"RecommendationText", K::kString, S::kDocument, "Remediation.Recommendation.Text", ""},
    {"SourceUrl", K::kString, S::kDocument, "SourceUrl", ""},
    {"ProductFields", K::kMap, S::kDocument, "ProductFields", ""},
    {"ProductName", K::kString, S::kDocument, "ProductName", ""},
    {"CompanyName", K::kString, S::kDocument, "CompanyName", ""},
    {"UserDefinedFields", K::kMap, S::kDocument, "UserDefinedFields", ""},
    {"MalwareName", K::kString, S::kDocument, "Malware[].Name", ""},
    {"MalwareType", K::kString, S::kDocument, "Malware[].Type", ""},
    {"MalwarePath", K::kString, S::kDocument, "Malware[].Path", ""},
    {"MalwareState", K::kString, S::kDocument, "Malware[].State", ""},
    {"NetworkDirection", K::kString, S::kDocument, "Network.Direction", ""},
    {"NetworkProtocol", K::kString, S::kDocument, "Network.Protocol", ""},
    {"NetworkSourceIpV4", K::kIp, S::kDocument, "Network.SourceIpV4", ""},
    {"NetworkSourceIpV6", K::kIp, S::kDocument, "Network.SourceIpV6", ""},
    {"NetworkSourcePort", K::kNumber, S::kDocument, "Network.SourcePort", ""},
    {"NetworkSourceDomain", K::kString, S::kDocument, "Network.SourceDomain", ""},
    {"NetworkSourceMac", K::kString, S::kDocument, "Network.SourceMac", ""},
    {"NetworkDestinationIpV4", K::kIp, S::kDocument, "Network.DestinationIpV4", ""},
    {"NetworkDestinationIpV6", K::kIp, S::kDocument, "Network.DestinationIpV6", ""},
    {"NetworkDestinationPort", K::kNumber, S::kDocument, "Network.DestinationPort", ""},
    {"NetworkDestinationDomain", K::kString, S::kDocument, "Network.DestinationDomain", ""},
    {"ProcessName", K::kString, S::kDocument, "Process.Name", ""},
    {"ProcessPath", K::kString, S::kDocument, "Process.Path", ""},
    {"ProcessPid", K::kNumber, S::kDocument, "Process.Pid", ""},
    {"ProcessParentPid", K::kNumber, S::kDocument, "Process.ParentPid", ""},
    {"ProcessLaunchedAt", K::kDate, S::kDocument, "Process.LaunchedAt", ""},
    {"ProcessTerminatedAt", K::kDate, S::kDocument, "Process.TerminatedAt", ""},
    {"ThreatIntelIndicatorType", K::kString, S::kDocument, "ThreatIntelIndicators[].Type", ""},
    {"ThreatIntelIndicatorValue", K::kString, S::kDocument, "ThreatIntelIndicators[].Value", ""},
    {"ThreatIntelIndicatorCategory", K::kString, S::kDocument, "ThreatIntelIndicators[].Category",
     ""},
    {"ThreatIntelIndicatorLastObservedAt", K::kDate, S::kDocument,
     "ThreatIntelIndicators[].LastObservedAt", ""},
    {"ThreatIntelIndicatorSource", K::kString, S::kDocument, "ThreatIntelIndicators[].Source", ""},
    {"ThreatIntelIndicatorSourceUrl", K::kString, S::kDocument, "ThreatIntelIndicators[].SourceUrl",
     ""},
    {"ResourceType", K::kString, S::kResourceTable, "Resources[].Type", "type"},
    {"ResourceId", K::kString, S::kResourceTable, "Resources[].Id", "id"},
    {"ResourcePartition", K::kString, S::kDocument, "Resources[].Partition", ""},
    {"ResourceRegion", K::kString, S::kDocument, "Resources[].Region", ""},
    {"ResourceTags", K::kMap, S::kDocument, "Resources[].Tags", ""},
    {"ResourceAwsEc2InstanceType", K::kString, S::kDocument,
     "Resources[].Details.AwsEc2Instance.Type", ""},
    {"ResourceAwsEc2InstanceImageId", K::kString, S::kDocument,
     "Resources[].Details.AwsEc2Instance.ImageId", ""},
    {"ResourceAwsEc2InstanceIpV4Addresses", K::kIp, S::kDocument,
     "Resources[].Details.AwsEc2Instance.IpV4Addresses[]", ""},
    {"ResourceAwsEc2InstanceIpV6Addresses", K::kIp, S::kDocument,
     "Resources[].Details.AwsEc2Instance.IpV6Addresses[]", ""},
    {"ResourceAwsEc2InstanceKeyName", K::kString, S::kDocument,
     "Resources[].Details.AwsEc2Instance.KeyName", ""},
    {"ResourceAwsEc2InstanceIamInstanceProfileArn", K::kString, S::kDocument,
     "Resources[].Details.AwsEc2Instance.IamInstanceProfileArn", ""},
    {"ResourceAwsEc2InstanceVpcId", K::kString, S::kDocument,
     "Resources[].Details.AwsEc2Instance.VpcId", ""},
    {"ResourceAwsEc2InstanceSubnetId", K::kString, S::kDocument,
     "Resources[].Details.AwsEc2Instance.SubnetId", ""},
    {"ResourceAwsEc2InstanceLaunchedAt", K::kDate, S::kDocument,
     "Resources[].Details.AwsEc2Instance.LaunchedAt", ""},
    {"ResourceAwsS3BucketOwnerId", K::kString, S::kDocument,
     "Resources[].Details.AwsS3Bucket.OwnerId", ""},
    {"ResourceAwsS3BucketOwnerName", K::kString, S::kDocument,
     "Resources[].Details.AwsS3Bucket.OwnerName", ""},
    {"ResourceAwsIamAccessKeyUserName", K::kString, S::kDocument,
     "Resources[].Details.AwsIamAccessKey.UserName", ""},
    {"ResourceAwsIamAccessKeyPrincipalName", K::kString, S::kDocument,
     "Resources[].Details.AwsIamAccessKey.PrincipalName", ""},
    {"ResourceAwsIamAccessKeyStatus", K::kString, S::kDocument,
     "Resources[].Details.AwsIamAccessKey.Status", ""},
    {"ResourceAwsIamAccessKeyCreatedAt", K::kDate, S::kDocument,
     "Resources[].Details.AwsIamAccessKey.CreatedAt", ""},
    {"ResourceAwsIamUserUserName", K::kString, S::kDocument,
     "Resources[].Details.AwsIamUser.UserName", ""},
    {"ResourceContainerName", K::kString, S::kDocument, "Resources[].Details.Container.Name", ""},
    {"ResourceContainerImageId", K::kString, S::kDocument, "Resources[].Details.Container.ImageId",
     ""},
    {"ResourceContainerImageName", K::kString, S::kDocument,
     "Resources[].Details.Container.ImageName", ""},
    {"ResourceContainerLaunchedAt", K::kDate, S::kDocument,
     "Resources[].Details.Container.LaunchedAt", ""},
    {"ResourceDetailsOther", K::kMap, S::kDocument, "Resources[].Details.Other", ""},
    {"ResourceApplicationArn", K::kString, S::kDocument, "Resources[].ApplicationArn", ""},
    {"ResourceApplicationName", K::kString, S::kDocument, "Resources[].ApplicationName", ""},
    {"ComplianceStatus", K::kString, S::kColumn, "Compliance.Status", "compliance_status"},
    {"ComplianceSecurityControlId", K::kString, S::kDocument, "Compliance.SecurityControlId", ""},
    {"ComplianceAssociatedStandardsId", K::kString, S::kDocument,
     "Compliance.AssociatedStandards[].StandardsId", ""},
    {"ComplianceSecurityControlParametersName", K::kString, S::kDocument,
     "Compliance.SecurityControlParameters[].Name", ""},
    {"ComplianceSecurityControlParametersValue", K::kString, S::kDocument,
     "Compliance.SecurityControlParameters[].Value[]", ""},
    {"VerificationState", K::kString, S::kDocument, "VerificationState", ""},
    {"WorkflowState", K::kString, S::kDocument, "WorkflowState", ""},
    {"WorkflowStatus", K::kString, S::kColumn, "Workflow.Status", "workflow_status"},
    {"RecordState", K::kString, S::kColumn, "RecordState", "record_state"},
    {"RelatedFindingsProductArn", K::kString, S::kDocument, "RelatedFindings[].ProductArn", ""},
    {"RelatedFindingsId", K::kString, S::kDocument, "RelatedFindings[].Id", ""},
    {"NoteText", K::kString, S::kDocument, "Note.Text", ""},
    {"NoteUpdatedAt", K::kDate, S::kDocument, "Note.UpdatedAt", ""},
    {"NoteUpdatedBy", K::kString, S::kDocument, "Note.UpdatedBy", ""},
    {"FindingProviderFieldsConfidence", K::kNumber, S::kDocument,
     "FindingProviderFields.Confidence", ""},
    {"FindingProviderFieldsCriticality", K::kNumber, S::kDocument,
     "FindingProviderFields.Criticality", ""},
    {"FindingProviderFieldsRelatedFindingsId", K::kString, S::kDocument,
     "FindingProviderFields.RelatedFindings[].Id", ""},
    {"FindingProviderFieldsRelatedFindingsProductArn", K::kString, S::kDocument,
     "FindingProviderFields.RelatedFindings[].ProductArn", ""},
    {"FindingProviderFieldsSeverityLabel", K::kString, S::kDocument,
     "FindingProviderFields.Severity.Label", ""},
    {"FindingProviderFieldsSeverityOriginal", K::kString, S::kDocument,
     "FindingProviderFields.Severity.Original", ""},
    {"FindingProviderFieldsTypes", K::kString, S::kDocument, "FindingProviderFields.Types[]", ""},
    {"Sample", K::kBoolean, S::kDocument, "Sample", ""},
    {"VulnerabilitiesExploitAvailable", K::kString, S::kDocument,
     "Vulnerabilities[].ExploitAvailable", ""},
    {"VulnerabilitiesFixAvailable", K::kString, S::kDocument, "Vulnerabilities[].FixAvailable", ""},
    // Rampart's additions: the CVE or advisory id, and the vulnerable package names.
    {"VulnerabilitiesId", K::kString, S::kVulnerabilityTable, "Vulnerabilities[].Id",
     "vulnerability_id"},
    {"VulnerabilitiesVulnerablePackagesName", K::kString, S::kDocument,
     "Vulnerabilities[].VulnerablePackages[].Name", ""},
};

// Levenshtein distance, case-insensitive, for field name suggestions.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    previous[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      current[j] =
          std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (same ? 0 : 1)});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::span<const FieldSpec> AllFields() { return kFields; }

const FieldSpec* FindField(std::string_view name) {
  for (const FieldSpec& field : kFields) {
    if (field.name == name) {
      return &field;
    }
  }
  return nullptr;
}

std::string_view SuggestField(std::string_view name) {
  std::string_view best;
  std::size_t best_distance = name.size() / 3 + 2;
  for (const FieldSpec& field : kFields) {
    const std::size_t distance = EditDistance(name, field.name);
    if (distance < best_distance) {
      best = field.name;
      best_distance = distance;
    }
  }
  return best;
}

std::string_view FieldKindName(FieldKind kind) {
  switch (kind) {
    case FieldKind::kString:
      return "string";
    case FieldKind::kNumber:
      return "number";
    case FieldKind::kDate:
      return "date";
    case FieldKind::kMap:
      return "map";
    case FieldKind::kIp:
      return "IP";
    case FieldKind::kBoolean:
      return "boolean";
  }
  return "string";
}

bool IsMultiValued(const FieldSpec& field) {
  return field.path.find("[]") != std::string_view::npos;
}

SplitPath SplitAtArrays(std::string_view path) {
  SplitPath split;
  for (auto marker = path.find("[]"); marker != std::string_view::npos; marker = path.find("[]")) {
    split.arrays.emplace_back(path.substr(0, marker));
    path.remove_prefix(marker + 2);
    if (!path.empty() && path.front() == '.') {
      path.remove_prefix(1);
    }
  }
  split.tail = std::string(path);
  return split;
}

std::string FirstValuePath(std::string_view path, std::string_view first_element) {
  std::string first(path);
  for (auto marker = first.find("[]"); marker != std::string::npos; marker = first.find("[]")) {
    first.replace(marker, 2, first_element);
  }
  return first;
}

}  // namespace rampart::store
