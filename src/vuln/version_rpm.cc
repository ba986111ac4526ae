#include "vuln/version_rpm.h"

#include <fmt/format.h>

#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

using detail::IsAlnum;
using detail::IsAlpha;
using detail::IsDigit;

bool IsSeparator(char c) { return !IsAlnum(c) && c != '~' && c != '^'; }

}  // namespace

Result<RpmVersion> ParseRpmVersion(std::string_view text) {
  if (text.empty()) {
    return InvalidArgument("the version is empty");
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte <= 0x20 || byte == 0x7f) {
      return InvalidArgument(
          fmt::format("byte 0x{:02x} at offset {} is whitespace or a control character", byte, i));
    }
  }

  RpmVersion version;
  std::size_t digits = 0;
  while (digits < text.size() && IsDigit(text[digits])) {
    ++digits;
  }
  std::string_view rest = text;
  if (digits < text.size() && text[digits] == ':') {
    if (digits > 0) {
      version.epoch = std::string(text.substr(0, digits));
    }
    rest = text.substr(digits + 1);
  }
  if (const auto hyphen = rest.rfind('-'); hyphen != std::string_view::npos) {
    version.release = std::string(rest.substr(hyphen + 1));
    rest = rest.substr(0, hyphen);
  }
  version.version = std::string(rest);
  return version;
}

int RpmVerCmp(std::string_view a, std::string_view b) {
  if (a == b) {
    return 0;
  }
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && IsSeparator(a[i])) {
      ++i;
    }
    while (j < b.size() && IsSeparator(b[j])) {
      ++j;
    }
    const bool end_a = i >= a.size();
    const bool end_b = j >= b.size();

    const bool tilde_a = !end_a && a[i] == '~';
    const bool tilde_b = !end_b && b[j] == '~';
    if (tilde_a || tilde_b) {
      if (!tilde_a) {
        return 1;
      }
      if (!tilde_b) {
        return -1;
      }
      ++i;
      ++j;
      continue;
    }

    const bool caret_a = !end_a && a[i] == '^';
    const bool caret_b = !end_b && b[j] == '^';
    if (caret_a || caret_b) {
      if (end_a) {
        return -1;
      }
      if (end_b) {
        return 1;
      }
      if (!caret_a) {
        return 1;
      }
      if (!caret_b) {
        return -1;
      }
      ++i;
      ++j;
      continue;
    }

    if (end_a || end_b) {
      break;
    }

    const bool numeric = IsDigit(a[i]);
    const auto in_segment = [numeric](char c) { return numeric ? IsDigit(c) : IsAlpha(c); };
    const std::size_t start_a = i;
    const std::size_t start_b = j;
    while (i < a.size() && in_segment(a[i])) {
      ++i;
    }
    while (j < b.size() && in_segment(b[j])) {
      ++j;
    }
    if (j == start_b) {
      // The segments differ in kind: a number is newer than letters.
      return numeric ? 1 : -1;
    }
    const std::string_view segment_a = a.substr(start_a, i - start_a);
    const std::string_view segment_b = b.substr(start_b, j - start_b);
    const int order = numeric ? detail::CompareDigits(segment_a, segment_b)
                              : detail::CompareBytes(segment_a, segment_b);
    if (order != 0) {
      return order;
    }
  }

  const bool end_a = i >= a.size();
  const bool end_b = j >= b.size();
  if (end_a && end_b) {
    return 0;
  }
  return end_a ? -1 : 1;
}

int CompareRpm(const RpmVersion& a, const RpmVersion& b) {
  if (const int order = detail::CompareDigits(a.epoch, b.epoch); order != 0) {
    return order;
  }
  if (const int order = RpmVerCmp(a.version, b.version); order != 0) {
    return order;
  }
  if (a.release.has_value() != b.release.has_value()) {
    return a.release.has_value() ? 1 : -1;
  }
  return a.release.has_value() ? RpmVerCmp(*a.release, *b.release) : 0;
}

}  // namespace rampart::vuln
