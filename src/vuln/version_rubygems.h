// RubyGems versions, ordered as Gem::Version orders them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::vuln {

struct RubyGemsVersion {
  // Canonical segments: digit runs and letter runs, with the zeros that end the release
  // part and the pre-release part removed, as Gem::Version#canonical_segments does.
  std::vector<std::string> segments;
};

// Strict parsing accepts Gem::Version's pattern: digits, then ".segment" parts of letters
// and digits, then an optional "-pre.release" part ("-" reads as ".pre."). Lenient parsing
// also accepts letters right after the first number, as in "1beta".
Result<RubyGemsVersion> ParseRubyGemsVersion(std::string_view text, bool lenient);

// Orders segment by segment: numbers by value, a letter segment below a number (so
// 1.0.a < 1.0), letter segments in byte order, a missing segment as 0. Returns -1, 0, 1.
int CompareRubyGems(const RubyGemsVersion& a, const RubyGemsVersion& b);

}  // namespace rampart::vuln
