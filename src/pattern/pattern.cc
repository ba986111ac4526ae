#include "pattern/pattern.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace rampart::pattern {
namespace {

std::string NumberKey(double number) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &number, sizeof bits);
  return fmt::format("{:016x}", bits);
}

}  // namespace

std::string ValueMatcher::CanonicalKey() const {
  std::string key = fmt::format("{}:", static_cast<int>(kind));
  switch (kind) {
    case MatchKind::kNumber:
      return key + NumberKey(number);
    case MatchKind::kNumericRange:
      return key + fmt::format("{}{}{}{}", range.low_inclusive ? '[' : '(', NumberKey(range.low),
                               NumberKey(range.high), range.high_inclusive ? ']' : ')');
    case MatchKind::kCidr:
      return key + fmt::format("{}{:016x}{:016x}{:016x}{:016x}", ip.v6 ? '6' : '4', ip.first.high,
                               ip.first.low, ip.last.high, ip.last.low);
    case MatchKind::kAnythingBut: {
      std::vector<std::string> parts;
      for (const ValueMatcher& entry : excluded) {
        parts.push_back(entry.CanonicalKey());
      }
      std::sort(parts.begin(), parts.end());
      parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
      for (const std::string& part : parts) {
        key += fmt::format("{}:{}", part.size(), part);
      }
      return key;
    }
    default:
      return key + fmt::format("{}:{}", text.size(), text);
  }
}

std::string FieldCondition::CanonicalKey() const {
  std::string key;
  for (const std::string& step : path) {
    key += fmt::format("{}:{}", step.size(), step);
  }
  std::vector<std::string> parts;
  for (const ValueMatcher& matcher : any_of) {
    parts.push_back(matcher.CanonicalKey());
  }
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  key += '|';
  for (const std::string& part : parts) {
    key += fmt::format("{}:{}", part.size(), part);
  }
  return key;
}

}  // namespace rampart::pattern
