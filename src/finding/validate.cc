#include "finding/validate.h"

#include <cmath>
#include <initializer_list>
#include <string_view>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/utf8.h"
#include "finding/severity.h"

namespace rampart::finding {
namespace {

constexpr std::size_t kMaxTitle = 256;
constexpr std::size_t kMaxDescription = 1024;
constexpr std::size_t kMaxId = 512;
constexpr std::size_t kMaxResources = 32;
constexpr std::size_t kMaxTypes = 50;
// Bounds of UserDefinedFields and Note, from the ASFF reference.
constexpr std::size_t kMaxMapEntries = 50;
constexpr std::size_t kMaxMapKey = 128;
constexpr std::size_t kMaxUserDefinedValue = 1024;
constexpr std::size_t kMaxProductFieldValue = 2048;
// Security Hub requires this value in every finding: it is the only version of the format.
constexpr std::string_view kSchemaVersion = "2018-10-08";
constexpr std::size_t kMaxNoteText = 512;
constexpr std::size_t kMaxRecommendationText = 512;
constexpr std::size_t kMaxNoteUpdatedBy = 512;
constexpr std::string_view kTypeNamespaces[] = {"Software and Configuration Checks", "TTPs",
                                                "Effects", "Unusual Behaviors",
                                                "Sensitive Data Identifications"};

// Returns `text` as a JSON string for a message, cut at a character boundary after 64 bytes.
std::string ShownValue(const std::string& text) {
  constexpr std::size_t kMaxShown = 64;
  std::string cut = text;
  if (text.size() > kMaxShown) {
    std::size_t end = kMaxShown;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    cut = text.substr(0, end) + "...";
  }
  return Json(cut).dump(-1, ' ', false, Json::error_handler_t::replace);
}

class Checker {
 public:
  Checker(const Json& finding, const std::string& path) : finding_(finding), path_(path) {}

  std::vector<Problem> Take() { return std::move(problems_); }

  void Add(std::string_view key, std::string message) {
    problems_.push_back({JsonPathMember(path_, key), std::move(message)});
  }
  void AddAt(std::string path, std::string message) {
    problems_.push_back({std::move(path), std::move(message)});
  }

  const Json* Required(std::string_view key) {
    const auto it = finding_.find(key);
    if (it == finding_.end() || it->is_null()) {
      Add(key, "required attribute is missing");
      return nullptr;
    }
    return &*it;
  }

  void RequiredString(std::string_view key, std::size_t max_length) {
    const Json* value = Required(key);
    if (value == nullptr) {
      return;
    }
    if (!value->is_string()) {
      Add(key, fmt::format("must be a string, not {}", value->type_name()));
      return;
    }
    const auto& text = value->get_ref<const std::string&>();
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      Add(key, text.empty() ? "must not be empty" : "must not be blank");
    } else if (const std::size_t length = CountCharacters(text); length > max_length) {
      Add(key, fmt::format("is {} characters long; the maximum is {}", length, max_length));
    }
  }

  void RequiredTimestamp(std::string_view key) {
    const Json* value = Required(key);
    if (value == nullptr) {
      return;
    }
    if (!value->is_string()) {
      Add(key, fmt::format("must be an RFC 3339 timestamp string, not {}", value->type_name()));
      return;
    }
    CheckTimestamp(key, *value);
  }

  void OptionalTimestamp(std::string_view key) {
    const auto it = finding_.find(key);
    if (it == finding_.end() || it->is_null()) {
      return;
    }
    if (!it->is_string()) {
      Add(key, fmt::format("must be an RFC 3339 timestamp string, not {}", it->type_name()));
      return;
    }
    CheckTimestamp(key, *it);
  }

  void CheckTimestamp(std::string_view key, const Json& value) {
    const auto& text = value.get_ref<const std::string&>();
    if (!IsAsffTimestamp(text)) {
      Add(key, fmt::format("{} is not an RFC 3339 timestamp with a time zone, such as "
                           "2026-01-31T12:00:00Z or 2026-01-31T14:00:00.5+02:00",
                           ShownValue(text)));
    }
  }

  void CheckTypes() {
    const Json* types = Required("Types");
    if (types == nullptr) {
      return;
    }
    if (!types->is_array() || types->empty()) {
      Add("Types",
          "must be a non-empty array of strings such as "
          "\"Software and Configuration Checks/Vulnerabilities/CVE\"");
      return;
    }
    if (types->size() > kMaxTypes) {
      Add("Types", fmt::format("has {} entries; the maximum is {}", types->size(), kMaxTypes));
    }
    for (std::size_t i = 0; i < types->size(); ++i) {
      const Json& type = (*types)[i];
      const std::string type_path = JsonPathIndex(JsonPathMember(path_, "Types"), i);
      if (!type.is_string() || type.get_ref<const std::string&>().empty()) {
        AddAt(type_path, "must be a non-empty string");
      } else if (auto problem = TypeProblem(type.get_ref<const std::string&>())) {
        AddAt(type_path, *std::move(problem));
      }
    }
  }

  void CheckProductArn() {
    const auto it = finding_.find("ProductArn");
    if (it == finding_.end() || !it->is_string() ||
        it->get_ref<const std::string&>().find_first_not_of(" \t\r\n") == std::string::npos) {
      return;  // RequiredString reports these
    }
    if (!IsProductArn(it->get_ref<const std::string&>())) {
      Add("ProductArn",
          fmt::format("{} is not a Security Hub product ARN; write it as "
                      "arn:PARTITION:securityhub:REGION:ACCOUNT:product/COMPANY/PRODUCT, such as "
                      "arn:aws:securityhub:us-east-1::product/aquasecurity/aquasecurity",
                      ShownValue(it->get_ref<const std::string&>())));
    }
  }

  void CheckSeverity() {
    const Json* severity = Required("Severity");
    if (severity == nullptr) {
      return;
    }
    const std::string severity_path = JsonPathMember(path_, "Severity");
    if (!severity->is_object()) {
      Add("Severity", "must be an object with Label or Normalized");
      return;
    }
    const auto label = severity->find("Label");
    const auto normalized = severity->find("Normalized");
    const bool has_label = label != severity->end();
    const bool has_normalized = normalized != severity->end();
    if (!has_label && !has_normalized) {
      Add("Severity", "needs Label (INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL) or Normalized");
    }
    if (has_label && (!label->is_string() || !ParseLabel(label->get<std::string>()))) {
      AddAt(JsonPathMember(severity_path, "Label"),
            fmt::format("{} is not one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL",
                        label->dump()));
    }
    if (has_normalized) {
      CheckIntegerRange(*normalized, JsonPathMember(severity_path, "Normalized"), 0, 100);
    }
  }

  void CheckResources() {
    const Json* resources = Required("Resources");
    if (resources == nullptr) {
      return;
    }
    const std::string resources_path = JsonPathMember(path_, "Resources");
    if (!resources->is_array() || resources->empty()) {
      Add("Resources", "must be a non-empty array of objects with Type and Id");
      return;
    }
    if (resources->size() > kMaxResources) {
      Add("Resources",
          fmt::format("has {} entries; the maximum is {}", resources->size(), kMaxResources));
    }
    for (std::size_t i = 0; i < resources->size(); ++i) {
      const Json& resource = (*resources)[i];
      const std::string resource_path = JsonPathIndex(resources_path, i);
      if (!resource.is_object()) {
        AddAt(resource_path, "must be an object with Type and Id");
        continue;
      }
      for (const char* key : {"Type", "Id"}) {
        const auto it = resource.find(key);
        if (it == resource.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
          AddAt(JsonPathMember(resource_path, key), "required non-empty string is missing");
        }
      }
    }
  }

  void CheckEnum(std::string_view dotted, std::initializer_list<std::string_view> allowed) {
    const Json* value = FindPath(finding_, dotted);
    if (value == nullptr) {
      return;
    }
    if (value->is_string()) {
      for (const auto candidate : allowed) {
        if (value->get_ref<const std::string&>() == candidate) {
          return;
        }
      }
    }
    AddAt(JsonPathMember(path_, dotted),
          fmt::format("{} is not one of {}", value->dump(), fmt::join(allowed, ", ")));
  }

  // Checks an optional string at a dotted path, such as Remediation.Recommendation.Text.
  void CheckOptionalText(std::string_view dotted, std::size_t max_length) {
    const Json* value = FindPath(finding_, dotted);
    if (value == nullptr || value->is_null()) {
      return;
    }
    if (!value->is_string()) {
      AddAt(JsonPathMember(path_, dotted),
            fmt::format("must be a string, not {}", value->type_name()));
    } else if (const std::size_t length = CountCharacters(value->get_ref<const std::string&>());
               length > max_length) {
      AddAt(JsonPathMember(path_, dotted),
            fmt::format("is {} characters long; the maximum is {}", length, max_length));
    }
  }

  // Checks an optional map of string values, such as UserDefinedFields: at most 50 entries,
  // keys of 1 to 128 characters, values of at most `max_value`.
  void CheckStringMap(std::string_view key, std::size_t max_value) {
    const auto it = finding_.find(key);
    if (it == finding_.end()) {
      return;
    }
    if (!it->is_object()) {
      Add(key, fmt::format("must be an object of string values, not {}", it->type_name()));
      return;
    }
    if (it->size() > kMaxMapEntries) {
      Add(key, fmt::format("has {} entries; the maximum is {}", it->size(), kMaxMapEntries));
    }
    const std::string map_path = JsonPathMember(path_, key);
    for (const auto& [name, value] : it->items()) {
      if (name.empty() || CountCharacters(name) > kMaxMapKey) {
        AddAt(JsonPathMember(map_path, name),
              fmt::format("keys must be 1 to {} characters long", kMaxMapKey));
      } else if (!value.is_string()) {
        AddAt(JsonPathMember(map_path, name),
              fmt::format("must be a string, not {}", value.type_name()));
      } else if (CountCharacters(value.get_ref<const std::string&>()) > max_value) {
        AddAt(JsonPathMember(map_path, name),
              fmt::format("is longer than the maximum of {} characters", max_value));
      }
    }
  }

  void CheckSchemaVersion() {
    const auto it = finding_.find("SchemaVersion");
    if (it == finding_.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return;  // RequiredString reports these
    }
    if (it->get_ref<const std::string&>() != kSchemaVersion) {
      Add("SchemaVersion", fmt::format("{} is not a version of the format; the only one is \"{}\"",
                                       it->dump(), kSchemaVersion));
    }
  }

  // Checks an optional Note: Text (at most 512 characters), UpdatedBy and UpdatedAt.
  void CheckNote() {
    const auto it = finding_.find("Note");
    if (it == finding_.end()) {
      return;
    }
    if (!it->is_object()) {
      Add("Note", "must be an object with Text, UpdatedBy and UpdatedAt");
      return;
    }
    const std::string note_path = JsonPathMember(path_, "Note");
    Checker note(*it, note_path);
    note.RequiredString("Text", kMaxNoteText);
    note.RequiredString("UpdatedBy", kMaxNoteUpdatedBy);
    note.RequiredTimestamp("UpdatedAt");
    for (Problem& problem : note.Take()) {
      problems_.push_back(std::move(problem));
    }
  }

  void CheckOptionalRange(std::string_view key, int low, int high) {
    const auto it = finding_.find(key);
    if (it != finding_.end()) {
      CheckIntegerRange(*it, JsonPathMember(path_, key), low, high);
    }
  }

 private:
  void CheckIntegerRange(const Json& value, std::string path, int low, int high) {
    if (!value.is_number()) {
      AddAt(std::move(path), fmt::format("must be a number from {} to {}", low, high));
      return;
    }
    const double number = value.get<double>();
    if (number < low || number > high) {
      AddAt(std::move(path), fmt::format("{} is outside {}-{}", value.dump(), low, high));
    } else if (number != std::floor(number)) {
      // ASFF defines these as integers, and a cut fraction could move a severity's label.
      AddAt(std::move(path),
            fmt::format("{} must be a whole number from {} to {}", value.dump(), low, high));
    }
  }

  const Json& finding_;
  const std::string& path_;
  std::vector<Problem> problems_;
};

// Returns true for a non-empty ARN field of lower-case letters, digits and hyphens, such as a
// partition ("aws-cn") or a region ("us-east-1").
bool IsArnToken(std::string_view text) {
  return !text.empty() &&
         text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

}  // namespace

std::optional<std::string> TypeProblem(std::string_view type) {
  const std::string_view name_space = type.substr(0, type.find('/'));
  for (const std::string_view known : kTypeNamespaces) {
    if (name_space == known) {
      return std::nullopt;
    }
  }
  return fmt::format(
      "{} is not in an ASFF namespace; write it as namespace/category/classifier with the "
      "namespace one of {}, such as \"Software and Configuration Checks/Vulnerabilities/CVE\"",
      ShownValue(std::string(type)), fmt::join(kTypeNamespaces, ", "));
}

bool IsProductArn(std::string_view arn) {
  std::string_view fields[6];
  for (std::size_t i = 0; i < 5; ++i) {
    const std::size_t colon = arn.find(':');
    if (colon == std::string_view::npos) {
      return false;
    }
    fields[i] = arn.substr(0, colon);
    arn.remove_prefix(colon + 1);
  }
  fields[5] = arn;
  const std::string_view account = fields[4];
  const bool account_valid =
      account.empty() ||
      (account.size() == 12 && account.find_first_not_of("0123456789") == std::string_view::npos);
  constexpr std::string_view kProduct = "product/";
  return fields[0] == "arn" && IsArnToken(fields[1]) && fields[2] == "securityhub" &&
         IsArnToken(fields[3]) && account_valid && fields[5].starts_with(kProduct) &&
         fields[5].size() > kProduct.size();
}

std::vector<Problem> ValidateFinding(const Json& finding, const std::string& path) {
  if (!finding.is_object()) {
    return {{path, fmt::format("a finding must be a JSON object, not {}", finding.type_name())}};
  }
  Checker checker(finding, path);
  checker.RequiredString("SchemaVersion", 64);
  checker.CheckSchemaVersion();
  checker.RequiredString("Id", kMaxId);
  checker.RequiredString("ProductArn", 2048);
  checker.CheckProductArn();
  checker.RequiredString("GeneratorId", 512);
  checker.RequiredString("AwsAccountId", 64);
  checker.CheckTypes();
  checker.RequiredTimestamp("CreatedAt");
  checker.RequiredTimestamp("UpdatedAt");
  checker.OptionalTimestamp("FirstObservedAt");
  checker.OptionalTimestamp("LastObservedAt");
  checker.OptionalTimestamp("ProcessedAt");
  checker.CheckSeverity();
  checker.RequiredString("Title", kMaxTitle);
  checker.RequiredString("Description", kMaxDescription);
  checker.CheckResources();
  checker.CheckEnum("Workflow.Status", {"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"});
  checker.CheckEnum("RecordState", {"ACTIVE", "ARCHIVED"});
  checker.CheckEnum("Compliance.Status", {"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"});
  checker.CheckEnum("VerificationState",
                    {"UNKNOWN", "TRUE_POSITIVE", "FALSE_POSITIVE", "BENIGN_POSITIVE"});
  checker.CheckOptionalRange("Confidence", 0, 100);
  checker.CheckOptionalRange("Criticality", 0, 100);
  checker.CheckStringMap("UserDefinedFields", kMaxUserDefinedValue);
  checker.CheckStringMap("ProductFields", kMaxProductFieldValue);
  checker.CheckNote();
  checker.CheckOptionalText("Remediation.Recommendation.Text", kMaxRecommendationText);
  return checker.Take();
}

std::string DescribeProblems(const Json& finding, const std::vector<Problem>& problems) {
  std::string id = StringOr(finding, "Id", "");
  // An Id far over its limit is shown cut at a character boundary, so that the message does
  // not repeat it whole.
  constexpr std::size_t kShownId = 200;
  std::string text = id.empty() ? "finding without Id" : fmt::format("finding \"{}\"", id);
  if (id.size() > kShownId) {
    std::size_t end = kShownId;
    while (end > 0 && (static_cast<unsigned char>(id[end]) & 0xC0) == 0x80) {
      --end;
    }
    text = fmt::format("finding \"{}...\" (an Id of {} bytes)", id.substr(0, end), id.size());
  }
  for (std::size_t i = 0; i < problems.size(); ++i) {
    text += fmt::format("{} {}: {}", i == 0 ? ":" : ";", problems[i].path, problems[i].message);
  }
  return text;
}

void Normalize(Json& finding) {
  if (auto it = finding.find("Severity"); it != finding.end()) {
    ReconcileSeverity(*it);
  }
  if (!finding.contains("RecordState")) {
    finding["RecordState"] = "ACTIVE";
  }
  Json& workflow = finding["Workflow"];
  if (!workflow.is_object()) {
    workflow = Json::object();
  }
  if (!workflow.contains("Status")) {
    workflow["Status"] = "NEW";
  }
}

}  // namespace rampart::finding
