// RPM versions ([epoch:]version[-release]), ordered as rpm orders them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace rampart::vuln {

struct RpmVersion {
  std::string epoch = "0";  // decimal digits; a version without one has epoch 0
  std::string version;
  std::optional<std::string> release;  // absent when the text has no '-'
};

// Splits an EVR string the way rpm does: the epoch is a run of digits before ':', the
// release follows the last '-'. rpm accepts any text, so only empty versions and
// whitespace or control characters are rejected.
Result<RpmVersion> ParseRpmVersion(std::string_view text);

// Orders two EVRs: epochs by value, then versions and releases with rpmvercmp. A version
// without a release sorts before the same version with one.
int CompareRpm(const RpmVersion& a, const RpmVersion& b);

// rpmvercmp on one version or release string: alphanumeric segments compare (digits by
// value and above letters), '~' sorts before everything and '^' after the end but before
// any further segment. Returns -1, 0 or 1.
int RpmVerCmp(std::string_view a, std::string_view b);

}  // namespace rampart::vuln
