#include "ingest/inspector_details.h"

#include <array>
#include <cstdio>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "ingest/field_mapping.h"

namespace rampart::ingest::detail {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Parses "Wed Sep 04 16:59:44.356 UTC 2024": weekday, month, day, time, zone, year.
std::optional<std::string> EventBridgeTimestamp(std::string_view text) {
  std::array<std::string_view, 6> parts;
  std::size_t count = 0;
  while (!text.empty() && count < parts.size()) {
    const auto space = text.find(' ');
    parts[count++] = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  }
  if (count != parts.size() || !text.empty() || parts[4] != "UTC" || parts[2].size() != 2 ||
      parts[5].size() != 4) {
    return std::nullopt;
  }
  for (std::size_t month = 0; month < kMonths.size(); ++month) {
    if (kMonths[month] == parts[1]) {
      return NormalizeTimestamp(
          fmt::format("{}-{:02}-{}T{}Z", parts[5], month + 1, parts[2], parts[3]));
    }
  }
  return std::nullopt;
}

// Parses "Mar 20, 2023, 6:08:05 PM", the form of Inspector's finding events, as UTC.
std::optional<std::string> ConsoleTimestamp(std::string_view text) {
  unsigned day = 0;
  unsigned year = 0;
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
  char month[4] = {};
  char half[3] = {};
  int used = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%3s %u, %u, %u:%2u:%2u %2s%n", month, &day, &year, &hour, &minute,
                  &second, half, &used) != 7 ||
      static_cast<std::size_t>(used) != copy.size() || hour < 1 || hour > 12) {
    return std::nullopt;
  }
  const std::string_view meridiem(half);
  if (meridiem != "AM" && meridiem != "PM") {
    return std::nullopt;
  }
  hour = hour % 12 + (meridiem == "PM" ? 12 : 0);
  for (std::size_t index = 0; index < kMonths.size(); ++index) {
    if (kMonths[index] == month) {
      return NormalizeTimestamp(fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, index + 1,
                                            day, hour, minute, second));
    }
  }
  return std::nullopt;
}

Json StringArray(const Json* values) {
  Json out = Json::array();
  if (values != nullptr && values->is_array()) {
    for (const Json& value : *values) {
      if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
        out.push_back(value);
      }
    }
  }
  return out;
}

void SetIfAny(Json& object, std::string_view key, Json values) {
  if (!values.empty()) {
    object[std::string(key)] = std::move(values);
  }
}

void SetTimestamp(Json& object, std::string_view key, const Json& from, std::string_view from_key) {
  if (const Json* value = Member(from, from_key)) {
    if (auto timestamp = InspectorTimestamp(*value)) {
      object[std::string(key)] = *timestamp;
    }
  }
}

Json Ec2Details(const Json& instance) {
  Json details = Json::object();
  SetIfNotEmpty(details, "Type", StringMember(instance, "type"));
  SetIfNotEmpty(details, "ImageId", StringMember(instance, "imageId"));
  SetIfNotEmpty(details, "VpcId", StringMember(instance, "vpcId"));
  SetIfNotEmpty(details, "SubnetId", StringMember(instance, "subnetId"));
  SetIfNotEmpty(details, "IamInstanceProfileArn", StringMember(instance, "iamInstanceProfileArn"));
  SetIfAny(details, "IpV4Addresses", StringArray(Member(instance, "ipV4Addresses")));
  SetIfAny(details, "IpV6Addresses", StringArray(Member(instance, "ipV6Addresses")));
  SetTimestamp(details, "LaunchedAt", instance, "launchedAt");
  return details;
}

Json EcrImageDetails(const Json& image) {
  Json details = Json::object();
  SetIfNotEmpty(details, "RegistryId", StringMember(image, "registry"));
  SetIfNotEmpty(details, "RepositoryName", StringMember(image, "repositoryName"));
  SetIfNotEmpty(details, "Architecture", StringMember(image, "architecture"));
  SetIfNotEmpty(details, "ImageDigest", StringMember(image, "imageHash"));
  SetIfAny(details, "ImageTags", StringArray(Member(image, "imageTags")));
  SetTimestamp(details, "ImagePublishedAt", image, "pushedAt");
  return details;
}

Json LambdaDetails(const Json& function) {
  Json details = Json::object();
  SetIfNotEmpty(details, "FunctionName", StringMember(function, "functionName"));
  SetIfNotEmpty(details, "Runtime", StringMember(function, "runtime"));
  SetIfNotEmpty(details, "Version", StringMember(function, "version"));
  SetIfNotEmpty(details, "Role", StringMember(function, "executionRoleArn"));
  SetTimestamp(details, "LastModified", function, "lastModifiedAt");
  return details;
}

// The ASFF resource type of an Inspector resource type, and how to convert its details.
struct ResourceKind {
  std::string_view inspector_type;
  std::string_view asff_type;
  std::string_view details_key;  // the member of Inspector's resource.details
  Json (*convert)(const Json&);
};

constexpr std::array<ResourceKind, 4> kKinds{{
    {"AWS_EC2_INSTANCE", "AwsEc2Instance", "awsEc2Instance", Ec2Details},
    {"AWS_ECR_CONTAINER_IMAGE", "AwsEcrContainerImage", "awsEcrContainerImage", EcrImageDetails},
    {"AWS_ECR_REPOSITORY", "AwsEcrRepository", "", nullptr},
    {"AWS_LAMBDA_FUNCTION", "AwsLambdaFunction", "awsLambdaFunction", LambdaDetails},
}};

Json Resource(const Json& resource, const std::string& account) {
  const std::string_view type = StringMember(resource, "type");
  const std::string_view id = StringMember(resource, "id");
  const std::string_view partition = StringMember(resource, "partition");
  const std::string_view region = StringMember(resource, "region");

  const ResourceKind* kind = nullptr;
  for (const ResourceKind& candidate : kKinds) {
    if (candidate.inspector_type == type) {
      kind = &candidate;
    }
  }

  std::string asff_id(id);
  if (type == "AWS_EC2_INSTANCE" && !id.starts_with("arn:")) {
    asff_id = fmt::format("arn:{}:ec2:{}:{}:instance/{}", partition.empty() ? "aws" : partition,
                          region, account, id);
  }
  Json out = {{"Type", kind == nullptr ? "Other" : kind->asff_type}, {"Id", asff_id}};
  SetIfNotEmpty(out, "Partition", partition);
  SetIfNotEmpty(out, "Region", region);

  const Json* details = ObjectMember(resource, "details");
  const Json* source = kind == nullptr || kind->convert == nullptr || details == nullptr
                           ? nullptr
                           : ObjectMember(*details, kind->details_key);
  if (source != nullptr) {
    out["Details"][std::string(kind->asff_type)] = kind->convert(*source);
  } else if (kind == nullptr && !type.empty()) {
    SetOtherDetail(out["Details"]["Other"], "InspectorResourceType", type);
  }

  if (const Json* tags = ObjectMember(resource, "tags")) {
    Json map = Json::object();
    for (const auto& [key, value] : tags->items()) {
      if (value.is_string() && map.size() < kMaxResourceTags) {
        map[Truncate(key, 128)] = Truncate(value.get_ref<const std::string&>(), 256);
      }
    }
    SetIfAny(out, "Tags", std::move(map));
  }
  return out;
}

Json VulnerablePackage(const Json& package) {
  static constexpr std::pair<std::string_view, std::string_view> kFields[] = {
      {"name", "Name"},
      {"version", "Version"},
      {"release", "Release"},
      {"arch", "Architecture"},
      {"packageManager", "PackageManager"},
      {"filePath", "FilePath"},
      {"fixedInVersion", "FixedInVersion"},
      {"remediation", "Remediation"},
      {"sourceLayerHash", "SourceLayerHash"},
      {"sourceLambdaLayerArn", "SourceLayerArn"}};
  Json out = Json::object();
  for (const auto& [from, to] : kFields) {
    SetIfNotEmpty(out, to, StringMember(package, from));
  }
  if (auto epoch = IntegerMember(package, "epoch")) {
    out["Epoch"] = std::to_string(*epoch);
  }
  return out;
}

Json Cvss(const Json& entries) {
  Json out = Json::array();
  for (const Json& entry : entries) {
    Json cvss = Json::object();
    SetIfNotEmpty(cvss, "Version", StringMember(entry, "version"));
    if (auto score = NumberMember(entry, "baseScore")) {
      cvss["BaseScore"] = *score;
    }
    SetIfNotEmpty(cvss, "BaseVector", StringMember(entry, "scoringVector"));
    SetIfNotEmpty(cvss, "Source", StringMember(entry, "source"));
    if (!cvss.empty()) {
      out.push_back(std::move(cvss));
    }
  }
  return out;
}

Json PackageVulnerability(const Json& finding, const Json& details) {
  Json vulnerability = {{"Id", StringMember(details, "vulnerabilityId")}};
  Json packages = Json::array();
  if (const Json* listed = ArrayMember(details, "vulnerablePackages")) {
    for (const Json& package : *listed) {
      packages.push_back(VulnerablePackage(package));
    }
  }
  SetIfAny(vulnerability, "VulnerablePackages", std::move(packages));
  if (const Json* cvss = ArrayMember(details, "cvss")) {
    SetIfAny(vulnerability, "Cvss", Cvss(*cvss));
  }
  SetIfAny(vulnerability, "RelatedVulnerabilities",
           StringArray(Member(details, "relatedVulnerabilities")));
  SetIfAny(vulnerability, "ReferenceUrls", StringArray(Member(details, "referenceUrls")));

  Json vendor = Json::object();
  SetIfNotEmpty(vendor, "Name", StringMember(details, "source"));
  SetIfNotEmpty(vendor, "Url", StringMember(details, "sourceUrl"));
  SetIfNotEmpty(vendor, "VendorSeverity", StringMember(details, "vendorSeverity"));
  SetTimestamp(vendor, "VendorCreatedAt", details, "vendorCreatedAt");
  SetTimestamp(vendor, "VendorUpdatedAt", details, "vendorUpdatedAt");
  if (!vendor.empty()) {
    vulnerability["Vendor"] = std::move(vendor);
  }

  SetIfNotEmpty(vulnerability, "FixAvailable", StringMember(finding, "fixAvailable"));
  SetIfNotEmpty(vulnerability, "ExploitAvailable", StringMember(finding, "exploitAvailable"));
  if (const Json* epss = ObjectMember(finding, "epss")) {
    if (auto score = NumberMember(*epss, "score")) {
      vulnerability["EpssScore"] = *score;
    }
  }
  if (const Json* exploitability = ObjectMember(finding, "exploitabilityDetails")) {
    SetTimestamp(vulnerability, "LastKnownExploitAt", *exploitability, "lastKnownExploitAt");
  }
  return vulnerability;
}

Json CodeVulnerability(const Json& details) {
  std::string_view id = StringMember(details, "detectorId");
  if (id.empty()) {
    id = StringMember(details, "ruleId");
  }
  Json vulnerability = {{"Id", id}};
  Json code = Json::object();
  SetIfAny(code, "Cwes", StringArray(Member(details, "cwes")));
  SetIfNotEmpty(code, "SourceArn", StringMember(details, "sourceLambdaLayerArn"));
  if (const Json* path = ObjectMember(details, "filePath")) {
    Json file = Json::object();
    SetIfNotEmpty(file, "FileName", StringMember(*path, "fileName"));
    SetIfNotEmpty(file, "FilePath", StringMember(*path, "filePath"));
    for (const auto& [from, to] :
         {std::pair{"startLine", "StartLine"}, std::pair{"endLine", "EndLine"}}) {
      if (auto line = IntegerMember(*path, from)) {
        file[to] = *line;
      }
    }
    code["FilePath"] = std::move(file);
  }
  vulnerability["CodeVulnerabilities"] = Json::array({std::move(code)});
  SetIfAny(vulnerability, "ReferenceUrls", StringArray(Member(details, "referenceUrls")));
  return vulnerability;
}

}  // namespace

std::optional<std::string> InspectorTimestamp(const Json& value) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (auto timestamp = NormalizeTimestamp(text)) {
      return timestamp;
    }
    if (auto timestamp = EventBridgeTimestamp(text)) {
      return timestamp;
    }
    return ConsoleTimestamp(text);
  }
  return TimestampFromJson(value);
}

Json InspectorResources(const Json& resources, const std::string& account) {
  Json out = Json::array();
  if (!resources.is_array()) {
    return out;
  }
  for (const Json& resource : resources) {
    if (resource.is_object() && !StringMember(resource, "id").empty() &&
        out.size() < kMaxResources) {
      out.push_back(Resource(resource, account));
    }
  }
  return out;
}

Json InspectorVulnerability(const Json& finding) {
  const Json* package = ObjectMember(finding, "packageVulnerabilityDetails");
  if (package != nullptr && !StringMember(*package, "vulnerabilityId").empty()) {
    return PackageVulnerability(finding, *package);
  }
  const Json* code = ObjectMember(finding, "codeVulnerabilityDetails");
  if (code != nullptr &&
      !(StringMember(*code, "detectorId").empty() && StringMember(*code, "ruleId").empty())) {
    return CodeVulnerability(*code);
  }
  return nullptr;
}

void AddInspectorNetwork(const Json& reachability, Json& asff) {
  Json network = Json::object();
  SetIfNotEmpty(network, "Protocol", StringMember(reachability, "protocol"));
  if (const Json* range = ObjectMember(reachability, "openPortRange")) {
    const auto begin = IntegerMember(*range, "begin");
    const auto end = IntegerMember(*range, "end");
    if (begin && end && *begin >= 0 && *end <= 65535 && *begin <= *end) {
      network["OpenPortRange"] = {{"Begin", *begin}, {"End", *end}};
    }
  }
  if (!network.empty()) {
    asff["Network"] = std::move(network);
  }
  const Json* path = ObjectMember(reachability, "networkPath");
  const Json* steps = path == nullptr ? nullptr : ArrayMember(*path, "steps");
  if (steps == nullptr) {
    return;
  }
  Json components = Json::array();
  for (const Json& step : *steps) {
    Json component = Json::object();
    SetIfNotEmpty(component, "ComponentId", StringMember(step, "componentId"));
    SetIfNotEmpty(component, "ComponentType", StringMember(step, "componentType"));
    if (!component.empty()) {
      components.push_back(std::move(component));
    }
  }
  SetIfAny(asff, "NetworkPath", std::move(components));
}

}  // namespace rampart::ingest::detail
