// Verification of fixes: after an action ran, the check that produced the finding runs again.
#pragma once

#include <functional>

#include "remediate/engine.h"

namespace rampart::remediate {

// Reads a re-scan report and returns its findings; the caller also stores them, so the
// store sees the new state. Injected so that the engine does not depend on the readers.
using ReportScanner = std::function<Result<std::vector<Json>>(const std::string& path)>;

// Returns a Verifier that:
// - with spec.command, runs the program (argv, never a shell) with the finding as JSON on
//   standard input and the spec's timeout; exit status 0 means fixed, 1 means not fixed,
//   anything else is an error;
// - with spec.report, scans the report and looks for the finding by (ProductArn, Id): it is
//   fixed when absent, or present with Compliance.Status PASSED or RecordState ARCHIVED.
Verifier MakeVerifier(ReportScanner scanner);

// Returns true when `findings` shows the problem of `finding` gone (see MakeVerifier).
bool ProblemGone(const Json& finding, const std::vector<Json>& findings);

}  // namespace rampart::remediate
