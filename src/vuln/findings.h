// ASFF findings for vulnerability matches, and the report of one scan.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "vuln/advisory_database.h"
#include "vuln/matcher.h"
#include "vuln/package.h"

namespace rampart::vuln {

struct FindingOptions {
  std::string aws_account_id = "000000000000";
  std::string region = "us-east-1";
  std::string partition = "aws";
  const Clock* clock = &DefaultClock();
};

// The severity of a match and where it came from.
struct SeverityChoice {
  std::string label;     // ASFF label
  std::string original;  // the advisory's own rating, a CVSS score, or "UNKNOWN"
};

// Picks the severity of a match from its advisories and from their affected entries that
// name one of `package_names`. The highest rating given wins (database_specific or
// ecosystem_specific "severity", Ubuntu's priority). Without one, the highest CVSS v3 base
// score gives the rating. Without either, the label is MEDIUM with Original "UNKNOWN", so
// that an unrated vulnerability still fails --fail-on MEDIUM. A malicious package
// (IsMaliciousPackage) is CRITICAL with Original "MALICIOUS".
SeverityChoice ChooseSeverity(const AdvisoryDatabase& database, const VulnerabilityMatch& match,
                              const std::vector<std::string>& package_names);

// Returns true when an advisory of the match reports a malicious package, as the OpenSSF
// malicious-packages records do with ids (or aliases) "MAL-YEAR-N". Its findings are typed
// "TTPs/Initial Access/MaliciousPackage": the installed package is an attack, not a flaw.
bool IsMaliciousPackage(const AdvisoryDatabase& database, const VulnerabilityMatch& match);

// Returns "arn:PARTITION:securityhub:REGION::product/rampart/vuln".
std::string VulnProductArn(const FindingOptions& options);

// Returns "rampart/vuln/" and a hash of the artifact, the package's ecosystem and name and
// the vulnerability id. The installed version is left out, so a later scan of an upgraded
// package updates the same finding.
std::string VulnFindingId(const std::string& artifact, const Package& package,
                          const std::string& vulnerability_id);

// Builds the finding of one match: Vulnerabilities[0] carries the id, the related ids,
// the vulnerable package with FixedInVersion, FixAvailable (YES when every matching range
// has a fix, PARTIAL when only some have, NO when none has), reference URLs and CVSS.
Json BuildFinding(const AdvisoryDatabase& database, const Inventory& inventory,
                  const VulnerabilityMatch& match, const FindingOptions& options);

struct ScanReport {
  std::string artifact;
  std::string format;
  std::size_t packages = 0;
  std::vector<Json> findings;
  std::vector<ScanError> errors;
  std::vector<SkippedPackage> skipped;
  std::vector<LoadProblem> database_problems;
};

// Matches `inventory` and builds one finding per (package, vulnerability).
ScanReport Scan(const AdvisoryDatabase& database, const Inventory& inventory,
                const FindingOptions& options);

// Returns {"Findings": [...], "Errors": [...], "Skipped": [...], "DatabaseProblems": [...],
// "Artifact", "Format", "Packages"}. The Findings array is a BatchImportFindings body.
Json ReportToJson(const ScanReport& report);

}  // namespace rampart::vuln
