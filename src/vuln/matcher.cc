#include "vuln/matcher.h"

#include <algorithm>
#include <map>
#include <set>

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
  const std::string& version = AdvisoryVersion(package);
  if (auto parsed = ParseVersion(ecosystem->scheme, version); !parsed) {
    result.errors.push_back({Describe(package), package.location, "", parsed.status().message()});
    return;
  }

  std::map<std::string, VulnerabilityMatch> by_vulnerability;
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  for (const std::string& name : AdvisoryNames(package)) {
    for (const Candidate& candidate : database.Candidates(package.ecosystem, name)) {
      if (!seen.emplace(candidate.advisory, candidate.affected).second) {
        continue;
      }
      const Advisory& advisory = database.advisory(candidate.advisory);
      const AffectedPackage& entry = advisory.affected[candidate.affected];
      const std::size_t colon = entry.ecosystem.find(':');
      const std::string_view release = colon == std::string::npos
                                           ? std::string_view()
                                           : std::string_view(entry.ecosystem).substr(colon + 1);
      if (!ReleaseMatches(package.ecosystem, release, package.release)) {
        continue;
      }

      auto match = MatchAffectedPackage(entry, ecosystem->scheme, version);
      if (!match) {
        result.errors.push_back(
            {Describe(package), package.location, advisory.id, match.status().message()});
        continue;
      }
      if (!match->affected) {
        continue;
      }
      const std::string& id = database.VulnerabilityId(candidate.advisory);
      VulnerabilityMatch& merged = by_vulnerability[id];
      merged.package = index;
      merged.vulnerability_id = id;
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
  for (auto& [id, match] : by_vulnerability) {
    std::sort(match.advisories.begin(), match.advisories.end());
    result.matches.push_back(std::move(match));
  }
}

}  // namespace

MatchResult MatchInventory(const AdvisoryDatabase& database, const Inventory& inventory) {
  MatchResult result;
  for (std::size_t i = 0; i < inventory.packages.size(); ++i) {
    MatchPackage(database, inventory, i, result);
  }
  return result;
}

}  // namespace rampart::vuln
