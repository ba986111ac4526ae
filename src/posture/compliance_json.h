// The compliance summary as JSON, the one shape `rampart compliance summary --output json` and
// GET /v1/compliance/summary both return.
#pragma once

#include <vector>

#include "core/json.h"
#include "posture/compliance.h"

namespace rampart::posture {

// Returns an array with one object per standard: standard, passed, failed, noData, score
// (null without data) and controls (requirement, status and finding counts).
Json ComplianceSummaryJson(const std::vector<StandardSummary>& summaries);

}  // namespace rampart::posture
