#include "posture/asff.h"

#include <fmt/format.h>

#include "finding/validate.h"

namespace rampart::posture {
namespace {

constexpr std::size_t kMaxDescription = 1024;
constexpr std::size_t kMaxRecommendation = 512;
constexpr std::size_t kMaxProductFieldValue = 2048;
constexpr std::string_view kTypePrefix =
    "Software and Configuration Checks/Industry and "
    "Regulatory Standards";

std::string Truncate(std::string text, std::size_t limit) {
  if (text.size() <= limit) {
    return text;
  }
  text.resize(limit - 3);
  // Keeps UTF-8 valid: drop continuation bytes left without their lead byte.
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) {
    text.pop_back();
  }
  if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80) != 0) {
    text.pop_back();
  }
  return text + "...";
}

Json FindingTypes(const Check& check) {
  bool pss = false;
  bool cis = false;
  bool pci = false;
  for (std::string_view text : check.requirements) {
    const auto requirement = ParseRequirement(text);
    if (!requirement) {
      continue;
    }
    pss = pss || requirement->standard == Standard::kPssBaseline ||
          requirement->standard == Standard::kPssRestricted;
    cis = cis || requirement->standard == Standard::kCisKubernetes ||
          requirement->standard == Standard::kCisEks;
    pci = pci || requirement->standard == Standard::kPciDss;
  }
  Json types = Json::array();
  if (pss) {
    types.push_back(std::string(kTypePrefix) + "/Kubernetes Pod Security Standards");
  }
  if (cis) {
    types.push_back(std::string(kTypePrefix) + "/CIS Host Hardening Benchmarks");
  }
  if (pci) {
    types.push_back(std::string(kTypePrefix) + "/PCI-DSS Controls");
  }
  if (types.empty()) {
    types.push_back("Software and Configuration Checks/Kubernetes Security Best Practices");
  }
  return types;
}

Json ResourceDetails(const CheckResult& result) {
  const Subject& subject = *result.subject;
  Json other = {{"Kind", subject.kind}, {"Name", subject.name}};
  if (!subject.namespace_name.empty()) {
    other["Namespace"] = subject.namespace_name;
  }
  const ManifestObject* object = subject.object;
  if (object != nullptr) {
    other["File"] = object->file;
    other["Line"] = std::to_string(object->line);
    other["Document"] = std::to_string(object->document);
    if (object->kind == subject.kind) {
      other["ApiVersion"] = object->api_version;
    }
    if (!object->list_path.empty()) {
      other["ListPath"] = object->list_path;
    }
    if (!object->helm_source.empty()) {
      other["HelmSource"] = object->helm_source;
    }
  }
  return other;
}

Json ProductFields(const CheckResult& result, const FindingOptions& options) {
  const Check& check = *result.check;
  Json fields = {{"rampart/posture/CheckId", std::string(check.id)},
                 {"rampart/posture/Fix", std::string(FixKindName(check.fix))}};
  if (!options.source.empty() && options.source.size() <= kMaxProductFieldValue) {
    fields[std::string(kSourceField)] = options.source;
  }
  const ManifestObject* object = result.subject->object;
  if (object != nullptr) {
    fields["rampart/posture/File"] = object->file;
    const std::uint32_t line = result.outcome.line != 0 ? result.outcome.line : object->line;
    fields["rampart/posture/Line"] = std::to_string(line);
  }
  if (!result.outcome.patches.empty()) {
    Json patches = Json::array();
    for (const FieldPatch& patch : result.outcome.patches) {
      patches.push_back(patch.ToJson());
    }
    fields["rampart/posture/FieldPatches"] = patches.dump();
  }
  return fields;
}

}  // namespace

std::string PostureProductArn(const FindingOptions& options) {
  return fmt::format("arn:{}:securityhub:{}::product/rampart/posture", options.partition,
                     options.region);
}

std::string PostureFindingId(const Check& check, const std::string& resource_id) {
  return fmt::format("rampart/posture/{}/{}", check.id, resource_id);
}

Json ToAsffFinding(const CheckResult& result, const FindingOptions& options) {
  const Check& check = *result.check;
  const bool passed = result.outcome.passed;
  const std::string now = FormatTimestamp(options.clock->Now());
  const std::string severity(finding::LabelName(check.severity));

  Json requirements = Json::array();
  for (std::string_view requirement : check.requirements) {
    requirements.push_back(std::string(requirement));
  }
  Json compliance = {{"Status", passed ? "PASSED" : "FAILED"},
                     {"SecurityControlId", std::string(check.id)}};
  if (!requirements.empty()) {
    compliance["RelatedRequirements"] = requirements;
  }

  Json finding = {
      {"SchemaVersion", "2018-10-08"},
      {"Id", PostureFindingId(check, result.subject->resource_id)},
      {"ProductArn", PostureProductArn(options)},
      {"ProductName", "Posture"},
      {"CompanyName", "Rampart"},
      {"GeneratorId", fmt::format("rampart-posture/{}", check.id)},
      {"AwsAccountId", options.aws_account_id},
      {"Types", FindingTypes(check)},
      {"CreatedAt", now},
      {"UpdatedAt", now},
      {"Severity", {{"Label", passed ? "INFORMATIONAL" : severity}, {"Original", severity}}},
      {"Title", std::string(check.title)},
      {"Description", Truncate(fmt::format("{} {}: {}", result.subject->kind,
                                           result.subject->resource_id, result.outcome.detail),
                               kMaxDescription)},
      {"Remediation",
       {{"Recommendation",
         {{"Text", Truncate(std::string(check.remediation), kMaxRecommendation)}}}}},
      {"ProductFields", ProductFields(result, options)},
      {"Resources", Json::array({{{"Type", "Other"},
                                  {"Id", result.subject->resource_id},
                                  {"Partition", options.partition},
                                  {"Region", options.region},
                                  {"Details", {{"Other", ResourceDetails(result)}}}}})},
      {"Compliance", compliance},
  };
  finding::Normalize(finding);
  return finding;
}

std::vector<Json> ToAsffFindings(const ScanReport& report, const FindingOptions& options) {
  std::vector<Json> findings;
  findings.reserve(report.results.size());
  for (const CheckResult& result : report.results) {
    findings.push_back(ToAsffFinding(result, options));
  }
  return findings;
}

}  // namespace rampart::posture
