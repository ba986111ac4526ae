// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format): one finding per result of
// every run, with the rule's metadata from tool.driver.rules.
#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "core/hash.h"
#include "ingest/dom.h"
#include "ingest/finding_fields.h"
#include "ingest/readers.h"

namespace rampart::ingest {
namespace {

// The label for a SARIF level (SARIF 2.1.0 section 3.27.10; "warning" when absent).
std::string_view LabelForLevel(std::string_view level) {
  if (level == "error") {
    return "HIGH";
  }
  if (level == "note") {
    return "LOW";
  }
  if (level == "none") {
    return "INFORMATIONAL";
  }
  return "MEDIUM";
}

// GitHub code scanning's "security-severity" rule property: a CVSS-like score, written as
// a string by most tools and as a number by some.
std::optional<double> SecuritySeverity(Node rule) {
  const Node value = rule["properties"]["security-severity"];
  if (auto number = value.Number()) {
    return number;
  }
  const std::string text(value.String());
  if (text.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double score = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || score < 0 || score > 10) {
    return std::nullopt;
  }
  return score;
}

bool HasTag(Node rule, std::string_view tag) {
  for (const Node item : rule["properties"]["tags"].Items()) {
    if (item.String() == tag) {
      return true;
    }
  }
  return false;
}

struct Run {
  const ReadOptions& options;
  std::string tool;
  std::string company;
  std::string timestamp;
  std::vector<Node> rules;
  std::unordered_map<std::string_view, Node> rules_by_id;
};

Node FindRule(const Run& run, Node result) {
  if (auto index = result["ruleIndex"].Number();
      index && *index >= 0 && *index < static_cast<double>(run.rules.size())) {
    return run.rules[static_cast<std::size_t>(*index)];
  }
  std::string_view id = result["ruleId"].String();
  if (id.empty()) {
    id = result["rule"]["id"].String();
  }
  const auto found = run.rules_by_id.find(id);
  return found == run.rules_by_id.end() ? Node() : found->second;
}

std::string_view RuleId(Node result, Node rule) {
  for (const std::string_view id :
       {result["ruleId"].String(), result["rule"]["id"].String(), rule["id"].String()}) {
    if (!id.empty()) {
      return id;
    }
  }
  return {};
}

std::string MessageText(Node result, Node rule) {
  const Node message = result["message"];
  if (!message["text"].String().empty()) {
    return std::string(message["text"].String());
  }
  if (!message["markdown"].String().empty()) {
    return std::string(message["markdown"].String());
  }
  const Node template_string = rule["messageStrings"][message["id"].String()];
  return std::string(template_string["text"].String());
}

// Fingerprints identify a result across runs by design; without them the rule, place and
// message do.
std::string ResultIdentity(const Run& run, Node result, std::string_view rule_id,
                           std::string_view uri, std::string_view line, std::string_view message) {
  std::vector<std::string> prints;
  for (const char* member : {"fingerprints", "partialFingerprints"}) {
    const Node map = result[member];
    for (const std::string_view key : map.Keys()) {
      prints.push_back(fmt::format("{}={}", key, map[key].String()));
    }
  }
  if (!prints.empty()) {
    std::sort(prints.begin(), prints.end());
    return StableId({"sarif", run.tool, rule_id, fmt::format("{}", fmt::join(prints, "\n"))});
  }
  return StableId({"sarif", run.tool, rule_id, uri, line, message});
}

Json ResultFinding(const Run& run, Node result, Node rule, std::string_view rule_id) {
  const Node location =
      result["locations"].Items().empty() ? Node() : result["locations"].Items().front();
  const Node physical = location["physicalLocation"];
  std::string_view uri = physical["artifactLocation"]["uri"].String();
  if (uri.empty()) {
    uri = location["logicalLocations"].Items().empty()
              ? std::string_view()
              : location["logicalLocations"].Items().front()["fullyQualifiedName"].String();
  }
  const auto start_line = physical["region"]["startLine"].Number();
  const std::string line = start_line ? fmt::format("{}", *start_line) : std::string();
  const std::string message = MessageText(result, rule);
  const std::string tool_part = ProductArnPart(run.tool, "sarif");

  Json finding = StartFinding(
      run.options, Product{run.company, run.tool, {}, {}},
      fmt::format("{}/{}", tool_part, ResultIdentity(run, result, rule_id, uri, line, message)),
      fmt::format("{}/{}", tool_part, rule_id), run.timestamp);
  const bool vulnerability = HasTag(rule, "vulnerability") || rule_id.substr(0, 4) == "CVE-";
  finding["Types"] = Json::array(
      {vulnerability ? kVulnerabilityType : std::string_view("Software and Configuration Checks")});
  std::string_view level = result["level"].String();
  if (level.empty()) {
    level = rule["defaultConfiguration"]["level"].String();
  }
  const std::string_view kind = result["kind"].String();
  if (auto score = SecuritySeverity(rule); score && kind != "pass") {
    finding["Severity"] = {{"Label", LabelForCvssScore(*score)},
                           {"Original", fmt::format("{}", *score)}};
  } else {
    finding["Severity"] = {{"Label", kind == "pass" || kind == "informational"
                                         ? "INFORMATIONAL"
                                         : LabelForLevel(level)}};
    if (!level.empty()) {
      finding["Severity"]["Original"] = level;
    }
  }
  if (kind == "pass") {
    finding["Compliance"] = {{"Status", "PASSED"}};
  } else if (kind == "notApplicable") {
    finding["Compliance"] = {{"Status", "NOT_AVAILABLE"}};
  }
  std::string_view short_text = rule["shortDescription"]["text"].String();
  const std::string first_line = message.substr(0, message.find('\n'));
  finding["Title"] =
      Truncate(fmt::format("{}: {}", rule_id,
                           short_text.empty() ? std::string_view(first_line) : short_text),
               kMaxTitleLength);
  finding["Description"] =
      Truncate(message.empty() ? std::string(rule_id) : message, kMaxDescriptionLength);
  Json resource = MakeResource(run.options, "Other", uri.empty() ? run.options.source_name : uri);
  if (!uri.empty()) {
    resource["Details"]["Other"]["Uri"] = Truncate(uri, kMaxFieldValueLength);
  }
  if (!line.empty()) {
    resource["Details"]["Other"]["StartLine"] = line;
  }
  finding["Resources"] = Json::array({std::move(resource)});
  std::string_view help = rule["help"]["text"].String();
  if (help.empty()) {
    help = rule["fullDescription"]["text"].String();
  }
  if (!help.empty()) {
    finding["Remediation"]["Recommendation"]["Text"] = Truncate(help, 512);
  }
  if (!rule["helpUri"].String().empty()) {
    finding["Remediation"]["Recommendation"]["Url"] = rule["helpUri"].String();
  }
  if (vulnerability) {
    finding["Vulnerabilities"] = Json::array({{{"Id", rule_id}}});
  }
  if (result["suppressions"].Size() > 0) {
    finding["Workflow"] = {{"Status", "SUPPRESSED"}};
  }
  return finding;
}

Run MakeRun(const ReadOptions& options, Node run_node) {
  const Node driver = run_node["tool"]["driver"];
  Run run{options,
          std::string(driver["name"].String()),
          std::string(driver["organization"].String()),
          "",
          driver["rules"].Items(),
          {}};
  if (run.tool.empty()) {
    run.tool = "SARIF";
  }
  if (run.company.empty()) {
    run.company = run.tool;
  }
  for (const Node rule : run.rules) {
    run.rules_by_id.emplace(rule["id"].String(), rule);
  }
  const Node invocation =
      run_node["invocations"].Items().empty() ? Node() : run_node["invocations"].Items().front();
  std::string_view time = invocation["endTimeUtc"].String();
  if (time.empty()) {
    time = invocation["startTimeUtc"].String();
  }
  run.timestamp = ReportTime(time, options);
  return run;
}

class SarifReader final : public Reader {
 public:
  std::string_view Name() const override { return "sarif"; }
  bool NeedsDocument() const override { return false; }

  bool Detect(const Input& input) const override {
    if (input.dom == nullptr) {
      return false;
    }
    const Node root(*input.dom);
    return root["runs"].IsArray() &&
           (root["version"].IsString() ||
            root["$schema"].String().find("sarif") != std::string_view::npos);
  }

  Status Read(const Input& input, const ReadOptions& options, ReadResult& result) const override {
    DomDocument storage;
    auto root = ResolveDom(input, options.source_name, storage);
    if (!root) {
      return root.status();
    }
    if ((*root)["version"].String() != "2.1.0") {
      return InvalidArgument(fmt::format("{}: $.version is {}; this reader reads SARIF 2.1.0",
                                         options.source_name, (*root)["version"].ToJson().dump()));
    }
    const std::size_t before = result.findings.size() + result.rejected.size();
    std::size_t run_index = 0;
    for (const Node run_node : (*root)["runs"].Items()) {
      const std::string run_path = JsonPathIndex("$.runs", run_index++);
      const Run run = MakeRun(options, run_node);
      std::size_t index = 0;
      for (const Node item : run_node["results"].Items()) {
        const std::string path = JsonPathIndex(JsonPathMember(run_path, "results"), index++);
        const Node rule = FindRule(run, item);
        const std::string_view rule_id = RuleId(item, rule);
        if (rule_id.empty()) {
          result.rejected.push_back(
              {path, fmt::format("{}.ruleId: the result names no rule (ruleId, rule.id or "
                                 "ruleIndex)",
                                 path)});
          continue;
        }
        AddFinding(ResultFinding(run, item, rule, rule_id), path, result);
      }
    }
    if (result.findings.size() + result.rejected.size() == before) {
      result.note = "the SARIF log contains no results";
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Reader> MakeSarifReader() { return std::make_unique<SarifReader>(); }

}  // namespace rampart::ingest
