// Amazon Inspector v2 findings in Inspector's own JSON (lower-camel keys, as ListFindings
// returns them and as "Inspector2 Finding" EventBridge events carry them), mapped to ASFF
// with the vulnerability in Vulnerabilities[].
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "finding/severity.h"
#include "ingest/field_mapping.h"
#include "ingest/inspector_details.h"
#include "ingest/more_readers.h"

namespace rampart::ingest {
namespace {

using detail::ArrayMember;
using detail::Member;
using detail::NumberMember;
using detail::ObjectMember;
using detail::StringMember;

struct FindingAt {
  const Json* finding;
  std::string path;
  const Json* event = nullptr;  // the EventBridge envelope, when there is one
};

bool IsInspectorFinding(const Json& value) {
  return StringMember(value, "findingArn").find(":inspector2:") != std::string_view::npos;
}

std::vector<FindingAt> ListFindings(const Json& document) {
  if (const Json* detail = detail::EventDetail(document, "Inspector2 Finding")) {
    return {{detail, "$.detail", &document}};
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

// Returns field `index` (0-based) of an ARN "arn:partition:service:region:account:resource".
std::string_view ArnField(std::string_view arn, std::size_t index) {
  for (std::size_t i = 0; i < index; ++i) {
    const auto colon = arn.find(':');
    if (colon == std::string_view::npos) {
      return {};
    }
    arn.remove_prefix(colon + 1);
  }
  return arn.substr(0, arn.find(':'));
}

// Returns the label for Inspector's severity. UNTRIAGED (no vendor rating yet) takes the
// label of the highest CVSS base score, by the CVSS v3 rating scale (0.1-3.9 low, 4.0-6.9
// medium, 7.0-8.9 high, 9.0-10.0 critical), and INFORMATIONAL without any score.
std::string_view SeverityLabel(const Json& finding) {
  const std::string_view severity = StringMember(finding, "severity");
  if (auto label = finding::ParseLabel(severity)) {
    return finding::LabelName(*label);
  }
  double highest = 0;
  const Json* details = ObjectMember(finding, "packageVulnerabilityDetails");
  const Json* cvss = details == nullptr ? nullptr : ArrayMember(*details, "cvss");
  if (cvss != nullptr) {
    for (const Json& entry : *cvss) {
      highest = std::max(highest, NumberMember(entry, "baseScore").value_or(0));
    }
  }
  if (highest >= 9.0) {
    return "CRITICAL";
  }
  if (highest >= 7.0) {
    return "HIGH";
  }
  if (highest >= 4.0) {
    return "MEDIUM";
  }
  return highest > 0 ? "LOW" : "INFORMATIONAL";
}

std::string_view FindingType(std::string_view type) {
  if (type == "PACKAGE_VULNERABILITY") {
    return "Software and Configuration Checks/Vulnerabilities/CVE";
  }
  if (type == "NETWORK_REACHABILITY") {
    return "Software and Configuration Checks/AWS Security Best Practices/Network Reachability";
  }
  return "Software and Configuration Checks/Vulnerabilities";
}

class InspectorReader final : public Reader {
 public:
  std::string_view Name() const override { return "inspector"; }

  bool Detect(const Input& input) const override {
    if (input.document == nullptr) {
      return false;
    }
    const std::vector<FindingAt> findings = ListFindings(*input.document);
    return !findings.empty() && IsInspectorFinding(*findings.front().finding);
  }

  Status Read(const Input& input, const ReadOptions& options, ReadResult& result) const override {
    if (!Detect(input)) {
      return InvalidArgument(fmt::format(
          "{}: not Amazon Inspector findings; expected an Inspector finding (findingArn, "
          "severity, resources), {{\"findings\": [...]}}, or an EventBridge \"Inspector2 "
          "Finding\" event",
          options.source_name));
    }
    for (const FindingAt& entry : ListFindings(*input.document)) {
      ReadFinding(entry, options, result);
    }
    return Status::Ok();
  }

 private:
  void ReadFinding(const FindingAt& entry, const ReadOptions& options, ReadResult& result) const {
    const Json& finding = *entry.finding;
    if (!IsInspectorFinding(finding)) {
      result.rejected.push_back(
          {entry.path,
           fmt::format("{}.findingArn: not an Amazon Inspector finding; it needs a "
                       "findingArn such as arn:aws:inspector2:REGION:ACCOUNT:finding/ID",
                       entry.path)});
      return;
    }
    const std::string account = Account(entry, options);
    Json resources = detail::InspectorResources(
        ArrayMember(finding, "resources") ? *ArrayMember(finding, "resources") : Json(), account);
    if (resources.empty()) {
      result.rejected.push_back(
          {entry.path, fmt::format("{}.resources: finding {} names no resource with an id",
                                   entry.path, StringMember(finding, "findingArn"))});
      return;
    }
    AddFinding(BuildFinding(entry, account, std::move(resources), options), entry.path, result);
  }

  static std::string Account(const FindingAt& entry, const ReadOptions& options) {
    const std::string_view event_account =
        entry.event == nullptr ? "" : StringMember(*entry.event, "account");
    return detail::AwsAccountIdOr(StringMember(*entry.finding, "awsAccountId"),
                                  detail::AwsAccountIdOr(event_account, options.aws_account_id));
  }

  // The Region from the finding's ARN, else its event, else the configured one.
  static std::string Region(const FindingAt& entry, const ReadOptions& options) {
    const std::string_view from_arn = ArnField(StringMember(*entry.finding, "findingArn"), 3);
    if (IsAwsRegion(from_arn)) {
      return std::string(from_arn);
    }
    const std::string_view from_event =
        entry.event == nullptr ? "" : StringMember(*entry.event, "region");
    return IsAwsRegion(from_event) ? std::string(from_event) : options.region;
  }

  Json BuildFinding(const FindingAt& entry, const std::string& account, Json resources,
                    const ReadOptions& options) const {
    const Json& finding = *entry.finding;
    ReadOptions local = options;
    local.region = Region(entry, options);
    // Without a time of its own, the finding takes its event's, so that a redelivered event
    // keeps its times. Only a finding outside an event falls back to now.
    const Json* event_time = entry.event == nullptr ? nullptr : Member(*entry.event, "time");
    const std::string now = FormatTimestamp(options.clock->Now());
    const std::string received =
        event_time == nullptr ? now : detail::InspectorTimestamp(*event_time).value_or(now);
    const std::string first_seen = Timestamp(finding, "firstObservedAt", received);
    const std::string last_seen = Timestamp(finding, "lastObservedAt", first_seen);
    const std::string_view title = StringMember(finding, "title");
    const std::string_view description = StringMember(finding, "description");

    Json asff = {
        {"SchemaVersion", detail::kAsffSchemaVersion},
        {"Id", StringMember(finding, "findingArn")},
        {"ProductArn", ProductArn(local, "aws", "inspector")},
        {"ProductName", "Inspector"},
        {"CompanyName", "Amazon"},
        {"Region", local.region},
        {"GeneratorId", "AWSInspector"},
        {"AwsAccountId", account},
        {"Types", Json::array({FindingType(StringMember(finding, "type"))})},
        {"FirstObservedAt", first_seen},
        {"LastObservedAt", last_seen},
        {"CreatedAt", first_seen},
        {"UpdatedAt", Timestamp(finding, "updatedAt", last_seen)},
        {"Severity",
         {{"Label", SeverityLabel(finding)}, {"Original", StringMember(finding, "severity")}}},
        {"Title", detail::Truncate(title.empty() ? StringMember(finding, "findingArn") : title,
                                   detail::kMaxTitleBytes)},
        {"Description",
         detail::Truncate(description.empty() ? title : description, detail::kMaxDescriptionBytes)},
        {"Resources", std::move(resources)},
    };
    if (Json vulnerability = detail::InspectorVulnerability(finding); !vulnerability.is_null()) {
      asff["Vulnerabilities"] = Json::array({std::move(vulnerability)});
    }
    if (const Json* reachability = ObjectMember(finding, "networkReachabilityDetails")) {
      detail::AddInspectorNetwork(*reachability, asff);
    }
    AddStatus(finding, asff);
    AddRemediation(finding, asff);
    AddInspectorFields(finding, asff);
    return asff;
  }

  static std::string Timestamp(const Json& finding, std::string_view key,
                               const std::string& fallback) {
    const Json* value = Member(finding, key);
    return value == nullptr ? fallback : detail::InspectorTimestamp(*value).value_or(fallback);
  }

  // ACTIVE stays ACTIVE and NEW; SUPPRESSED sets Workflow.Status SUPPRESSED; CLOSED (the
  // vulnerability is gone) archives the finding and marks it RESOLVED.
  static void AddStatus(const Json& finding, Json& asff) {
    const std::string_view status = StringMember(finding, "status");
    if (status == "SUPPRESSED") {
      asff["Workflow"]["Status"] = "SUPPRESSED";
    } else if (status == "CLOSED") {
      asff["RecordState"] = "ARCHIVED";
      asff["Workflow"]["Status"] = "RESOLVED";
    }
  }

  static void AddRemediation(const Json& finding, Json& asff) {
    const Json* remediation = ObjectMember(finding, "remediation");
    const Json* recommendation =
        remediation == nullptr ? nullptr : ObjectMember(*remediation, "recommendation");
    if (recommendation == nullptr) {
      return;
    }
    Json out = Json::object();
    const std::string_view text = detail::Trim(StringMember(*recommendation, "text"));
    if (!text.empty()) {
      out["Text"] = detail::Truncate(text, detail::kMaxRecommendationBytes);
    }
    detail::SetIfNotEmpty(out, "Url", StringMember(*recommendation, "Url"));
    if (!out.empty()) {
      asff["Remediation"]["Recommendation"] = std::move(out);
    }
  }

  static void AddInspectorFields(const Json& finding, Json& asff) {
    detail::SetIfNotEmpty(asff["ProductFields"], "aws/inspector2/type",
                          StringMember(finding, "type"));
    detail::SetIfNotEmpty(asff["ProductFields"], "aws/inspector2/status",
                          StringMember(finding, "status"));
    if (auto score = NumberMember(finding, "inspectorScore")) {
      detail::AddProductField(asff, "aws/inspector2/inspectorScore", fmt::format("{}", *score));
    }
    const Json* score_details = ObjectMember(finding, "inspectorScoreDetails");
    const Json* adjusted =
        score_details == nullptr ? nullptr : ObjectMember(*score_details, "adjustedCvss");
    if (adjusted != nullptr) {
      detail::SetIfNotEmpty(asff["ProductFields"], "aws/inspector2/adjustedCvss/scoringVector",
                            StringMember(*adjusted, "scoringVector"));
    }
    if (asff["ProductFields"].empty()) {
      asff.erase("ProductFields");
    }
  }
};

}  // namespace

std::unique_ptr<Reader> MakeInspectorReader() { return std::make_unique<InspectorReader>(); }

}  // namespace rampart::ingest
