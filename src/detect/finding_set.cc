#include "detect/finding_set.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fmt/format.h>

#include "core/hash.h"
#include "core/utf8.h"

namespace rampart::detect {
namespace {

constexpr std::string_view kCountField = "rampart/detect/Count";
// ASFF allows at most this many entries in a finding's Resources.
constexpr std::size_t kMaxResources = 32;

// Returns the ASFF Network field for a source: SourceIpV4 or SourceIpV6 for an address, else
// SourceDomain.
const char* SourceField(const std::string& source) {
  unsigned char address[sizeof(in6_addr)];
  if (inet_pton(AF_INET, source.c_str(), address) == 1) {
    return "SourceIpV4";
  }
  if (inet_pton(AF_INET6, source.c_str(), address) == 1) {
    return "SourceIpV6";
  }
  return "SourceDomain";
}

// ASFF's limits, in characters, of the texts a detection fills.
constexpr std::size_t kMaxTitle = 256;
constexpr std::size_t kMaxDescription = 1024;
constexpr std::size_t kMaxResourceId = 512;
constexpr std::size_t kMaxFieldKey = 128;
constexpr std::size_t kMaxFieldValue = 2048;

// Returns `detection` with its texts made valid UTF-8 and cut to ASFF's limits. They come
// from logs, where a user name or a CSV header may hold any bytes and be of any length, and
// ASFF text must be UTF-8.
Detection ValidText(const Detection& detection) {
  Detection clean = detection;
  for (std::string* text :
       {&clean.detector, &clean.entity, &clean.type, &clean.title, &clean.description,
        &clean.resource_type, &clean.resource_id, &clean.source_ip}) {
    *text = ToValidUtf8(*text);
  }
  clean.title = CutCharacters(clean.title, kMaxTitle);
  clean.description = CutCharacters(clean.description, kMaxDescription);
  clean.entity = CutCharacters(clean.entity, kMaxResourceId);
  clean.resource_id = CutCharacters(clean.resource_id, kMaxResourceId);
  clean.fields.clear();
  for (const auto& [key, value] : detection.fields) {
    clean.fields[CutCharacters(ToValidUtf8(key), kMaxFieldKey)] =
        CutCharacters(ToValidUtf8(value), kMaxFieldValue);
  }
  return clean;
}

// Appends `resource` to a finding's Resources unless a resource of its Id is there already or
// the array is full.
void AddResource(Json resource, Json& resources) {
  if (resources.size() >= kMaxResources) {
    return;
  }
  for (const Json& present : resources) {
    if (present["Id"] == resource["Id"]) {
      return;
    }
  }
  resources.push_back(std::move(resource));
}

}  // namespace

std::string FindingSet::FindingId(const std::string& detector, const std::string& entity) const {
  return fmt::format("rampart/detect/{}/{}/{}", options_.aws_account_id, detector,
                     StableId({detector, entity}));
}

Json FindingSet::ResourceOf(const Detection& detection) const {
  return {{"Type", detection.resource_type},
          {"Id", detection.resource_id.empty() ? detection.entity : detection.resource_id},
          {"Region", options_.region}};
}

void FindingSet::Fold(const Detection& detection, const std::string& now, Json& finding) const {
  Json& fields = finding["ProductFields"];
  const std::size_t count =
      std::stoull(fields[std::string(kCountField)].get<std::string>()) + detection.count;
  fields[std::string(kCountField)] = std::to_string(count);
  for (const auto& [key, value] : detection.fields) {
    fields[key] = value;
  }
  // The Description is that of the latest observation, as the LastObservedAt is.
  const std::string last = FormatTimestamp(detection.last_seen);
  if (last >= finding["LastObservedAt"].get<std::string>()) {
    finding["LastObservedAt"] = last;
    finding["Description"] = detection.description;
  }
  // A repeat may be more severe (a brute force that succeeded); severity only rises.
  const auto current = finding::ParseLabel(finding["Severity"]["Label"].get<std::string>());
  if (current && detection.severity > *current) {
    finding["Severity"] = {{"Label", finding::LabelName(detection.severity)}};
    finding::ReconcileSeverity(finding["Severity"]);
  }
  AddResource(ResourceOf(detection), finding["Resources"]);
  finding["UpdatedAt"] = now;
}

void FindingSet::Report(const Detection& raw) {
  // The Id comes from the bytes as read, so that two entities that differ only in bytes
  // that are not UTF-8 stay two findings.
  const std::string id = FindingId(raw.detector, raw.entity);
  const Detection detection = ValidText(raw);
  const std::string now = FormatTimestamp(options_.clock->Now());
  const auto existing = index_.find(id);
  if (existing != index_.end()) {
    Fold(detection, now, findings_[existing->second]);
    return;
  }

  Json finding = {
      {"SchemaVersion", "2018-10-08"},
      {"Id", id},
      {"ProductArn",
       fmt::format("arn:aws:securityhub:{}::product/rampart/detect", options_.region)},
      {"GeneratorId", "rampart-detect/" + detection.detector},
      {"AwsAccountId", options_.aws_account_id},
      {"Types", Json::array({detection.type})},
      {"CreatedAt", now},
      {"UpdatedAt", now},
      {"FirstObservedAt", FormatTimestamp(detection.first_seen)},
      {"LastObservedAt", FormatTimestamp(detection.last_seen)},
      {"Severity", {{"Label", finding::LabelName(detection.severity)}}},
      {"Title", detection.title},
      {"Description", detection.description},
      {"Resources", Json::array({ResourceOf(detection)})},
      {"ProductFields", {{std::string(kCountField), std::to_string(detection.count)}}},
      {"RecordState", "ACTIVE"},
      {"Workflow", {{"Status", "NEW"}}},
  };
  finding::ReconcileSeverity(finding["Severity"]);
  for (const auto& [key, value] : detection.fields) {
    finding["ProductFields"][key] = value;
  }
  if (!detection.source_ip.empty()) {
    finding["Network"] = {{"Direction", "IN"}};
    finding["Network"][SourceField(detection.source_ip)] = detection.source_ip;
  }
  index_[id] = findings_.size();
  findings_.push_back(std::move(finding));
}

}  // namespace rampart::detect
