#include "posture/report.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace rampart::posture {
namespace {

using finding::SeverityLabel;

std::string Location(const CheckResult& result) {
  const ManifestObject* object = result.subject->object;
  if (object == nullptr) {
    return "";
  }
  const std::uint32_t line = result.outcome.line != 0 ? result.outcome.line : object->line;
  return fmt::format("{}:{}", object->file, line);
}

std::vector<const CheckResult*> FailedBySeverity(const ScanReport& report) {
  std::vector<const CheckResult*> failed;
  for (const CheckResult& result : report.results) {
    if (!result.outcome.passed) {
      failed.push_back(&result);
    }
  }
  std::stable_sort(failed.begin(), failed.end(), [](const CheckResult* a, const CheckResult* b) {
    if (a->check->severity != b->check->severity) {
      return a->check->severity > b->check->severity;
    }
    return a->subject->resource_id < b->subject->resource_id;
  });
  return failed;
}

std::string SarifLevel(SeverityLabel severity) {
  switch (severity) {
    case SeverityLabel::kCritical:
    case SeverityLabel::kHigh:
      return "error";
    case SeverityLabel::kMedium:
      return "warning";
    default:
      return "note";
  }
}

// The "security-severity" score GitHub code scanning reads: 9.0 and up is critical, 7.0 high,
// 4.0 medium, below that low.
std::string SecuritySeverity(SeverityLabel severity) {
  switch (severity) {
    case SeverityLabel::kCritical:
      return "9.5";
    case SeverityLabel::kHigh:
      return "8.0";
    case SeverityLabel::kMedium:
      return "5.5";
    case SeverityLabel::kLow:
      return "3.0";
    case SeverityLabel::kInformational:
      return "0.0";
  }
  return "0.0";
}

Json SarifRule(const Check& check) {
  Json tags = Json::array({"security", "kubernetes"});
  for (std::string_view requirement : check.requirements) {
    tags.push_back(std::string(requirement));
  }
  return {{"id", std::string(check.id)},
          {"name", std::string(check.id)},
          {"shortDescription", {{"text", std::string(check.title)}}},
          {"help", {{"text", std::string(check.remediation)}}},
          {"defaultConfiguration", {{"level", SarifLevel(check.severity)}}},
          {"properties",
           {{"tags", tags},
            {"security-severity", SecuritySeverity(check.severity)},
            {"fix", std::string(FixKindName(check.fix))}}}};
}

Json SarifResult(const CheckResult& result, std::size_t rule_index) {
  const ManifestObject* object = result.subject->object;
  const std::uint32_t line =
      result.outcome.line != 0 ? result.outcome.line : (object ? object->line : 1);
  Json sarif_result = {
      {"ruleId", std::string(result.check->id)},
      {"ruleIndex", rule_index},
      {"level", SarifLevel(result.check->severity)},
      {"message",
       {{"text", fmt::format("{}: {}", result.subject->resource_id, result.outcome.detail)}}},
      {"locations",
       Json::array(
           {{{"physicalLocation",
              {{"artifactLocation", {{"uri", object ? object->file : ""}}},
               {"region", {{"startLine", line}}}}},
             {"logicalLocations", Json::array({{{"fullyQualifiedName", result.subject->resource_id},
                                                {"kind", "resource"}}})}}})},
      {"partialFingerprints",
       {{"rampartFindingId/v1",
         result.subject->resource_id + "/" + std::string(result.check->id)}}},
  };
  if (!result.outcome.patches.empty()) {
    Json patches = Json::array();
    for (const FieldPatch& patch : result.outcome.patches) {
      patches.push_back(patch.ToJson());
    }
    sarif_result["properties"] = {{"fieldPatches", patches}};
  }
  return sarif_result;
}

}  // namespace

std::string IgnoredKindsNote(const ManifestSet& set) {
  std::size_t documents = 0;
  std::string kinds;
  for (const auto& [kind, count] : set.ignored_kinds) {
    documents += count;
    kinds += fmt::format("{}{} ({})", kinds.empty() ? "" : ", ", kind, count);
  }
  if (documents == 0) {
    return "";
  }
  return fmt::format("not checked: {} {} of kinds no check reads: {}", documents,
                     documents == 1 ? "document" : "documents", kinds);
}

std::string NothingCheckedWarning(const ManifestSet& set) {
  if (!set.objects.empty()) {
    return "";
  }
  return fmt::format(
      "no Kubernetes object of a kind the checks read was found in {} {} ({} {}), so nothing "
      "was checked; check the path and the kind of each document",
      set.files, set.files == 1 ? "file" : "files", set.documents,
      set.documents == 1 ? "document" : "documents");
}

std::string FormatTable(const ScanReport& report, const ManifestSet& set) {
  std::string out;
  for (const LoadError& error : set.errors) {
    out += fmt::format("error: {}{}: {}\n", error.file,
                       error.line != 0 ? fmt::format(":{}", error.line) : "", error.message);
  }
  for (const LoadError& warning : set.warnings) {
    out += fmt::format("warning: {}: {}\n", warning.file, warning.message);
  }
  for (const std::string& warning : report.warnings) {
    out += fmt::format("warning: {}\n", warning);
  }
  if (const std::string nothing = NothingCheckedWarning(set); !nothing.empty()) {
    out += "warning: " + nothing + "\n";
  }

  const std::vector<const CheckResult*> failed = FailedBySeverity(report);
  std::size_t check_width = 5;
  std::size_t resource_width = 8;
  std::size_t location_width = 8;
  for (const CheckResult* result : failed) {
    check_width = std::max(check_width, result->check->id.size());
    resource_width = std::max(resource_width, result->subject->resource_id.size());
    location_width = std::max(location_width, Location(*result).size());
  }
  if (!failed.empty()) {
    out += fmt::format("{:<9} {:<{}} {:<{}} {:<{}} {}\n", "SEVERITY", "CHECK", check_width,
                       "RESOURCE", resource_width, "LOCATION", location_width, "DETAIL");
  }
  std::map<SeverityLabel, std::size_t> by_severity;
  for (const CheckResult* result : failed) {
    ++by_severity[result->check->severity];
    out +=
        fmt::format("{:<9} {:<{}} {:<{}} {:<{}} {}\n", finding::LabelName(result->check->severity),
                    result->check->id, check_width, result->subject->resource_id, resource_width,
                    Location(*result), location_width, result->outcome.detail);
  }

  std::string severities;
  for (auto it = by_severity.rbegin(); it != by_severity.rend(); ++it) {
    severities += fmt::format("{}{} {}", severities.empty() ? "" : ", ", it->second,
                              finding::LabelName(it->first));
  }
  out += fmt::format("{} results on {} objects ({} workloads): {} passed, {} failed{}",
                     report.results.size(), report.objects, report.workloads,
                     report.results.size() - failed.size(), failed.size(),
                     severities.empty() ? "" : " (" + severities + ")");
  if (!set.errors.empty()) {
    out +=
        fmt::format("; {} load {}", set.errors.size(), set.errors.size() == 1 ? "error" : "errors");
  }
  out += "\n";
  if (const std::string ignored = IgnoredKindsNote(set); !ignored.empty()) {
    out += ignored + "\n";
  }
  return out;
}

Json ToSarif(const ScanReport& report, const ManifestSet& set, const std::string& tool_version) {
  std::map<std::string_view, std::size_t> rule_index;
  Json rules = Json::array();
  for (const Check& check : Checks()) {
    const bool used = std::any_of(report.results.begin(), report.results.end(),
                                  [&check](const CheckResult& r) { return r.check == &check; });
    if (used) {
      rule_index[check.id] = rules.size();
      rules.push_back(SarifRule(check));
    }
  }
  Json results = Json::array();
  for (const CheckResult& result : report.results) {
    if (!result.outcome.passed) {
      results.push_back(SarifResult(result, rule_index[result.check->id]));
    }
  }
  Json notifications = Json::array();
  for (const LoadError& error : set.errors) {
    Json notification = {
        {"level", "error"},
        {"message", {{"text", error.message}}},
        {"locations",
         Json::array({{{"physicalLocation", {{"artifactLocation", {{"uri", error.file}}}}}}})}};
    if (error.line != 0) {
      notification["locations"][0]["physicalLocation"]["region"] = {{"startLine", error.line}};
    }
    notifications.push_back(notification);
  }
  Json run = {
      {"tool",
       {{"driver", {{"name", "rampart-posture"}, {"version", tool_version}, {"rules", rules}}}}},
      {"results", results},
      {"invocations", Json::array({{{"executionSuccessful", set.errors.empty()},
                                    {"toolExecutionNotifications", notifications}}})},
  };
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", Json::array({run})}};
}

}  // namespace rampart::posture
