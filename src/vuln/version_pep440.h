// Python package versions: PEP 440, and pre-PEP 440 ("legacy") versions when lenient.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::vuln {

struct Pep440Version {
  std::string epoch = "0";
  std::vector<std::string> release;  // trailing zeros removed, so 1.0 == 1
  int pre_kind = -1;                 // -1 none, 0 a, 1 b, 2 rc
  std::string pre_number;
  std::optional<std::string> post;
  std::optional<std::string> dev;
  std::vector<std::string> local;  // lower-case segments after '+'
  // Set for a version that is not PEP 440. Then `legacy_key` is the key that setuptools'
  // LegacyVersion sorted by, and the version sorts below every PEP 440 version.
  bool legacy = false;
  std::vector<std::string> legacy_key;
};

// Parses a PEP 440 version in any of the spellings the standard normalizes (case,
// separators, "alpha" for "a", "-1" for ".post1", a leading "v"). Lenient parsing turns any
// other text into a legacy version instead of failing.
Result<Pep440Version> ParsePep440(std::string_view text, bool lenient);

// Orders by PEP 440: epoch, release, then dev < pre < final < post, then local segments.
// Returns -1, 0 or 1.
int ComparePep440(const Pep440Version& a, const Pep440Version& b);

}  // namespace rampart::vuln
