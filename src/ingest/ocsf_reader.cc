// OCSF Detection Findings (class_uid 2004, and the older Security Finding 2001), as
// Prowler's JSON-OCSF output writes them for cloud accounts and for Kubernetes clusters.
// Example reports carry placeholders such as "<account_uid>" in place of real values. They
// are kept in free text and identifiers, but AwsAccountId and Region take the configured
// values instead, because ASFF requires valid ones there.
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/hash.h"
#include "finding/severity.h"
#include "finding/validate.h"
#include "ingest/field_mapping.h"
#include "ingest/more_readers.h"

namespace rampart::ingest {
namespace {

using detail::ArrayMember;
using detail::IntegerMember;
using detail::Member;
using detail::ObjectMember;
using detail::StringMember;

constexpr long long kDetectionFinding = 2004;
constexpr long long kSecurityFinding = 2001;  // deprecated since OCSF 1.1

struct FindingAt {
  const Json* finding;
  std::string path;
};

bool IsFindingClass(const Json& value) {
  const auto class_uid = IntegerMember(value, "class_uid");
  return class_uid && (*class_uid == kDetectionFinding || *class_uid == kSecurityFinding);
}

// Returns finding_info (OCSF 1.1 and later) or finding (1.0), or an empty object.
const Json& FindingInfo(const Json& finding) {
  static const Json kEmpty = Json::object();
  const Json* info = ObjectMember(finding, "finding_info");
  if (info == nullptr) {
    info = ObjectMember(finding, "finding");
  }
  return info == nullptr ? kEmpty : *info;
}

// Returns `text` in lower case with every run of other characters than letters and digits
// replaced by one "-", for use in a ProductArn.
std::string Slug(std::string_view text, std::string_view fallback) {
  std::string slug;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      slug.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') {
    slug.pop_back();
  }
  return slug.empty() ? std::string(fallback) : slug;
}

// Severity of an OCSF finding. A passed check is INFORMATIONAL, which ASFF defines as "no
// issue was found", and Severity.Original keeps the check's own severity. Otherwise
// severity_id 1-6 (Informational, Low, Medium, High, Critical, Fatal) maps to the label of
// the same name, Fatal to CRITICAL, and 0 (Unknown) or 99 (Other) falls back to the text.
Json Severity(const Json& finding) {
  const std::string_view text = StringMember(finding, "severity");
  Json severity = {{"Original", text.empty() ? "Unknown" : text}};
  if (StringMember(finding, "status_code") == "PASS") {
    severity["Label"] = "INFORMATIONAL";
    return severity;
  }
  static constexpr std::string_view kLabels[] = {"INFORMATIONAL", "LOW",      "MEDIUM",
                                                 "HIGH",          "CRITICAL", "CRITICAL"};
  const auto id = IntegerMember(finding, "severity_id");
  if (id && *id >= 1 && *id <= 6) {
    severity["Label"] = kLabels[*id - 1];
  } else if (auto label = finding::ParseLabel(text)) {
    severity["Label"] = finding::LabelName(*label);
  } else {
    severity["Label"] = "INFORMATIONAL";
  }
  return severity;
}

// Maps status_code as Prowler's own ASFF output does: PASS -> PASSED, FAIL -> FAILED, and
// MANUAL (a check that needs a person) -> NOT_AVAILABLE.
std::string_view ComplianceStatus(std::string_view status_code) {
  if (status_code == "PASS") {
    return "PASSED";
  }
  if (status_code == "FAIL") {
    return "FAILED";
  }
  return status_code.empty() ? "" : "NOT_AVAILABLE";
}

// Maps status_id (1 New, 2 In Progress, 3 Suppressed, 4 Resolved) to Workflow.Status.
std::string_view WorkflowStatus(const Json& finding) {
  const auto id = IntegerMember(finding, "status_id");
  switch (id.value_or(0)) {
    case 1:
      return "NEW";
    case 2:
      return "NOTIFIED";
    case 3:
      return "SUPPRESSED";
    case 4:
      return "RESOLVED";
    default:
      return "";
  }
}

Json Types(const Json& info) {
  Json types = Json::array();
  if (const Json* listed = ArrayMember(info, "types")) {
    for (const Json& type : *listed) {
      if (!type.is_string()) {
        continue;
      }
      // Types already in an ASFF namespace are kept; OCSF's own type names are not.
      if (!finding::TypeProblem(type.get_ref<const std::string&>())) {
        types.push_back(type);
      }
    }
  }
  if (types.empty()) {
    types.push_back("Software and Configuration Checks");
  }
  return types;
}

// Fills Compliance from status_code, Prowler's unmapped.compliance map ({"CIS-1.5":
// ["1.20"]} -> "CIS-1.5 1.20", as Prowler's ASFF output writes RelatedRequirements) and the
// OCSF compliance object.
void AddCompliance(const Json& finding, Json& asff) {
  Json requirements = Json::array();
  Json standards = Json::array();
  const Json* unmapped = ObjectMember(finding, "unmapped");
  if (const Json* map = unmapped == nullptr ? nullptr : ObjectMember(*unmapped, "compliance")) {
    for (const auto& [framework, items] : map->items()) {
      std::string requirement = framework;
      if (items.is_array()) {
        for (const Json& item : items) {
          if (item.is_string()) {
            requirement += " " + item.get<std::string>();
          }
        }
      }
      if (requirements.size() < detail::kMaxRelatedRequirements) {
        requirements.push_back(std::move(requirement));
      }
      if (standards.size() < detail::kMaxAssociatedStandards) {
        standards.push_back({{"StandardsId", framework}});
      }
    }
  }
  if (const Json* compliance = ObjectMember(finding, "compliance")) {
    if (const Json* listed = ArrayMember(*compliance, "requirements")) {
      for (const Json& item : *listed) {
        if (item.is_string() && requirements.size() < detail::kMaxRelatedRequirements) {
          requirements.push_back(item);
        }
      }
    }
  }
  const std::string_view status = ComplianceStatus(StringMember(finding, "status_code"));
  Json out = Json::object();
  detail::SetIfNotEmpty(out, "Status", status);
  if (!requirements.empty()) {
    out["RelatedRequirements"] = std::move(requirements);
  }
  if (!standards.empty()) {
    out["AssociatedStandards"] = std::move(standards);
  }
  if (!out.empty()) {
    asff["Compliance"] = std::move(out);
  }
}

void AddRemediation(const Json& finding, Json& asff) {
  const Json* remediation = ObjectMember(finding, "remediation");
  if (remediation == nullptr) {
    return;
  }
  Json recommendation = Json::object();
  const std::string_view text = detail::Trim(StringMember(*remediation, "desc"));
  if (!text.empty()) {
    recommendation["Text"] = detail::Truncate(text, detail::kMaxRecommendationBytes);
  }
  if (const Json* references = ArrayMember(*remediation, "references")) {
    for (const Json& reference : *references) {
      if (reference.is_string() && reference.get_ref<const std::string&>().starts_with("http")) {
        recommendation["Url"] = reference;
        break;
      }
    }
  }
  if (!recommendation.empty()) {
    asff["Remediation"]["Recommendation"] = std::move(recommendation);
  }
}

class OcsfReader final : public Reader {
 public:
  std::string_view Name() const override { return "ocsf"; }

  bool Detect(const Input& input) const override {
    if (input.document == nullptr) {
      return false;
    }
    const Json& document = *input.document;
    if (document.is_array()) {
      return !document.empty() && IsFindingClass(document.front());
    }
    return IsFindingClass(document);
  }

  Status Read(const Input& input, const ReadOptions& options, ReadResult& result) const override {
    if (!Detect(input)) {
      return InvalidArgument(fmt::format(
          "{}: not OCSF findings; expected a Detection Finding (class_uid 2004) or an array of "
          "them, as prowler --output-formats json-ocsf writes",
          options.source_name));
    }
    const Json& document = *input.document;
    if (!document.is_array()) {
      ReadFinding(document, "$", options, result);
      return Status::Ok();
    }
    for (std::size_t i = 0; i < document.size(); ++i) {
      ReadFinding(document[i], JsonPathIndex("$", i), options, result);
    }
    return Status::Ok();
  }

 private:
  void ReadFinding(const Json& finding, const std::string& path, const ReadOptions& options,
                   ReadResult& result) const {
    if (!IsFindingClass(finding)) {
      const Json* class_uid = Member(finding, "class_uid");
      result.rejected.push_back(
          {path, fmt::format("{}.class_uid: {} is not an OCSF Detection Finding (2004)", path,
                             class_uid == nullptr ? "missing" : class_uid->dump())});
      return;
    }
    AddFinding(BuildFinding(finding, options), path, result);
  }

  Json BuildFinding(const Json& finding, const ReadOptions& options) const {
    const Json& info = FindingInfo(finding);
    const Json empty = Json::object();
    const Json* cloud_member = ObjectMember(finding, "cloud");
    const Json& cloud = cloud_member == nullptr ? empty : *cloud_member;
    const Json* account_member = ObjectMember(cloud, "account");
    const std::string_view account_uid =
        account_member == nullptr ? "" : StringMember(*account_member, "uid");
    const std::string_view cloud_region = StringMember(cloud, "region");

    ReadOptions local = options;
    if (IsAwsRegion(cloud_region)) {
      local.region = std::string(cloud_region);
    }
    const Json* metadata = ObjectMember(finding, "metadata");
    const Json* product = metadata == nullptr ? nullptr : ObjectMember(*metadata, "product");
    const std::string product_slug =
        Slug(product == nullptr ? "" : StringMember(*product, "name"), "ocsf");
    const std::string vendor_slug =
        Slug(product == nullptr ? "" : StringMember(*product, "vendor_name"), product_slug);
    const std::string_view event_code =
        metadata == nullptr ? "" : StringMember(*metadata, "event_code");

    const std::string now = FormatTimestamp(options.clock->Now());
    const std::string created = Time(info, "created_time", Time(finding, "time", now));
    Json asff = {
        {"SchemaVersion", detail::kAsffSchemaVersion},
        {"Id", FindingId(finding, info, product_slug, event_code, account_uid, cloud_region)},
        {"ProductArn", ProductArn(local, vendor_slug, product_slug)},
        {"GeneratorId",
         fmt::format("{}-{}", product_slug,
                     event_code.empty() ? Sha256Hex(StringMember(info, "title")).substr(0, 16)
                                        : std::string(event_code))},
        {"AwsAccountId", detail::AwsAccountIdOr(account_uid, options.aws_account_id)},
        {"Region", local.region},
        {"Types", Types(info)},
        {"CreatedAt", created},
        {"UpdatedAt", Time(info, "modified_time", Time(finding, "time", created))},
        {"Severity", Severity(finding)},
        {"Title", detail::Truncate(Title(finding, info, event_code), detail::kMaxTitleBytes)},
        {"Description", detail::Truncate(Description(finding, info), detail::kMaxDescriptionBytes)},
        {"Resources", Resources(finding, cloud, account_uid, options)},
    };
    if (product != nullptr) {
      detail::SetIfNotEmpty(asff, "ProductName", StringMember(*product, "name"));
      detail::SetIfNotEmpty(asff, "CompanyName", StringMember(*product, "vendor_name"));
    }
    for (const auto& [from, to] : {std::pair{"first_seen_time", "FirstObservedAt"},
                                   std::pair{"last_seen_time", "LastObservedAt"}}) {
      if (const Json* value = Member(info, from)) {
        if (auto timestamp = detail::TimestampFromJson(*value)) {
          asff[to] = *timestamp;
        }
      }
    }
    if (const std::string_view workflow = WorkflowStatus(finding); !workflow.empty()) {
      asff["Workflow"]["Status"] = workflow;
    }
    AddCompliance(finding, asff);
    AddRemediation(finding, asff);
    AddSourceFields(finding, info, cloud, account_uid, asff);
    return asff;
  }

  // OCSF times are milliseconds since the epoch; Prowler writes seconds, and both are read.
  static std::string Time(const Json& object, std::string_view key, const std::string& fallback) {
    const Json* value = Member(object, key);
    if (value == nullptr) {
      return fallback;
    }
    return detail::TimestampFromJson(*value).value_or(fallback);
  }

  // Uses finding_info.uid, the source's own identifier of the finding. A placeholder uid
  // ("<finding_uid>") is the same for every finding of a report, so then the Id is derived
  // from the check, account, Region and resources instead.
  static std::string FindingId(const Json& finding, const Json& info, std::string_view product,
                               std::string_view event_code, std::string_view account,
                               std::string_view region) {
    const std::string_view uid = StringMember(info, "uid");
    if (!uid.empty() && !detail::IsPlaceholder(uid)) {
      return std::string(uid);
    }
    std::string resources;
    if (const Json* list = ArrayMember(finding, "resources")) {
      for (const Json& resource : *list) {
        resources += StringMember(resource, "uid");
        resources += '\n';
      }
    }
    const std::string_view check = event_code.empty() ? StringMember(info, "title") : event_code;
    return fmt::format("{}-{}-{}", product, event_code.empty() ? "finding" : event_code,
                       StableId({check, account, region, resources}, 24));
  }

  static std::string Title(const Json& finding, const Json& info, std::string_view event_code) {
    for (const std::string_view text :
         {StringMember(info, "title"), StringMember(finding, "message"), event_code}) {
      if (!text.empty()) {
        return std::string(text);
      }
    }
    return "OCSF finding";
  }

  static std::string Description(const Json& finding, const Json& info) {
    for (const std::string_view text :
         {StringMember(finding, "message"), StringMember(finding, "status_detail"),
          StringMember(info, "desc"), StringMember(info, "title")}) {
      if (!text.empty()) {
        return std::string(text);
      }
    }
    return "OCSF finding without a description";
  }

  static Json Resources(const Json& finding, const Json& cloud, std::string_view account_uid,
                        const ReadOptions& options) {
    Json resources = Json::array();
    if (const Json* list = ArrayMember(finding, "resources")) {
      for (const Json& resource : *list) {
        if (resources.size() < detail::kMaxResources && resource.is_object()) {
          resources.push_back(Resource(resource));
        }
      }
    }
    if (!resources.empty()) {
      return resources;
    }
    if (StringMember(cloud, "provider") == "aws") {
      return Json::array(
          {{{"Type", "AwsAccount"},
            {"Id", fmt::format("AWS::::Account:{}",
                               detail::AwsAccountIdOr(account_uid, options.aws_account_id))}}});
    }
    return Json::array({{{"Type", "Other"}, {"Id", "unknown"}}});
  }

  static Json Resource(const Json& resource) {
    const std::string_view type = StringMember(resource, "type");
    const std::string_view uid = StringMember(resource, "uid");
    const std::string_view name = StringMember(resource, "name");
    Json out = {{"Type", type.empty() ? "Other" : type},
                {"Id", !uid.empty() ? uid : (!name.empty() ? name : "unknown")}};
    const std::string_view partition = StringMember(resource, "cloud_partition");
    if (partition.starts_with("aws")) {
      out["Partition"] = partition;
    }
    const std::string_view region = StringMember(resource, "region");
    if (IsAwsRegion(region)) {
      out["Region"] = region;
    }
    Json other = Json::object();
    detail::SetOtherDetail(other, "Name", name);
    detail::SetOtherDetail(other, "Namespace", StringMember(resource, "namespace"));
    if (const Json* group = ObjectMember(resource, "group")) {
      detail::SetOtherDetail(other, "Group", StringMember(*group, "name"));
    }
    if (!other.empty()) {
      out["Details"]["Other"] = std::move(other);
    }
    return out;
  }

  // Keeps the source's own identifiers, placeholders included, in ProductFields.
  static void AddSourceFields(const Json& finding, const Json& info, const Json& cloud,
                              std::string_view account_uid, Json& asff) {
    const Json* metadata = ObjectMember(finding, "metadata");
    const Json* product = metadata == nullptr ? nullptr : ObjectMember(*metadata, "product");
    const auto add = [&asff](std::string_view key, std::string_view value) {
      if (!value.empty()) {
        detail::AddProductField(asff, key, value);
      }
    };
    add("ocsf/event_code", metadata == nullptr ? "" : StringMember(*metadata, "event_code"));
    add("ocsf/version", metadata == nullptr ? "" : StringMember(*metadata, "version"));
    add("ocsf/product_version", product == nullptr ? "" : StringMember(*product, "version"));
    add("ocsf/finding_uid", StringMember(info, "uid"));
    add("ocsf/status_code", StringMember(finding, "status_code"));
    add("ocsf/status_detail", StringMember(finding, "status_detail"));
    add("ocsf/cloud_provider", StringMember(cloud, "provider"));
    add("ocsf/account_uid", account_uid);
    add("ocsf/region", StringMember(cloud, "region"));
    add("ocsf/risk_details", StringMember(finding, "risk_details"));
    if (const Json* unmapped = ObjectMember(finding, "unmapped")) {
      add("ocsf/related_url", StringMember(*unmapped, "related_url"));
    }
  }
};

}  // namespace

std::unique_ptr<Reader> MakeOcsfReader() { return std::make_unique<OcsfReader>(); }

}  // namespace rampart::ingest
