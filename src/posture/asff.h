// Posture results as ASFF findings: one finding per (check, resource), PASSED or FAILED, with
// an Id that stays the same across scans so a fixed manifest turns the same finding PASSED.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "posture/scanner.h"

namespace rampart::posture {

// The ProductFields key of the scanned path (FindingOptions::source).
inline constexpr std::string_view kSourceField = "rampart/posture/Source";

struct FindingOptions {
  std::string aws_account_id = "000000000000";
  std::string region = "us-east-1";
  std::string partition = "aws";
  const Clock* clock = &DefaultClock();
  // The absolute path that was scanned, written to ProductFields kSourceField so that a
  // later scan of the same path can archive the findings it no longer reports. A path longer
  // than an ASFF ProductFields value (2,048 characters) is left out.
  std::string source;
};

// Returns "arn:aws:securityhub:REGION::product/rampart/posture".
std::string PostureProductArn(const FindingOptions& options);

// Returns "rampart/posture/CHECK/KIND/NAMESPACE/NAME".
std::string PostureFindingId(const Check& check, const std::string& resource_id);

// Builds the finding of one result. A PASSED finding has severity INFORMATIONAL, as Security
// Hub gives passed control findings; Severity.Original keeps the check's severity. Field
// patches go in ProductFields "rampart/posture/FieldPatches" as a JSON array.
Json ToAsffFinding(const CheckResult& result, const FindingOptions& options);

std::vector<Json> ToAsffFindings(const ScanReport& report, const FindingOptions& options);

}  // namespace rampart::posture
