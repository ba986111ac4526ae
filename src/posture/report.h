// Human and machine outputs of a posture scan: a text table and SARIF 2.1.0.
#pragma once

#include <string>

#include "core/json.h"
#include "posture/manifest.h"
#include "posture/scanner.h"

namespace rampart::posture {

// Returns a table of the FAILED results, most severe first, then a summary line with the counts
// of passed and failed results and load errors, and the IgnoredKindsNote. Load errors and
// warnings, NothingCheckedWarning among them, are listed first.
std::string FormatTable(const ScanReport& report, const ManifestSet& set);

// Returns "not checked: N documents of kinds no check reads: KIND (COUNT), ..." for the
// documents whose kind no check reads ("(no kind)" when the kind is missing), or "" when there
// are none.
std::string IgnoredKindsNote(const ManifestSet& set);

// Returns a warning that no object of a kind the checks read was found, so the scan checked
// nothing, or "" when some object was read.
std::string NothingCheckedWarning(const ManifestSet& set);

// Returns a SARIF 2.1.0 log: one rule per check that produced a result, one result per FAILED
// check with the file and line of the offending field, and the field patches of automatic fixes
// under result.properties.fieldPatches. Load errors become tool execution notifications.
Json ToSarif(const ScanReport& report, const ManifestSet& set, const std::string& tool_version);

}  // namespace rampart::posture
