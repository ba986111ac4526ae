// Alpine package versions, ordered as apk-tools orders them.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace rampart::vuln {

// The grammar of apk-package(5): number{.number}...{letter}{_suffix{number}}...{~hash}{-r#},
// where a letter is one of a-z and a suffix one of alpha, beta, pre, rc, cvs, svn, git,
// hg, p. The comparison works on the text itself, so the struct keeps it whole.
struct ApkVersion {
  std::string text;
};

// Strict parsing accepts only the grammar above. Lenient parsing accepts any printable
// text, which `apk version -t` still orders token by token up to the first invalid one.
Result<ApkVersion> ParseApkVersion(std::string_view text, bool lenient);

// Orders two versions token by token as apk-tools 2 (the apk of Alpine 3.x) does. Numbers
// compare by value, and a number with leading zeros after a dot compares as a fraction.
// A letter ranks above none. The suffixes alpha, beta, pre and rc rank below the release
// and the others above it. The -r revision comes last. Returns -1, 0 or 1.
int CompareApk(std::string_view a, std::string_view b);

}  // namespace rampart::vuln
