// AWS Security Finding Format in the wrappings seen in the field: one finding object, an
// array (Prowler's json-asff), a BatchImportFindings body {"Findings": [...]} (Trivy's ASFF
// template), an EventBridge event from Security Hub with detail.findings or an array of such
// events, and JSON lines with one finding or one event per line.
#include <fmt/format.h>

#include "ingest/dom.h"
#include "ingest/json_lines.h"
#include "ingest/readers.h"

namespace rampart::ingest {
namespace {

constexpr std::string_view kImported = "Security Hub Findings - Imported";
constexpr std::string_view kCustomAction = "Security Hub Findings - Custom Action";

bool IsSecurityHubFindingsEvent(Node root) {
  const std::string_view detail_type = root["detail-type"].String();
  return (detail_type == kImported || detail_type == kCustomAction) &&
         root["detail"]["findings"].IsArray();
}

bool LooksLikeFinding(Node node) {
  return node.IsObject() && node["SchemaVersion"].IsString() &&
         (node["ProductArn"].present() || node["GeneratorId"].present());
}

bool IsBatchBody(Node root) { return root["Findings"].IsArray(); }

// An array of Security Hub events, as an archive or a dead-letter queue of EventBridge keeps
// them.
bool IsEventArray(Node root) {
  if (!root.IsArray()) {
    return false;
  }
  const auto items = root.Items();
  return !items.empty() && IsSecurityHubFindingsEvent(items.front());
}

bool IsFindingArray(Node root) {
  if (!root.IsArray()) {
    return false;
  }
  const auto items = root.Items();
  return items.empty() || LooksLikeFinding(items.front());
}

// Workflow.Status for the retired WorkflowState, which Security Hub replaced with it:
// ASSIGNED and IN_PROGRESS mean someone was notified, and DEFERRED means set aside.
// NOTE: this table follows the meaning of each state; it is not taken from a published
// mapping.
std::string_view StatusForWorkflowState(std::string_view state) {
  if (state == "ASSIGNED" || state == "IN_PROGRESS") {
    return "NOTIFIED";
  }
  if (state == "DEFERRED") {
    return "SUPPRESSED";
  }
  if (state == "RESOLVED") {
    return "RESOLVED";
  }
  return "NEW";
}

void AddAsffFinding(Json finding, const std::string& path, ReadResult& result) {
  if (finding.is_object() && !finding.contains("Workflow")) {
    const auto state = finding.find("WorkflowState");
    if (state != finding.end() && state->is_string()) {
      finding["Workflow"] = {{"Status", StatusForWorkflowState(state->get<std::string>())}};
    }
  }
  AddFinding(std::move(finding), path, result);
}

void AddArray(Node array, const std::string& path, ReadResult& result) {
  std::size_t index = 0;
  for (const Node item : array.Items()) {
    AddAsffFinding(item.ToJson(), JsonPathIndex(path, index++), result);
  }
  if (index == 0) {
    result.note = fmt::format("the array at {} contains no findings", path);
  }
}

Status ReadJsonLines(std::string_view text, ReadResult& result) {
  simdjson::dom::parser parser;
  for (const TextLine& line : NonBlankLines(text)) {
    const std::string path = fmt::format("line {}", line.number);
    simdjson::dom::element value;
    if (parser.parse(line.text.data(), line.text.size(), true).get(value) != simdjson::SUCCESS) {
      auto parsed = ParseJsonLine(line.text, line.number);
      result.rejected.push_back(
          {path, parsed ? path + ": the line is not one JSON value" : parsed.status().message()});
      continue;
    }
    const Node node(value);
    if (IsSecurityHubFindingsEvent(node)) {
      AddArray(node["detail"]["findings"], path + " $.detail.findings", result);
    } else {
      AddAsffFinding(node.ToJson(), path + " $", result);
    }
  }
  return Status::Ok();
}

void AddEvents(Node events, ReadResult& result) {
  std::size_t index = 0;
  for (const Node event : events.Items()) {
    const std::string path = JsonPathIndex("$", index++);
    if (IsSecurityHubFindingsEvent(event)) {
      AddArray(event["detail"]["findings"], path + ".detail.findings", result);
    } else {
      result.rejected.push_back(
          {path,
           path + ": not a Security Hub findings event, as the first element of the array is"});
    }
  }
}

class AsffReader final : public Reader {
 public:
  std::string_view Name() const override { return "asff"; }
  bool NeedsDocument() const override { return false; }

  bool Detect(const Input& input) const override {
    if (input.dom == nullptr) {
      return DetectJsonLines(input.text);
    }
    const Node root(*input.dom);
    return IsBatchBody(root) || IsSecurityHubFindingsEvent(root) || IsFindingArray(root) ||
           IsEventArray(root) || LooksLikeFinding(root);
  }

  Status Read(const Input& input, const ReadOptions& options, ReadResult& result) const override {
    if (input.dom == nullptr && input.document == nullptr && LooksLikeJsonLines(input.text)) {
      return ReadJsonLines(input.text, result);
    }
    DomDocument storage;
    auto root = ResolveDom(input, options.source_name, storage);
    if (!root) {
      return root.status();
    }
    if (IsBatchBody(*root)) {
      AddArray((*root)["Findings"], "$.Findings", result);
    } else if (IsSecurityHubFindingsEvent(*root)) {
      AddArray((*root)["detail"]["findings"], "$.detail.findings", result);
    } else if (IsEventArray(*root)) {
      AddEvents(*root, result);
    } else if (root->IsArray()) {
      AddArray(*root, "$", result);
    } else if (root->IsObject()) {
      AddAsffFinding(root->ToJson(), "$", result);
    } else {
      return InvalidArgument(fmt::format(
          "{}: ASFF input must be a finding object, an array of findings, {{\"Findings\": [...]}} "
          "or a Security Hub EventBridge event",
          options.source_name));
    }
    return Status::Ok();
  }

 private:
  static bool DetectJsonLines(std::string_view text) {
    const TextLine first = FirstNonBlankLine(text);
    simdjson::dom::parser parser;
    simdjson::dom::element value;
    if (parser.parse(first.text.data(), first.text.size(), true).get(value) != simdjson::SUCCESS) {
      return false;
    }
    return LooksLikeFinding(Node(value)) || IsSecurityHubFindingsEvent(Node(value));
  }
};

}  // namespace

std::unique_ptr<Reader> MakeAsffReader() { return std::make_unique<AsffReader>(); }

}  // namespace rampart::ingest
