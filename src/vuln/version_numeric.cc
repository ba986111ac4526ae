#include "vuln/version_numeric.h"

#include <algorithm>

#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

Result<NumericVersion> SplitNumbers(std::string_view text, std::string_view separators,
                                    std::size_t minimum, std::string_view form) {
  const std::string printable = detail::CheckPrintable(text);
  if (!printable.empty()) {
    return InvalidArgument(printable);
  }
  NumericVersion version;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(text.find_first_of(separators, start), text.size());
    const std::string_view number = text.substr(start, end - start);
    if (number.empty() || !detail::AllDigits(number)) {
      return InvalidArgument("it is not of the form " + std::string(form));
    }
    version.numbers.emplace_back(number);
    if (end == text.size()) {
      break;
    }
    start = end + 1;
  }
  if (version.numbers.size() < minimum) {
    return InvalidArgument("it is not of the form " + std::string(form));
  }
  return version;
}

}  // namespace

Result<NumericVersion> ParseCranVersion(std::string_view text) {
  return SplitNumbers(text, ".-", 2, "N.N or N-N with more numbers optional");
}

Result<NumericVersion> ParseHackageVersion(std::string_view text) {
  return SplitNumbers(text, ".", 1, "N(.N)*");
}

int CompareNumeric(const NumericVersion& a, const NumericVersion& b) {
  const std::size_t common = std::min(a.numbers.size(), b.numbers.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (const int order = detail::CompareDigits(a.numbers[i], b.numbers[i]); order != 0) {
      return order;
    }
  }
  return detail::Sign(static_cast<int>(a.numbers.size()) - static_cast<int>(b.numbers.size()));
}

}  // namespace rampart::vuln
