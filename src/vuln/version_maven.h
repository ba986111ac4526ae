// Maven versions, ordered as Maven's ComparableVersion orders them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::vuln {

// One item of a parsed version: a number, a qualifier, or a sub-list that started at a '-'
// or at a switch between digits and letters.
struct MavenItem {
  enum class Kind { kNumber, kQualifier, kList };
  Kind kind = Kind::kList;
  std::string text;              // digits without leading zeros, or the qualifier after aliases
  std::vector<MavenItem> items;  // for kList
};

struct MavenVersion {
  MavenItem root;
};

// Parses any printable text the way ComparableVersion does: '.' and '-' separate items,
// a change between digits and letters starts a sub-list, "a1"/"b1"/"m1" mean alpha, beta,
// milestone, and "ga", "final", "release" mean the release itself. Trailing zero items are
// dropped, so 1.0.0 == 1.
Result<MavenVersion> ParseMavenVersion(std::string_view text);

// Orders two versions: numbers by value, known qualifiers alpha < beta < milestone < rc <
// snapshot < release < sp, unknown qualifiers after those in text order. Returns -1, 0, 1.
int CompareMaven(const MavenVersion& a, const MavenVersion& b);

}  // namespace rampart::vuln
