// NuGet package versions (SemVer 2.0 with an optional fourth number), ordered as NuGet does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::vuln {

struct NuGetVersion {
  std::vector<std::string> numbers;  // one to four, leading zeros allowed
  std::vector<std::string> release;  // pre-release labels after '-'
};

// Parses "N[.N[.N[.N]]][-label(.label)*][+metadata]"; the metadata is checked but ignored.
Result<NuGetVersion> ParseNuGetVersion(std::string_view text);

// Orders numbers by value (missing ones are 0), a pre-release below its release, and
// labels numeric-below-text with text compared case-insensitively. Returns -1, 0 or 1.
int CompareNuGet(const NuGetVersion& a, const NuGetVersion& b);

}  // namespace rampart::vuln
