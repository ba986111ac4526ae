// Semantic Versioning 2.0.0 (npm, crates.io, Go, Hex, SEMVER ranges) and Dart's pub variant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::vuln {

struct SemVer {
  std::vector<std::string> core;        // major, minor, patch (missing ones are 0), then extras
  std::vector<std::string> prerelease;  // identifiers after '-'
  std::vector<std::string> build;       // identifiers after '+'
};

struct SemVerRules {
  bool require_three_parts = false;  // pub and strict SemVer; Go and OSV also accept "1" and "1.2"
  bool lenient = false;  // accept leading zeros and numeric parts beyond the patch version
};

// Parses "[v]MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]". A Go pseudo-version such as
// v0.0.0-20210101000000-0123456789ab is a pre-release and orders by its timestamp, and
// "+incompatible" is build metadata.
Result<SemVer> ParseSemVer(std::string_view text, SemVerRules rules);

// Orders by SemVer precedence: numbers by value, a pre-release below its release,
// pre-release identifiers numeric-below-text; build metadata is ignored. Returns -1, 0, 1.
int CompareSemVer(const SemVer& a, const SemVer& b);

// Orders as Dart's pub_semver does: SemVer precedence, then a version without build
// metadata below one with it, then the build identifiers like pre-release ones.
int ComparePubVersion(const SemVer& a, const SemVer& b);

}  // namespace rampart::vuln
