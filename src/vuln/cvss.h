// CVSS v3.0 and v3.1 base scores computed from a vector string.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace rampart::vuln {

struct CvssScore {
  std::string version;  // "3.0" or "3.1"
  double base_score = 0;
  std::string vector;
};

// Computes the base score of a vector such as "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
// with the formulas of the CVSS v3.1 specification, and with the v3.0 rounding for
// "CVSS:3.0/". Temporal and environmental metrics may follow the base ones and are ignored.
// Fails, naming the metric, for a missing, repeated, unknown or out-of-range metric.
Result<CvssScore> ScoreCvss3(std::string_view vector);

// Returns the qualitative rating of a score as an ASFF severity label: 0.0 INFORMATIONAL
// (CVSS "None"), 0.1-3.9 LOW, 4.0-6.9 MEDIUM, 7.0-8.9 HIGH, 9.0-10.0 CRITICAL.
std::string_view SeverityForScore(double score);

}  // namespace rampart::vuln
