#include "posture/compliance_json.h"

namespace rampart::posture {

Json ComplianceSummaryJson(const std::vector<StandardSummary>& summaries) {
  Json standards = Json::array();
  for (const StandardSummary& summary : summaries) {
    Json controls = Json::array();
    for (const ControlSummary& control : summary.controls) {
      controls.push_back({{"requirement", control.requirement},
                          {"status", ControlStatusName(control.status)},
                          {"passedFindings", control.passed_findings},
                          {"failedFindings", control.failed_findings},
                          {"otherFindings", control.other_findings}});
    }
    const auto score = summary.Score();
    standards.push_back({{"standard", StandardName(summary.standard)},
                         {"passed", summary.passed},
                         {"failed", summary.failed},
                         {"noData", summary.no_data},
                         {"score", score ? Json(*score) : Json(nullptr)},
                         {"controls", controls}});
  }
  return standards;
}

}  // namespace rampart::posture
