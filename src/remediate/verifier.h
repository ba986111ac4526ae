// Verification of fixes: after an action ran, the check that produced the finding runs again.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "remediate/engine.h"

namespace rampart::remediate {

// The contents of a re-scan report: its findings, and the subjects (resource ids) it scanned
// in full. The subjects are empty for a format that lists only problems.
struct VerifyScan {
  std::vector<Json> findings;
  std::vector<std::string> subjects;
};

// Reads a re-scan report. The caller also stores its findings, so the store records the new
// state. It is injected so that the engine does not depend on the readers.
using ReportScanner = std::function<Result<VerifyScan>(const std::string& path)>;

// Returns a Verifier that:
// - with spec.command, runs the program (argv, never a shell) with the finding as JSON on
//   standard input and the spec's timeout; exit status 0 means fixed, 1 means not fixed,
//   anything else is an error;
// - with spec.report, scans the report and decides with ProblemGone.
Verifier MakeVerifier(ReportScanner scanner);

// Returns whether `scan` shows the problem of `finding` fixed. A finding of the scan with the
// same ProductArn and Id decides: fixed when its Compliance.Status is PASSED or its
// RecordState ARCHIVED. Otherwise the scan must cover the finding's subject: a resource id
// among the scan's subjects or its findings' resources. A container image is compared
// without its tag or digest, so that the scan of a bumped image counts. The problem is fixed
// when no finding of that subject has the same ProductArn, GeneratorId and first vulnerable
// package. A scan of other subjects is an error, because it cannot tell.
Result<bool> ProblemGone(const Json& finding, const VerifyScan& scan);

}  // namespace rampart::remediate
