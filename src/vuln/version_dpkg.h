// Debian package versions, ordered as dpkg orders them ([epoch:]upstream[-revision]).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace rampart::vuln {

struct DpkgVersion {
  std::string epoch = "0";  // decimal digits
  std::string upstream;
  std::string revision;  // empty when the version has none, which orders like "0"
};

// Parses a version by the rules of deb-version(7). Strict parsing rejects what dpkg
// reports as an error or a warning, such as an upstream version that does not start with a
// digit. Lenient parsing rejects only dpkg's hard errors: empty parts and a bad epoch.
Result<DpkgVersion> ParseDpkgVersion(std::string_view text, bool lenient);

// Orders two versions as `dpkg --compare-versions` does. Returns -1, 0 or 1.
int CompareDpkg(const DpkgVersion& a, const DpkgVersion& b);

// The dpkg comparison of one upstream or revision string (verrevcmp): letters sort before
// non-letters, '~' before everything including the end, digit runs compare by value.
int CompareDpkgPart(std::string_view a, std::string_view b);

}  // namespace rampart::vuln
