// Human and machine outputs of a posture scan: a text table and SARIF 2.1.0.
#pragma once

#include <string>

#include "core/json.h"
#include "posture/manifest.h"
#include "posture/scanner.h"

namespace rampart::posture {

// Returns a table of the FAILED results, most severe first, then a summary line with the counts
// of passed and failed results and load errors. Load errors and scan warnings are listed first.
std::string FormatTable(const ScanReport& report, const ManifestSet& set);

// Returns a SARIF 2.1.0 log: one rule per check that produced a result, one result per FAILED
// check with the file and line of the offending field, and the field patches of automatic fixes
// under result.properties.fieldPatches. Load errors become tool execution notifications.
Json ToSarif(const ScanReport& report, const ManifestSet& set, const std::string& tool_version);

}  // namespace rampart::posture
