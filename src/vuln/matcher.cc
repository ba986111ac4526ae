#include "vuln/matcher.h"

#include <algorithm>

#include "vuln/range_match.h"
#include "vuln/version.h"

namespace rampart::vuln {
namespace {

std::string Describe(const Package& package) { return package.name + " " + package.version; }

void AddUnique(std::vector<std::string>& values, const std::string& value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(value);
  }
}

void MatchPackage(const AdvisoryDatabase& database, const Inventory& inventory, std::size_t index,
                  MatchResult& result) {
  const Package& package = inventory.packages[index];
  const auto ecosystem = ParseEcosystem(package.ecosystem);
  if (!ecosystem) {
    result.errors.push_back(
        {Describe(package), package.location, "", ecosystem.status().message()});
    return;
  }
  const auto installed = InstalledVersion::Parse(ecosystem->scheme, AdvisoryVersion(package));
  if (!installed) {
    result.errors.push_back(
        {Describe(package), package.location, "", installed.status().message()});
    return;
  }

  // A package has a handful of candidates, so flat vectors beat node-based containers.
  std::vector<VulnerabilityMatch> by_vulnerability;
  std::vector<Candidate> seen;
  for (const std::string& name : AdvisoryNames(package)) {
    for (const Candidate& candidate : database.Candidates(package.ecosystem, name)) {
      const auto same = [&](const Candidate& other) {
        return other.advisory == candidate.advisory && other.affected == candidate.affected;
      };
      if (std::any_of(seen.begin(), seen.end(), same)) {
        continue;
      }
      seen.push_back(candidate);
      const Advisory& advisory = database.advisory(candidate.advisory);
      const AffectedPackage& entry = advisory.affected[candidate.affected];
      const std::size_t colon = entry.ecosystem.find(':');
      const std::string_view release = colon == std::string::npos
                                           ? std::string_view()
                                           : std::string_view(entry.ecosystem).substr(colon + 1);
      if (!ReleaseMatches(package.ecosystem, release, package.release)) {
        continue;
      }

      auto match = MatchAffectedPackage(entry, *installed);
      if (!match) {
        result.errors.push_back(
            {Describe(package), package.location, advisory.id, match.status().message()});
        continue;
      }
      if (!match->affected) {
        continue;
      }
      const std::string_view id = database.VulnerabilityId(candidate.advisory);
      auto merged_it = std::find_if(
          by_vulnerability.begin(), by_vulnerability.end(),
          [&](const VulnerabilityMatch& match) { return match.vulnerability_id == id; });
      if (merged_it == by_vulnerability.end()) {
        merged_it = by_vulnerability.insert(by_vulnerability.end(), VulnerabilityMatch{});
        merged_it->package = index;
        merged_it->vulnerability_id = std::string(id);
      }
      VulnerabilityMatch& merged = *merged_it;
      if (std::find(merged.advisories.begin(), merged.advisories.end(), candidate.advisory) ==
          merged.advisories.end()) {
        merged.advisories.push_back(candidate.advisory);
      }
      for (const std::string& fixed : match->fixed_versions) {
        AddUnique(merged.fixed_versions, fixed);
      }
      merged.has_unfixed_range = merged.has_unfixed_range || match->has_unfixed_range;
    }
  }
  std::sort(by_vulnerability.begin(), by_vulnerability.end(),
            [](const VulnerabilityMatch& a, const VulnerabilityMatch& b) {
              return a.vulnerability_id < b.vulnerability_id;
            });
  for (VulnerabilityMatch& match : by_vulnerability) {
    std::sort(match.advisories.begin(), match.advisories.end());
    result.matches.push_back(std::move(match));
  }
}

}  // namespace

MatchResult MatchInventory(const AdvisoryDatabase& database, const Inventory& inventory) {
  MatchResult result;
  result.matches.reserve(inventory.packages.size());
  for (std::size_t i = 0; i < inventory.packages.size(); ++i) {
    MatchPackage(database, inventory, i, result);
  }
  return result;
}

}  // namespace rampart::vuln
