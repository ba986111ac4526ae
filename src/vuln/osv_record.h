// The OSV advisory format (ossf/osv-schema), reduced to what matching and findings use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::vuln {

enum class EventKind { kIntroduced, kFixed, kLastAffected, kLimit };

// One event of a range. Versions stay text until a package is matched against them, so a
// version that does not parse fails that match (MatchAffectedPackage), not the loading.
struct RangeEvent {
  EventKind kind = EventKind::kIntroduced;
  std::string version;
};

enum class RangeType { kSemVer, kEcosystem, kGit };

struct AffectedRange {
  RangeType type = RangeType::kEcosystem;
  std::string repo;  // for GIT ranges
  std::vector<RangeEvent> events;
};

// A severity entry: a CVSS vector ("CVSS_V3", "CVSS_V4", "CVSS_V2") or a distribution's
// own rating (type "Ubuntu" with a score such as "medium").
struct SeverityScore {
  std::string type;
  std::string score;
};

struct AffectedPackage {
  std::string ecosystem;  // as written, such as "Debian:12"; empty for GIT-only entries
  std::string name;
  std::string purl;
  std::vector<AffectedRange> ranges;
  std::vector<std::string> versions;  // explicit affected versions
  std::vector<SeverityScore> severity;
  std::string severity_label;  // ecosystem_specific or database_specific "severity"/"urgency"
};

struct Advisory {
  std::string id;
  std::string summary;
  std::string details;  // cut to kMaxDetailsBytes
  std::string modified;
  std::string published;
  std::string withdrawn;  // empty unless the advisory was withdrawn
  std::vector<std::string> aliases;
  std::vector<std::string> upstream;  // ids this record was derived from, such as a CVE
  std::vector<SeverityScore> severity;
  std::string severity_label;           // database_specific.severity, such as GitHub's "MODERATE"
  std::vector<std::string> references;  // URLs, at most kMaxReferences
  std::vector<AffectedPackage> affected;
};

// ASFF limits Description to 1024 characters, so longer details are cut there.
inline constexpr std::size_t kMaxDetailsBytes = 1024;
// References kept per advisory; GitHub advisories list up to dozens of URLs, and the first
// ones (the advisory and the fix) are the useful ones.
inline constexpr std::size_t kMaxReferences = 10;

// Parses one OSV record. The error names `source` (a file, or "archive.zip!entry.json"),
// the JSON path of the bad value and what was expected there.
Result<Advisory> ParseOsvRecord(std::string_view json, std::string_view source);

// The number of readable bytes ParseOsvRecordInPlace needs after the end of the text.
inline constexpr std::size_t kOsvRecordPadding = 64;

// Parses like ParseOsvRecord without copying the text, which must be followed by at least
// kOsvRecordPadding readable bytes (such as the spare capacity of a std::string).
Result<Advisory> ParseOsvRecordInPlace(std::string_view json, std::string_view source);

}  // namespace rampart::vuln
