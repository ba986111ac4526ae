#include "vuln/version_nuget.h"

#include <algorithm>

#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

using detail::AllDigits;

Result<std::vector<std::string>> SplitLabels(std::string_view text, std::string_view what) {
  std::vector<std::string> labels;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view label =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) {
      return InvalidArgument("a label in the " + std::string(what) + " is empty");
    }
    for (char c : label) {
      if (!detail::IsAlnum(c) && c != '-') {
        return InvalidArgument(std::string("invalid character '") + c + "' in the " +
                               std::string(what));
      }
    }
    labels.emplace_back(label);
    if (dot == std::string_view::npos) {
      return labels;
    }
    start = dot + 1;
  }
}

std::string Uppercase(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) {
    if (detail::IsLower(c)) {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return upper;
}

int CompareLabel(const std::string& a, const std::string& b) {
  const bool numeric_a = AllDigits(a);
  const bool numeric_b = AllDigits(b);
  if (numeric_a && numeric_b) {
    return detail::CompareDigits(a, b);
  }
  if (numeric_a != numeric_b) {
    return numeric_a ? -1 : 1;
  }
  return detail::CompareBytes(Uppercase(a), Uppercase(b));
}

}  // namespace

Result<NuGetVersion> ParseNuGetVersion(std::string_view text) {
  const std::string printable = detail::CheckPrintable(text);
  if (!printable.empty()) {
    return InvalidArgument(printable);
  }
  std::string_view rest = text;
  if (const std::size_t plus = rest.find('+'); plus != std::string_view::npos) {
    auto metadata = SplitLabels(rest.substr(plus + 1), "metadata");
    if (!metadata) {
      return metadata.status();
    }
    rest = rest.substr(0, plus);
  }

  NuGetVersion version;
  if (const std::size_t hyphen = rest.find('-'); hyphen != std::string_view::npos) {
    auto labels = SplitLabels(rest.substr(hyphen + 1), "pre-release");
    if (!labels) {
      return labels.status();
    }
    version.release = std::move(*labels);
    rest = rest.substr(0, hyphen);
  }

  auto numbers = SplitLabels(rest, "version number");
  if (!numbers) {
    return numbers.status();
  }
  if (numbers->size() > 4 || !std::all_of(numbers->begin(), numbers->end(), AllDigits)) {
    return InvalidArgument("the version number '" + std::string(rest) +
                           "' is not one to four dot-separated decimal numbers");
  }
  version.numbers = std::move(*numbers);
  return version;
}

int CompareNuGet(const NuGetVersion& a, const NuGetVersion& b) {
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string_view left = i < a.numbers.size() ? std::string_view(a.numbers[i]) : "0";
    const std::string_view right = i < b.numbers.size() ? std::string_view(b.numbers[i]) : "0";
    if (const int order = detail::CompareDigits(left, right); order != 0) {
      return order;
    }
  }
  if (a.release.empty() != b.release.empty()) {
    return a.release.empty() ? 1 : -1;
  }
  const std::size_t common = std::min(a.release.size(), b.release.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (const int order = CompareLabel(a.release[i], b.release[i]); order != 0) {
      return order;
    }
  }
  return detail::Sign(static_cast<int>(a.release.size()) - static_cast<int>(b.release.size()));
}

}  // namespace rampart::vuln
