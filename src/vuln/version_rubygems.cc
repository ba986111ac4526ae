#include "vuln/version_rubygems.h"

#include <algorithm>

#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

using detail::IsAlnum;
using detail::IsAlpha;
using detail::IsDigit;

bool IsNumber(const std::string& segment) { return IsDigit(segment.front()); }

bool IsZero(const std::string& segment) {
  return IsNumber(segment) && segment.find_first_not_of('0') == std::string::npos;
}

// Gem::Version's pattern: [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
bool MatchesPattern(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && IsDigit(text[i])) {
    ++i;
  }
  if (i == 0) {
    return false;
  }
  while (i < text.size() && text[i] == '.') {
    const std::size_t start = ++i;
    while (i < text.size() && IsAlnum(text[i])) {
      ++i;
    }
    if (i == start) {
      return false;
    }
  }
  if (i == text.size()) {
    return true;
  }
  if (text[i] != '-') {
    return false;
  }
  ++i;
  while (true) {
    const std::size_t start = i;
    while (i < text.size() && (IsAlnum(text[i]) || text[i] == '-')) {
      ++i;
    }
    if (i == start) {
      return false;
    }
    if (i == text.size()) {
      return true;
    }
    if (text[i] != '.') {
      return false;
    }
    ++i;
  }
}

void DropTrailingZeros(std::vector<std::string>& segments, std::size_t begin) {
  while (segments.size() > begin && IsZero(segments.back())) {
    segments.pop_back();
  }
}

}  // namespace

Result<RubyGemsVersion> ParseRubyGemsVersion(std::string_view text, bool lenient) {
  const std::string printable = detail::CheckPrintable(text);
  if (!printable.empty()) {
    return InvalidArgument(printable);
  }
  if (!MatchesPattern(text)) {
    const bool loose_ok = lenient && IsDigit(text.front()) &&
                          std::all_of(text.begin(), text.end(),
                                      [](char c) { return IsAlnum(c) || c == '.' || c == '-'; });
    if (!loose_ok) {
      return InvalidArgument(
          "it does not match N(.X)*(-X(.X)*)? with N digits and X letters or digits");
    }
  }

  // Gem::Version reads "-" as ".pre.", then takes runs of digits and runs of letters.
  std::vector<std::string> segments;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '-') {
      segments.emplace_back("pre");
      ++i;
      continue;
    }
    if (!IsAlnum(text[i])) {
      ++i;
      continue;
    }
    const bool digits = IsDigit(text[i]);
    const std::size_t start = i;
    while (i < text.size() && (digits ? IsDigit(text[i]) : IsAlpha(text[i]))) {
      ++i;
    }
    segments.emplace_back(text.substr(start, i - start));
  }

  // Remove the zeros that end the release part (before the first letter segment) and
  // those that end the whole version.
  const auto first_letter = std::find_if(segments.begin(), segments.end(),
                                         [](const std::string& s) { return !IsNumber(s); });
  std::vector<std::string> release(segments.begin(), first_letter);
  std::vector<std::string> prerelease(first_letter, segments.end());
  DropTrailingZeros(release, 0);
  DropTrailingZeros(prerelease, 0);
  release.insert(release.end(), prerelease.begin(), prerelease.end());
  return RubyGemsVersion{std::move(release)};
}

int CompareRubyGems(const RubyGemsVersion& a, const RubyGemsVersion& b) {
  const std::size_t count = std::max(a.segments.size(), b.segments.size());
  static const std::string kZero = "0";
  for (std::size_t i = 0; i < count; ++i) {
    const std::string& left = i < a.segments.size() ? a.segments[i] : kZero;
    const std::string& right = i < b.segments.size() ? b.segments[i] : kZero;
    const bool number_left = IsNumber(left);
    const bool number_right = IsNumber(right);
    int order = 0;
    if (number_left && number_right) {
      order = detail::CompareDigits(left, right);
    } else if (number_left != number_right) {
      order = number_left ? 1 : -1;
    } else {
      order = detail::CompareBytes(left, right);
    }
    if (order != 0) {
      return order;
    }
  }
  return 0;
}

}  // namespace rampart::vuln
