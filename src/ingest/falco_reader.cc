// Falco alerts as Falco writes them with json_output enabled: one JSON object per line with
// time, rule, priority, output, output_fields, source, tags and hostname. Each alert is one
// finding; its Id is derived from the alert itself, so reading the same log twice updates
// the same findings.
#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/hash.h"
#include "ingest/field_mapping.h"
#include "ingest/more_readers.h"

namespace rampart::ingest {
namespace {

using detail::ArrayMember;
using detail::IntegerMember;
using detail::Member;
using detail::ObjectMember;
using detail::StringMember;

// Maximum length of a first line that Detect parses; a longer line is not taken for an
// alert.
constexpr std::size_t kMaxDetectLineBytes = std::size_t{1} << 20;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsAlert(const Json& value) {
  return !StringMember(value, "rule").empty() && !StringMember(value, "priority").empty() &&
         (Member(value, "output") != nullptr || ObjectMember(value, "output_fields") != nullptr);
}

// Maps a Falco priority (falco.org, "Rule fields": emergency, alert, critical, error,
// warning, notice, informational, debug) to an ASFF label:
//   Emergency, Alert, Critical -> CRITICAL
//   Error                      -> HIGH
//   Warning                    -> MEDIUM
//   Notice, Informational      -> LOW
//   Debug                      -> INFORMATIONAL, since Debug rules report activity, not risk
std::optional<std::string_view> SeverityLabel(std::string_view priority) {
  static constexpr std::pair<std::string_view, std::string_view> kLabels[] = {
      {"emergency", "CRITICAL"}, {"alert", "CRITICAL"}, {"critical", "CRITICAL"},
      {"error", "HIGH"},         {"warning", "MEDIUM"}, {"notice", "LOW"},
      {"informational", "LOW"},  {"info", "LOW"},       {"debug", "INFORMATIONAL"}};
  for (const auto& [name, label] : kLabels) {
    if (EqualsIgnoreCase(priority, name)) {
      return label;
    }
  }
  return std::nullopt;
}

// Returns the value of output_fields[key] as text. Returns "" when the field is absent,
// null or "<NA>", which Falco writes for a field without a value for the event.
std::string Field(const Json& fields, std::string_view key) {
  const Json* value = Member(fields, key);
  if (value == nullptr) {
    return "";
  }
  std::string text = value->is_string() ? value->get<std::string>() : value->dump();
  return text == "<NA>" ? "" : text;
}

// Maps Falco's MITRE ATT&CK tactic tags ("mitre_privilege_escalation") to ASFF TTPs
// categories ("TTPs/Privilege Escalation"); without one, the kind of behaviour observed.
Json Types(const Json& alert, bool in_container) {
  Json types = Json::array();
  if (const Json* tags = ArrayMember(alert, "tags")) {
    for (const Json& tag : *tags) {
      if (!tag.is_string() || !tag.get_ref<const std::string&>().starts_with("mitre_")) {
        continue;
      }
      std::string tactic = tag.get<std::string>().substr(6);
      bool word_start = true;
      for (char& c : tactic) {
        if (c == '_') {
          c = ' ';
          word_start = true;
        } else if (word_start) {
          c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          word_start = false;
        }
      }
      if (const auto and_at = tactic.find(" And "); and_at != std::string::npos) {
        tactic.replace(and_at, 5, " and ");
      }
      Json type = fmt::format("TTPs/{}", tactic);
      if (!tactic.empty() && std::find(types.begin(), types.end(), type) == types.end()) {
        types.push_back(std::move(type));
      }
    }
  }
  if (types.empty()) {
    const std::string_view source = StringMember(alert, "source");
    const bool syscall = source.empty() || source == "syscall";
    types.push_back(!syscall       ? "Unusual Behaviors/Application"
                    : in_container ? "Unusual Behaviors/Container"
                                   : "Unusual Behaviors/Process");
  }
  return types;
}

std::string HostName(const Json& alert, const Json& fields) {
  std::string host(StringMember(alert, "hostname"));
  if (host.empty()) {
    host = Field(fields, "evt.hostname");
  }
  return host.empty() ? "unknown" : host;
}

Json ContainerResource(const Json& fields, const std::string& container_id) {
  Json details = Json::object();
  detail::SetIfNotEmpty(details, "Name", Field(fields, "container.name"));
  detail::SetIfNotEmpty(details, "ImageId", Field(fields, "container.image.id"));
  std::string image = Field(fields, "container.image.repository");
  if (const std::string tag = Field(fields, "container.image.tag");
      !image.empty() && !tag.empty()) {
    image += ":" + tag;
  }
  detail::SetIfNotEmpty(details, "ImageName",
                        image.empty() ? Field(fields, "container.image") : image);
  Json resource = {{"Type", "Container"}, {"Id", container_id}};
  resource["Details"]["Container"] = std::move(details);
  Json other = Json::object();
  detail::SetOtherDetail(other, "KubernetesNamespace", Field(fields, "k8s.ns.name"));
  detail::SetOtherDetail(other, "KubernetesPod", Field(fields, "k8s.pod.name"));
  if (!other.empty()) {
    resource["Details"]["Other"] = std::move(other);
  }
  return resource;
}

// The resource an alert is about: the container, the Kubernetes object of an audit event,
// or else the host.
Json Resource(const Json& alert, const Json& fields, const std::string& container_id) {
  if (!container_id.empty()) {
    return ContainerResource(fields, container_id);
  }
  const std::string target = Field(fields, "ka.target.name");
  if (!target.empty()) {
    return {{"Type", "Other"},
            {"Id", fmt::format("kubernetes/{}/{}/{}", Field(fields, "ka.target.resource"),
                               Field(fields, "ka.target.namespace"), target)}};
  }
  return {{"Type", "Other"}, {"Id", fmt::format("host/{}", HostName(alert, fields))}};
}

void AddProcess(const Json& fields, Json& finding) {
  Json process = Json::object();
  detail::SetIfNotEmpty(process, "Name", Field(fields, "proc.name"));
  std::string path = Field(fields, "proc.exepath");
  detail::SetIfNotEmpty(process, "Path", path.empty() ? Field(fields, "proc.exe") : path);
  for (const auto& [from, to] :
       {std::pair{"proc.pid", "Pid"}, std::pair{"proc.ppid", "ParentPid"}}) {
    if (auto pid = IntegerMember(fields, from);
        pid && *pid >= 0 && *pid <= std::numeric_limits<int>::max()) {
      process[to] = *pid;
    }
  }
  if (!process.empty()) {
    finding["Process"] = std::move(process);
  }
}

void AddAlertFields(const Json& alert, const Json& fields, Json& finding) {
  for (const char* key : {"rule", "priority", "source", "hostname"}) {
    if (const std::string_view value = StringMember(alert, key); !value.empty()) {
      detail::AddProductField(finding, fmt::format("falco/{}", key), value);
    }
  }
  if (const Json* tags = ArrayMember(alert, "tags")) {
    std::string joined;
    for (const Json& tag : *tags) {
      if (tag.is_string()) {
        joined += (joined.empty() ? "" : ",") + tag.get<std::string>();
      }
    }
    detail::AddProductField(finding, "falco/tags", joined);
  }
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      detail::AddProductField(finding, fmt::format("falco/output_fields/{}", key),
                              value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
}

class FalcoReader final : public Reader {
 public:
  std::string_view Name() const override { return "falco"; }

  bool Detect(const Input& input) const override {
    if (input.document != nullptr) {
      const Json& document = *input.document;
      return document.is_array() ? !document.empty() && IsAlert(document.front())
                                 : IsAlert(document);
    }
    const std::string_view line = detail::Trim(detail::FirstNonBlankLine(input.text));
    if (line.empty() || line.front() != '{' || line.size() > kMaxDetectLineBytes) {
      return false;
    }
    auto parsed = ParseJson(line, "first line");
    return parsed && IsAlert(*parsed);
  }

  Status Read(const Input& input, const ReadOptions& options, ReadResult& result) const override {
    if (!Detect(input)) {
      return InvalidArgument(fmt::format(
          "{}: not Falco alerts; expected one JSON object per line with rule, priority and "
          "output, as Falco writes with json_output: true",
          options.source_name));
    }
    if (input.document != nullptr) {
      ReadDocument(*input.document, options, result);
      return Status::Ok();
    }
    std::string_view text = input.text;
    for (std::size_t number = 1; !text.empty(); ++number) {
      const auto end = text.find('\n');
      const std::string_view line = detail::Trim(text.substr(0, end));
      text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
      if (!line.empty()) {
        ReadLine(line, number, options, result);
      }
    }
    return Status::Ok();
  }

 private:
  void ReadDocument(const Json& document, const ReadOptions& options, ReadResult& result) const {
    if (!document.is_array()) {
      ReadAlert(document, "$", "$", options, result);
      return;
    }
    for (std::size_t i = 0; i < document.size(); ++i) {
      const std::string path = JsonPathIndex("$", i);
      ReadAlert(document[i], path, path, options, result);
    }
  }

  // Reads line `number` of the text. Its errors name the line once and the file not at all,
  // because the caller prints the file name before every rejection.
  void ReadLine(std::string_view line, std::size_t number, const ReadOptions& options,
                ReadResult& result) const {
    const std::string place = fmt::format("line {}", number);
    auto parsed = ParseJsonLine(line, number);
    if (!parsed) {
      result.rejected.push_back({place, parsed.status().message()});
      return;
    }
    ReadAlert(*parsed, place, place + " $", options, result);
  }

  // Reads one alert found at `place` ("$[2]" or "line 3"). `path` is the JSON path of the
  // finding built from it, which its validation errors extend, such as "line 3 $".
  void ReadAlert(const Json& alert, const std::string& place, const std::string& path,
                 const ReadOptions& options, ReadResult& result) const {
    if (!IsAlert(alert)) {
      result.rejected.push_back(
          {place, fmt::format("{}: not a Falco alert; it needs rule, priority and output", place)});
      return;
    }
    const std::string_view priority = StringMember(alert, "priority");
    const auto label = SeverityLabel(priority);
    if (!label) {
      result.rejected.push_back(
          {place, fmt::format("{}: priority \"{}\" of rule \"{}\" is not a Falco priority; "
                              "expected Emergency, Alert, Critical, Error, Warning, Notice, "
                              "Informational or Debug",
                              place, priority, StringMember(alert, "rule"))});
      return;
    }
    AddFinding(BuildFinding(alert, *label, options), path, result);
  }

  Json BuildFinding(const Json& alert, std::string_view label, const ReadOptions& options) const {
    const Json empty = Json::object();
    const Json* fields_member = ObjectMember(alert, "output_fields");
    const Json& fields = fields_member == nullptr ? empty : *fields_member;
    const std::string_view rule = StringMember(alert, "rule");
    const std::string_view output = detail::Trim(StringMember(alert, "output"));
    const std::string_view time = StringMember(alert, "time");
    const std::string observed =
        detail::NormalizeTimestamp(time).value_or(FormatTimestamp(options.clock->Now()));
    std::string container_id = Field(fields, "container.id");
    if (container_id == "host") {
      container_id.clear();
    }
    const std::string identity = output.empty() ? fields.dump() : std::string(output);

    Json finding = {
        {"SchemaVersion", detail::kAsffSchemaVersion},
        {"Id", fmt::format("falco-{}",
                           StableId({rule, StringMember(alert, "source"), HostName(alert, fields),
                                     time, identity, StringMember(alert, "uuid")}))},
        {"ProductArn", ProductArn(options, "falcosecurity", "falco")},
        {"ProductName", "Falco"},
        {"CompanyName", "The Falco Project"},
        {"GeneratorId", detail::Truncate(fmt::format("falco/{}", rule), 512)},
        {"AwsAccountId", options.aws_account_id},
        {"Types", Types(alert, !container_id.empty())},
        {"CreatedAt", observed},
        {"UpdatedAt", observed},
        {"FirstObservedAt", observed},
        {"LastObservedAt", observed},
        {"Severity", {{"Label", label}, {"Original", StringMember(alert, "priority")}}},
        {"Title", detail::Truncate(rule, detail::kMaxTitleBytes)},
        {"Description",
         detail::Truncate(output.empty() ? rule : output, detail::kMaxDescriptionBytes)},
        {"Resources", Json::array({Resource(alert, fields, container_id)})},
    };
    AddProcess(fields, finding);
    AddAlertFields(alert, fields, finding);
    return finding;
  }
};

}  // namespace

std::unique_ptr<Reader> MakeFalcoReader() { return std::make_unique<FalcoReader>(); }

}  // namespace rampart::ingest
