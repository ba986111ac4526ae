// Compliance summary: per standard, the controls that pass and fail across findings, scored as
// Security Hub scores a standard (passed controls over controls with data).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "posture/standard.h"

namespace rampart::posture {

enum class ControlStatus { kPassed, kFailed, kNoData };

// One control of one standard, with how many findings speak for it.
struct ControlSummary {
  std::string requirement;  // "CIS Kubernetes Benchmark v1.10.0/5.2.2" or "cis-1.8 1.1.1"
  ControlStatus status = ControlStatus::kNoData;
  std::size_t passed_findings = 0;
  std::size_t failed_findings = 0;
  std::size_t other_findings = 0;  // WARNING or NOT_AVAILABLE
};

struct StandardSummary {
  Standard standard;
  std::vector<ControlSummary> controls;  // sorted by requirement
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t no_data = 0;

  // passed / (passed + failed), or nullopt when no control has data.
  std::optional<double> Score() const;
};

// Summarises findings per standard. A control FAILS when any of its findings is FAILED, PASSES
// when at least one is PASSED and none FAILED, and has no data otherwise. Findings that are
// ARCHIVED or whose workflow is SUPPRESSED are left out, as Security Hub leaves them out of
// control status. Requirements are read from Compliance.RelatedRequirements in the forms
// ParseRequirement accepts, including kube-bench's "cis-1.8 1.1.1" and "eks-1.8.0 4.1.1".
// pss-restricted counts the baseline controls too, since the restricted level includes them.
std::vector<StandardSummary> SummarizeCompliance(const std::vector<Json>& findings);

std::string_view ControlStatusName(ControlStatus status);

}  // namespace rampart::posture
