// kube-bench JSON: Controls (one per node type) contain groups ("tests"), and each group
// contains check results ("results"). Field names follow kube-bench's check/controls.go.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "ingest/field_mapping.h"
#include "ingest/more_readers.h"

namespace rampart::ingest {
namespace {

using detail::ArrayMember;
using detail::Member;
using detail::ObjectMember;
using detail::StringMember;

constexpr std::string_view kType =
    "Software and Configuration Checks/Industry and Regulatory Standards/"
    "CIS Kubernetes Benchmark";

// The ASFF compliance status and severity label of one kube-bench result status.
struct StatusMapping {
  std::string_view compliance;
  std::string_view severity;
};

// Severity follows the status, since kube-bench reports no severity of its own:
//   FAIL, scored      -> HIGH    a failed check that counts towards the benchmark score
//   FAIL, not scored  -> MEDIUM  a failed check the benchmark does not score
//   WARN              -> LOW     kube-bench could not decide (a manual check, no tests, or
//                                an audit command that failed) or an unscored check failed;
//                                it needs a look but is no confirmed failure
//   INFO              -> INFORMATIONAL  a skipped check
//   PASS              -> INFORMATIONAL  which ASFF defines as "no issue was found"
std::optional<StatusMapping> MapStatus(std::string_view status, bool scored) {
  if (status == "FAIL") {
    return StatusMapping{"FAILED", scored ? "HIGH" : "MEDIUM"};
  }
  if (status == "WARN") {
    return StatusMapping{"WARNING", "LOW"};
  }
  if (status == "INFO") {
    return StatusMapping{"NOT_AVAILABLE", "INFORMATIONAL"};
  }
  if (status == "PASS") {
    return StatusMapping{"PASSED", "INFORMATIONAL"};
  }
  return std::nullopt;
}

// Returns the benchmark name: kube-bench writes "cis-1.8" today, and older releases wrote
// the bare number "1.5", which is given the "cis-" prefix.
std::string BenchmarkName(std::string_view version) {
  if (version.empty()) {
    return "unknown-benchmark";
  }
  if (std::isdigit(static_cast<unsigned char>(version.front()))) {
    return fmt::format("cis-{}", version);
  }
  return std::string(version);
}

bool IsControls(const Json& value) {
  return ArrayMember(value, "tests") != nullptr &&
         (Member(value, "node_type") != nullptr || Member(value, "version") != nullptr);
}

// One Controls object with its position in the file.
struct ControlsAt {
  const Json* controls;
  std::string path;
};

std::vector<ControlsAt> ListControls(const Json& document) {
  std::vector<ControlsAt> list;
  const Json* array = document.is_array() ? &document : ArrayMember(document, "Controls");
  const std::string base = document.is_array() ? "$" : "$.Controls";
  if (array == nullptr) {
    if (IsControls(document)) {
      list.push_back({&document, "$"});
    }
    return list;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    list.push_back({&(*array)[i], JsonPathIndex(base, i)});
  }
  return list;
}

class KubeBenchReader final : public Reader {
 public:
  std::string_view Name() const override { return "kube-bench"; }

  bool Detect(const Input& input) const override {
    if (input.document == nullptr) {
      return false;
    }
    const Json& document = *input.document;
    if (document.is_object()) {
      const Json* controls = ArrayMember(document, "Controls");
      if (controls != nullptr) {
        return ObjectMember(document, "Totals") != nullptr ||
               (!controls->empty() && IsControls(controls->front()));
      }
      return IsControls(document);
    }
    return document.is_array() && !document.empty() && IsControls(document.front());
  }

  Status Read(const Input& input, const ReadOptions& options, ReadResult& result) const override {
    if (!Detect(input)) {
      return InvalidArgument(fmt::format(
          "{}: not a kube-bench report; expected {{\"Controls\": [...], \"Totals\": {{...}}}} "
          "or an array of controls as kube-bench --json writes",
          options.source_name));
    }
    const std::size_t before = result.findings.size() + result.rejected.size();
    for (const ControlsAt& entry : ListControls(*input.document)) {
      ReadControls(entry, options, result);
    }
    if (result.findings.size() + result.rejected.size() == before) {
      result.note = "the kube-bench report holds no check results";
    }
    return Status::Ok();
  }

 private:
  void ReadControls(const ControlsAt& entry, const ReadOptions& options, ReadResult& result) const {
    const Json& controls = *entry.controls;
    if (!controls.is_object()) {
      result.rejected.push_back(
          {entry.path, entry.path + ": a kube-bench Controls entry must be an object"});
      return;
    }
    const Json* groups = ArrayMember(controls, "tests");
    if (groups == nullptr) {
      return;
    }
    const std::string groups_path = JsonPathMember(entry.path, "tests");
    for (std::size_t g = 0; g < groups->size(); ++g) {
      const Json& group = (*groups)[g];
      const Json* checks = ArrayMember(group, "results");
      if (checks == nullptr) {
        continue;
      }
      const std::string checks_path = JsonPathMember(JsonPathIndex(groups_path, g), "results");
      for (std::size_t c = 0; c < checks->size(); ++c) {
        ReadCheck(controls, group, (*checks)[c], JsonPathIndex(checks_path, c), options, result);
      }
    }
  }

  void ReadCheck(const Json& controls, const Json& group, const Json& check,
                 const std::string& path, const ReadOptions& options, ReadResult& result) const {
    const std::string_view number = StringMember(check, "test_number");
    if (!check.is_object() || number.empty()) {
      result.rejected.push_back(
          {path, fmt::format("{}.test_number: a check result needs its check number", path)});
      return;
    }
    const std::string_view status = StringMember(check, "status");
    const Json* scored = Member(check, "scored");
    const bool is_scored = scored != nullptr && scored->is_boolean() && scored->get<bool>();
    const auto mapping = MapStatus(status, is_scored);
    if (!mapping) {
      result.rejected.push_back(
          {path, fmt::format("{}.status: check {} has status \"{}\"; expected PASS, FAIL, "
                             "WARN or INFO",
                             path, number, status)});
      return;
    }
    AddFinding(BuildFinding(controls, group, check, *mapping, options), path, result);
  }

  Json BuildFinding(const Json& controls, const Json& group, const Json& check,
                    const StatusMapping& mapping, const ReadOptions& options) const {
    const std::string benchmark = BenchmarkName(StringMember(controls, "version"));
    const std::string node_type(StringMember(controls, "node_type"));
    const std::string_view number = StringMember(check, "test_number");
    const std::string_view text = StringMember(check, "test_desc");
    const std::string_view reason = StringMember(check, "reason");
    const std::string now = FormatTimestamp(options.clock->Now());

    Json finding = {
        {"SchemaVersion", detail::kAsffSchemaVersion},
        {"Id",
         options.node.empty()
             ? fmt::format("kube-bench/{}/{}/{}", benchmark, node_type, number)
             : fmt::format("kube-bench/{}/{}/{}/{}", benchmark, node_type, number, options.node)},
        {"ProductArn", ProductArn(options, "aqua-security", "kube-bench")},
        {"ProductName", "kube-bench"},
        {"CompanyName", "Aqua Security"},
        {"GeneratorId", fmt::format("kube-bench/{}/{}", benchmark, number)},
        {"AwsAccountId", options.aws_account_id},
        {"Types", Json::array({kType})},
        {"CreatedAt", now},
        {"UpdatedAt", now},
        {"Severity", {{"Label", mapping.severity}, {"Original", StringMember(check, "status")}}},
        {"Title", detail::Truncate(fmt::format("{} {}", number, text), detail::kMaxTitleBytes)},
        {"Description", Describe(number, text, reason)},
        {"Compliance",
         {{"Status", mapping.compliance},
          {"RelatedRequirements", Json::array({fmt::format("{} {}", benchmark, number)})}}},
        {"Resources", Json::array({Resource(controls, node_type, options.node)})},
    };
    const std::string_view remediation = detail::Trim(StringMember(check, "remediation"));
    if (!remediation.empty()) {
      finding["Remediation"]["Recommendation"]["Text"] =
          detail::Truncate(remediation, detail::kMaxRecommendationBytes);
    }
    AddCheckFields(controls, group, check, finding);
    return finding;
  }

  static std::string Describe(std::string_view number, std::string_view text,
                              std::string_view reason) {
    std::string description =
        text.empty() ? fmt::format("kube-bench check {}", number) : std::string(text);
    if (!reason.empty()) {
      description += fmt::format(" Reason: {}", reason);
    }
    return detail::Truncate(description, detail::kMaxDescriptionBytes);
  }

  // kube-bench names neither the node nor the cluster, so the resource is the node that the
  // reader is given (ReadOptions::node), else the kind of node the controls were run on
  // ("master", "node", "etcd", ...).
  // NOTE: without a node, reports of the same check from two nodes of one kind share an Id,
  // and the one ingested later replaces the other.
  static Json Resource(const Json& controls, const std::string& node_type,
                       const std::string& node) {
    const std::string kind = node_type.empty() ? "unknown" : node_type;
    Json other = Json::object();
    detail::SetOtherDetail(other, "NodeType", kind);
    detail::SetOtherDetail(other, "NodeName", node);
    detail::SetOtherDetail(other, "DetectedKubernetesVersion",
                           StringMember(controls, "detected_version"));
    return {{"Type", "Other"},
            {"Id", node.empty() ? fmt::format("kubernetes-node-type/{}", kind)
                                : fmt::format("kubernetes-node/{}", node)},
            {"Details", {{"Other", other}}}};
  }

  static void AddCheckFields(const Json& controls, const Json& group, const Json& check,
                             Json& finding) {
    detail::AddProductField(
        finding, "kube-bench/Section",
        fmt::format("{} {}", StringMember(controls, "id"), StringMember(controls, "text")));
    detail::AddProductField(
        finding, "kube-bench/Subsection",
        fmt::format("{} {}", StringMember(group, "section"), StringMember(group, "desc")));
    const Json* scored = Member(check, "scored");
    if (scored != nullptr && scored->is_boolean()) {
      detail::AddProductField(finding, "kube-bench/Scored", scored->get<bool>() ? "true" : "false");
    }
    for (const auto& [key, field] :
         {std::pair{"type", "kube-bench/Type"}, std::pair{"audit", "kube-bench/Audit"},
          std::pair{"actual_value", "kube-bench/ActualValue"},
          std::pair{"expected_result", "kube-bench/ExpectedResult"},
          std::pair{"reason", "kube-bench/Reason"}}) {
      const std::string_view value = detail::Trim(StringMember(check, key));
      if (!value.empty()) {
        detail::AddProductField(finding, field, value);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Reader> MakeKubeBenchReader() { return std::make_unique<KubeBenchReader>(); }

}  // namespace rampart::ingest
