#include "vuln/version_semver.h"

#include <algorithm>

#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

using detail::AllDigits;
using detail::IsAlnum;
using detail::IsDigit;

bool HasLeadingZero(std::string_view number) { return number.size() > 1 && number[0] == '0'; }

// Splits "a.b.c" into identifiers; each must be non-empty and of [0-9A-Za-z-].
Status SplitIdentifiers(std::string_view text, std::string_view what,
                        std::vector<std::string>& out) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view part =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty()) {
      return InvalidArgument("an identifier in the " + std::string(what) + " is empty");
    }
    for (char c : part) {
      if (!IsAlnum(c) && c != '-') {
        return InvalidArgument(std::string("invalid character '") + c + "' in the " +
                               std::string(what));
      }
    }
    out.emplace_back(part);
    if (dot == std::string_view::npos) {
      return Status::Ok();
    }
    start = dot + 1;
  }
}

Status ParseCore(std::string_view text, SemVerRules rules, SemVer& version) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view part =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || !AllDigits(part)) {
      return InvalidArgument("the version number '" + std::string(text) +
                             "' is not dot-separated decimal numbers");
    }
    if (!rules.lenient && HasLeadingZero(part)) {
      return InvalidArgument("the number '" + std::string(part) + "' has a leading zero");
    }
    version.core.emplace_back(part);
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  if (!rules.lenient && version.core.size() > 3) {
    return InvalidArgument("it has more than three numbers (major.minor.patch)");
  }
  if (rules.require_three_parts && version.core.size() < 3) {
    return InvalidArgument("it needs three numbers (major.minor.patch)");
  }
  return Status::Ok();
}

// Compares identifier lists by SemVer rule 11: numbers by value and below text, text in
// ASCII order, and a list that is a prefix of the other sorts first.
int CompareIdentifiers(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    const bool numeric_a = AllDigits(a[i]);
    const bool numeric_b = AllDigits(b[i]);
    int order = 0;
    if (numeric_a && numeric_b) {
      order = detail::CompareDigits(a[i], b[i]);
    } else if (numeric_a != numeric_b) {
      order = numeric_a ? -1 : 1;
    } else {
      order = detail::CompareBytes(a[i], b[i]);
    }
    if (order != 0) {
      return order;
    }
  }
  if (a.size() == b.size()) {
    return 0;
  }
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace

Result<SemVer> ParseSemVer(std::string_view text, SemVerRules rules) {
  const std::string printable = detail::CheckPrintable(text);
  if (!printable.empty()) {
    return InvalidArgument(printable);
  }
  SemVer version;
  std::string_view rest = text;
  if (rest.front() == 'v') {
    rest.remove_prefix(1);
  }

  const std::size_t plus = rest.find('+');
  if (plus != std::string_view::npos) {
    RAMPART_RETURN_IF_ERROR(
        SplitIdentifiers(rest.substr(plus + 1), "build metadata", version.build));
    rest = rest.substr(0, plus);
  }
  const std::size_t hyphen = rest.find('-');
  if (hyphen != std::string_view::npos) {
    RAMPART_RETURN_IF_ERROR(
        SplitIdentifiers(rest.substr(hyphen + 1), "pre-release", version.prerelease));
    if (!rules.lenient) {
      for (const std::string& identifier : version.prerelease) {
        if (AllDigits(identifier) && HasLeadingZero(identifier)) {
          return InvalidArgument("the pre-release number '" + identifier + "' has a leading zero");
        }
      }
    }
    rest = rest.substr(0, hyphen);
  }
  RAMPART_RETURN_IF_ERROR(ParseCore(rest, rules, version));
  return version;
}

int CompareSemVer(const SemVer& a, const SemVer& b) {
  const std::size_t parts = std::max({a.core.size(), b.core.size(), std::size_t{3}});
  for (std::size_t i = 0; i < parts; ++i) {
    const std::string_view part_a = i < a.core.size() ? std::string_view(a.core[i]) : "0";
    const std::string_view part_b = i < b.core.size() ? std::string_view(b.core[i]) : "0";
    if (const int order = detail::CompareDigits(part_a, part_b); order != 0) {
      return order;
    }
  }
  if (a.prerelease.empty() != b.prerelease.empty()) {
    return a.prerelease.empty() ? 1 : -1;
  }
  return CompareIdentifiers(a.prerelease, b.prerelease);
}

int ComparePubVersion(const SemVer& a, const SemVer& b) {
  if (const int order = CompareSemVer(a, b); order != 0) {
    return order;
  }
  if (a.build.empty() != b.build.empty()) {
    return a.build.empty() ? -1 : 1;
  }
  return CompareIdentifiers(a.build, b.build);
}

}  // namespace rampart::vuln
