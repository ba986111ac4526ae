// Packagist (Composer) versions, ordered as PHP's version_compare() orders them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::vuln {

struct PackagistVersion {
  std::vector<std::string> parts;  // canonical parts, such as {"1", "0", "rc", "1"}
};

// Canonicalizes the way version_compare() does after Composer's "v" prefix is removed:
// '-', '_' and '+' become '.', and a '.' goes between digits and letters. Strict parsing
// accepts letters, digits and those separators; lenient parsing also accepts '#', which
// version_compare() ranks like a number.
Result<PackagistVersion> ParsePackagistVersion(std::string_view text, bool lenient);

// Orders part by part: numbers by value; words by the special forms dev < alpha = a <
// beta = b < RC = rc < # (any number) < pl = p, with any other word below dev; a longer
// version is newer when its next part is a number. Returns -1, 0 or 1.
int ComparePackagist(const PackagistVersion& a, const PackagistVersion& b);

}  // namespace rampart::vuln
