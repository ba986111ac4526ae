// Matching an inventory against an advisory database, one result per (package,
// vulnerability) with the aliases of all matching advisories merged.
#pragma once

#include <string>
#include <vector>

#include "vuln/advisory_database.h"
#include "vuln/package.h"

namespace rampart::vuln {

struct VulnerabilityMatch {
  std::size_t package = 0;                  // index into Inventory::packages
  std::string vulnerability_id;             // AdvisoryDatabase::VulnerabilityId of the advisories
  std::vector<std::size_t> advisories;      // matching advisories, in database order
  std::vector<std::string> fixed_versions;  // fixes named by the matching ranges, unique
  bool has_unfixed_range = false;           // a matching range names no fix
};

// Something a scan could not decide: an installed version that does not parse, or an
// advisory range whose versions do not parse. A finding may be missing because of it.
struct ScanError {
  std::string package;   // "name version" of the package
  std::string location;  // where the inventory lists the package
  std::string advisory;  // advisory id; empty for an installed version error
  std::string message;
};

struct MatchResult {
  std::vector<VulnerabilityMatch> matches;  // sorted by package, then vulnerability id
  std::vector<ScanError> errors;
};

// Matches every package of `inventory` against `database`. A package is looked up under
// each name of AdvisoryNames() and compared with AdvisoryVersion(); an advisory entry for
// another distribution release is skipped. Thread-safe for a finalized database.
MatchResult MatchInventory(const AdvisoryDatabase& database, const Inventory& inventory);

}  // namespace rampart::vuln
