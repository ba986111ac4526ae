// Versions that are plain lists of numbers: CRAN (R's package_version) and Hackage
// (Haskell's Data.Version).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::vuln {

struct NumericVersion {
  std::vector<std::string> numbers;
};

// Parses an R package version: at least two numbers separated by '.' or '-'.
Result<NumericVersion> ParseCranVersion(std::string_view text);

// Parses a Hackage version: one or more numbers separated by '.'.
Result<NumericVersion> ParseHackageVersion(std::string_view text);

// Compares number by number. When one list is a prefix of the other, the longer one is
// newer, because R and Haskell both order 1.0 below 1.0.0. Returns -1, 0 or 1.
int CompareNumeric(const NumericVersion& a, const NumericVersion& b);

}  // namespace rampart::vuln
