// Decides whether an installed version falls in an OSV affected entry, by the evaluation
// rules of the OSV schema.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "vuln/osv_record.h"
#include "vuln/version.h"

namespace rampart::vuln {

struct RangeMatch {
  bool affected = false;
  // The fixed version of each range that contains the installed version, as written in
  // the advisory. Empty when no containing range has a fix after the installed version.
  std::vector<std::string> fixed_versions;
  // Set when a containing range (or the explicit versions list) names no fix.
  bool has_unfixed_range = false;
};

// An installed version parsed once for every advisory it is compared with: under the
// ecosystem's scheme, and under SemVer on first use by a SEMVER range.
class InstalledVersion {
 public:
  // Fails, naming the version, when `text` does not parse under `scheme`.
  static Result<InstalledVersion> Parse(VersionScheme scheme, std::string_view text);

  VersionScheme scheme() const { return version_.scheme(); }
  const Version& version() const { return version_; }
  // Returns the version parsed as SemVer, or the error that names it. Not thread-safe.
  const Result<Version>& AsSemVer() const;

 private:
  explicit InstalledVersion(Version version) : version_(std::move(version)) {}

  Version version_;
  mutable std::optional<Result<Version>> semver_;
};

// Evaluates `installed` against every SEMVER and ECOSYSTEM range of `package` and against
// its explicit versions list. ECOSYSTEM ranges use the installed version's scheme, SEMVER
// ranges SemVer. GIT ranges are skipped, because a package version cannot be placed on a
// commit graph. Their advisories list the affected versions in `versions`, which is
// checked. A range event whose version does not parse is an error naming the advisory
// version, because dropping the range could hide a vulnerable package.
Result<RangeMatch> MatchAffectedPackage(const AffectedPackage& package,
                                        const InstalledVersion& installed);

// Parses `installed` under `scheme` and evaluates it as above.
Result<RangeMatch> MatchAffectedPackage(const AffectedPackage& package, VersionScheme scheme,
                                        std::string_view installed);

}  // namespace rampart::vuln
