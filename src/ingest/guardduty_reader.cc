// GuardDuty findings in GuardDuty's own JSON (lower-camel keys, schemaVersion 2.0), mapped
// to ASFF the way Security Hub maps the findings GuardDuty sends it.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "ingest/field_mapping.h"
#include "ingest/guardduty_details.h"
#include "ingest/guardduty_types.h"
#include "ingest/more_readers.h"

namespace rampart::ingest {
namespace {

using detail::ArrayMember;
using detail::Member;
using detail::NumberMember;
using detail::ObjectMember;
using detail::StringMember;

// GuardDuty's severity scale: "Severity levels of GuardDuty findings" in the GuardDuty User
// Guide gives values from 1.0 to 10.0, in four levels (see SeverityLabel).
constexpr double kMinSeverity = 1.0;
constexpr double kMaxSeverity = 10.0;

struct FindingAt {
  const Json* finding;
  std::string path;
};

bool IsGuardDutyFinding(const Json& value) {
  if (StringMember(value, "schemaVersion").empty() || StringMember(value, "type").empty()) {
    return false;
  }
  const Json* service = ObjectMember(value, "service");
  return (service != nullptr && StringMember(*service, "serviceName") == "guardduty") ||
         StringMember(value, "arn").find(":guardduty:") != std::string_view::npos;
}

// Lists the findings of a document: an EventBridge event, {"findings": [...]}, an array, or
// one finding.
std::vector<FindingAt> ListFindings(const Json& document) {
  if (const Json* detail = detail::EventDetail(document, "GuardDuty Finding")) {
    return {{detail, "$.detail"}};
  }
  const Json* array = document.is_array() ? &document : ArrayMember(document, "findings");
  if (array == nullptr) {
    return {{&document, "$"}};
  }
  const std::string base = document.is_array() ? "$" : "$.findings";
  std::vector<FindingAt> list;
  for (std::size_t i = 0; i < array->size(); ++i) {
    list.push_back({&(*array)[i], JsonPathIndex(base, i)});
  }
  return list;
}

// Returns the ASFF label for a GuardDuty severity by the levels of the GuardDuty User Guide:
// Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9 and Critical 9.0-10.0.
std::string_view SeverityLabel(double severity) {
  if (severity < 4.0) {
    return "LOW";
  }
  if (severity < 7.0) {
    return "MEDIUM";
  }
  return severity < 9.0 ? "HIGH" : "CRITICAL";
}

Json Severity(double severity) {
  // Ten times the GuardDuty score falls in the band of the same label (1-39 LOW, 40-69
  // MEDIUM, 70-89 HIGH, 90-100 CRITICAL); the small term absorbs 5.3 * 10 = 52.999...
  const int normalized = std::clamp(static_cast<int>(std::floor(severity * 10 + 1e-9)), 1, 100);
  return {{"Label", SeverityLabel(severity)},
          {"Normalized", normalized},
          {"Product", severity},
          {"Original", fmt::format("{}", severity)}};
}

std::string Timestamp(const Json& object, std::string_view key, const std::string& fallback) {
  const Json* value = Member(object, key);
  if (value == nullptr) {
    return fallback;
  }
  return detail::TimestampFromJson(*value).value_or(fallback);
}

// Adds service.* to ProductFields under "aws/guardduty/service/...", as Security Hub does:
// objects are walked, and arrays are kept as their JSON text.
void AddServiceFields(const Json& value, const std::string& key, Json& finding) {
  if (value.is_object()) {
    for (const auto& [member, child] : value.items()) {
      AddServiceFields(child, fmt::format("{}/{}", key, member), finding);
    }
  } else if (value.is_string()) {
    detail::AddProductField(finding, key, value.get_ref<const std::string&>());
  } else if (!value.is_null()) {
    detail::AddProductField(finding, key, value.dump());
  }
}

class GuardDutyReader final : public Reader {
 public:
  std::string_view Name() const override { return "guardduty"; }

  bool Detect(const Input& input) const override {
    if (input.document == nullptr) {
      return false;
    }
    const std::vector<FindingAt> findings = ListFindings(*input.document);
    return !findings.empty() && IsGuardDutyFinding(*findings.front().finding);
  }

  Status Read(const Input& input, const ReadOptions& options, ReadResult& result) const override {
    if (!Detect(input)) {
      return InvalidArgument(fmt::format(
          "{}: not a GuardDuty finding; expected GuardDuty's JSON (schemaVersion, type, service) "
          "alone, in a list, or in an EventBridge \"GuardDuty Finding\" event",
          options.source_name));
    }
    for (const FindingAt& entry : ListFindings(*input.document)) {
      ReadFinding(*entry.finding, entry.path, options, result);
    }
    return Status::Ok();
  }

 private:
  void ReadFinding(const Json& finding, const std::string& path, const ReadOptions& options,
                   ReadResult& result) const {
    if (!IsGuardDutyFinding(finding)) {
      result.rejected.push_back(
          {path, fmt::format("{}: not a GuardDuty finding; it needs schemaVersion, type and "
                             "service.serviceName \"guardduty\"",
                             path)});
      return;
    }
    const auto severity = NumberMember(finding, "severity");
    if (!severity || *severity < kMinSeverity || *severity > kMaxSeverity) {
      const Json* value = Member(finding, "severity");
      result.rejected.push_back(
          {path, fmt::format("{}.severity: {} is not a GuardDuty severity; expected a number "
                             "from {:.1f} to {:.1f}, GuardDuty's severity scale",
                             path, value == nullptr ? "missing" : value->dump(), kMinSeverity,
                             kMaxSeverity)});
      return;
    }
    if (StringMember(finding, "arn").empty() && StringMember(finding, "id").empty()) {
      result.rejected.push_back(
          {path, fmt::format("{}.arn: the finding has neither arn nor id to identify it", path)});
      return;
    }
    AddFinding(BuildFinding(finding, *severity, options), path, result);
  }

  Json BuildFinding(const Json& finding, double severity, const ReadOptions& options) const {
    const Json empty = Json::object();
    const Json* service = ObjectMember(finding, "service");
    const Json& service_or_empty = service == nullptr ? empty : *service;
    const Json* resource = ObjectMember(finding, "resource");
    const detail::AwsLocation location = Locate(finding, options);
    ReadOptions local = options;
    local.region = location.region;

    const std::string_view type = StringMember(finding, "type");
    const std::string now = FormatTimestamp(options.clock->Now());
    const std::string created = Timestamp(finding, "createdAt", now);
    const std::string_view title = StringMember(finding, "title");
    const std::string_view description = StringMember(finding, "description");

    Json asff = {
        {"SchemaVersion", detail::kAsffSchemaVersion},
        {"Id", FindingArn(finding, location, service_or_empty)},
        {"ProductArn", ProductArn(local, "aws", "guardduty")},
        {"ProductName", "GuardDuty"},
        {"CompanyName", "Amazon"},
        {"Region", location.region},
        {"GeneratorId", GeneratorId(type, location, service_or_empty)},
        {"AwsAccountId", location.account},
        {"Types", detail::AsffTypesForGuardDutyType(type)},
        {"CreatedAt", created},
        {"UpdatedAt", Timestamp(finding, "updatedAt", created)},
        {"Severity", Severity(severity)},
        {"Title", detail::Truncate(title.empty() ? type : title, detail::kMaxTitleBytes)},
        {"Description",
         detail::Truncate(description.empty() ? type : description, detail::kMaxDescriptionBytes)},
        {"Resources",
         detail::GuardDutyResources(resource == nullptr ? empty : *resource, location)},
    };
    AddObservation(service_or_empty, asff);
    if (const std::string_view id = StringMember(finding, "id"); !id.empty()) {
      asff["SourceUrl"] = fmt::format(
          "https://{0}.console.aws.amazon.com/guardduty/home?region={0}#/findings?macros=current"
          "&fId={1}",
          location.region, id);
    }
    if (const Json* action = ObjectMember(service_or_empty, "action")) {
      detail::AddGuardDutyAction(*action, asff);
    }
    detail::AddProductField(asff, "aws/guardduty/type", type);
    AddServiceFields(service_or_empty, "aws/guardduty/service", asff);
    return asff;
  }

  static detail::AwsLocation Locate(const Json& finding, const ReadOptions& options) {
    const std::string_view region = StringMember(finding, "region");
    const std::string_view partition = StringMember(finding, "partition");
    return {partition.empty() ? "aws" : std::string(partition),
            IsAwsRegion(region) ? std::string(region) : options.region,
            detail::AwsAccountIdOr(StringMember(finding, "accountId"), options.aws_account_id)};
  }

  // Security Hub uses the GuardDuty finding ARN as the finding Id.
  static std::string FindingArn(const Json& finding, const detail::AwsLocation& location,
                                const Json& service) {
    if (const std::string_view arn = StringMember(finding, "arn"); !arn.empty()) {
      return std::string(arn);
    }
    return fmt::format("arn:{}:guardduty:{}:{}:detector/{}/finding/{}", location.partition,
                       location.region, location.account, StringMember(service, "detectorId"),
                       StringMember(finding, "id"));
  }

  // The detector that raised the finding, as Security Hub's GeneratorId for GuardDuty.
  static std::string GeneratorId(std::string_view type, const detail::AwsLocation& location,
                                 const Json& service) {
    const std::string_view detector = StringMember(service, "detectorId");
    if (detector.empty()) {
      return fmt::format("guardduty/{}", type);
    }
    return fmt::format("arn:{}:guardduty:{}:{}:detector/{}", location.partition, location.region,
                       location.account, detector);
  }

  // Sets FirstObservedAt, LastObservedAt and, for an archived finding, RecordState.
  static void AddObservation(const Json& service, Json& asff) {
    for (const auto& [from, to] : {std::pair{"eventFirstSeen", "FirstObservedAt"},
                                   std::pair{"eventLastSeen", "LastObservedAt"}}) {
      if (const Json* value = Member(service, from)) {
        if (auto timestamp = detail::TimestampFromJson(*value)) {
          asff[to] = *timestamp;
        }
      }
    }
    const Json* archived = Member(service, "archived");
    if (archived != nullptr && archived->is_boolean() && archived->get<bool>()) {
      asff["RecordState"] = "ARCHIVED";
    }
  }
};

}  // namespace

std::unique_ptr<Reader> MakeGuardDutyReader() { return std::make_unique<GuardDutyReader>(); }

}  // namespace rampart::ingest
