#include "posture/compliance.h"

#include <algorithm>

namespace rampart::posture {
namespace {

bool Counts(const Json& finding) {
  if (rampart::StringOr(finding, "RecordState", "ACTIVE") == "ARCHIVED") {
    return false;
  }
  const Json* workflow = FindPath(finding, "Workflow.Status");
  return workflow == nullptr || !workflow->is_string() || *workflow != "SUPPRESSED";
}

bool CountsToward(const Requirement& requirement, Standard standard) {
  if (requirement.standard == standard) {
    return true;
  }
  return standard == Standard::kPssRestricted && requirement.standard == Standard::kPssBaseline;
}

}  // namespace

std::optional<double> StandardSummary::Score() const {
  if (passed + failed == 0) {
    return std::nullopt;
  }
  return static_cast<double>(passed) / static_cast<double>(passed + failed);
}

std::string_view ControlStatusName(ControlStatus status) {
  switch (status) {
    case ControlStatus::kPassed:
      return "PASSED";
    case ControlStatus::kFailed:
      return "FAILED";
    case ControlStatus::kNoData:
      return "NO_DATA";
  }
  return "NO_DATA";
}

std::vector<StandardSummary> SummarizeCompliance(const std::vector<Json>& findings) {
  std::map<Standard, std::map<std::string, ControlSummary>> controls;
  for (const Json& finding : findings) {
    const Json* compliance = finding.is_object() ? FindPath(finding, "Compliance") : nullptr;
    if (compliance == nullptr || !compliance->is_object() || !Counts(finding)) {
      continue;
    }
    const std::string status = rampart::StringOr(*compliance, "Status");
    const Json* requirements = FindPath(*compliance, "RelatedRequirements");
    if (requirements == nullptr || !requirements->is_array()) {
      continue;
    }
    for (const Json& text : *requirements) {
      const auto requirement =
          text.is_string() ? ParseRequirement(text.get<std::string>()) : std::nullopt;
      if (!requirement) {
        continue;
      }
      for (Standard standard : AllStandards()) {
        if (!CountsToward(*requirement, standard)) {
          continue;
        }
        ControlSummary& control = controls[standard][text.get<std::string>()];
        control.requirement = text.get<std::string>();
        if (status == "PASSED") {
          ++control.passed_findings;
        } else if (status == "FAILED") {
          ++control.failed_findings;
        } else {
          ++control.other_findings;
        }
      }
    }
  }

  std::vector<StandardSummary> summaries;
  for (Standard standard : AllStandards()) {
    StandardSummary summary{standard, {}, 0, 0, 0};
    for (auto& [requirement, control] : controls[standard]) {
      if (control.failed_findings > 0) {
        control.status = ControlStatus::kFailed;
        ++summary.failed;
      } else if (control.passed_findings > 0) {
        control.status = ControlStatus::kPassed;
        ++summary.passed;
      } else {
        ++summary.no_data;
      }
      summary.controls.push_back(control);
    }
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

}  // namespace rampart::posture
