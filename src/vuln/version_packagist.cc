#include "vuln/version_packagist.h"

#include <array>

#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

using detail::IsAlnum;
using detail::IsDigit;

bool IsSpecialSeparator(char c) { return c == '-' || c == '_' || c == '+'; }

// The rank version_compare() gives a word by its prefix; a number ranks as "#".
int SpecialFormRank(std::string_view part) {
  struct Form {
    std::string_view prefix;
    int rank;
  };
  constexpr std::array<Form, 10> kForms = {{{"dev", 0},
                                            {"alpha", 1},
                                            {"a", 1},
                                            {"beta", 2},
                                            {"b", 2},
                                            {"RC", 3},
                                            {"rc", 3},
                                            {"#", 4},
                                            {"pl", 5},
                                            {"p", 5}}};
  for (const Form& form : kForms) {
    if (part.substr(0, form.prefix.size()) == form.prefix) {
      return form.rank;
    }
  }
  return -1;
}

bool IsNumber(const std::string& part) { return !part.empty() && IsDigit(part.front()); }

int ComparePart(const std::string& a, const std::string& b) {
  if (IsNumber(a) && IsNumber(b)) {
    return detail::CompareDigits(a, b);
  }
  const int rank_a = IsNumber(a) ? SpecialFormRank("#") : SpecialFormRank(a);
  const int rank_b = IsNumber(b) ? SpecialFormRank("#") : SpecialFormRank(b);
  return detail::Sign(rank_a - rank_b);
}

int CompareParts(const std::vector<std::string>& a, std::size_t from_a,
                 const std::vector<std::string>& b, std::size_t from_b) {
  while (from_a < a.size() && from_b < b.size()) {
    if (const int order = ComparePart(a[from_a], b[from_b]); order != 0) {
      return order;
    }
    ++from_a;
    ++from_b;
  }
  // The longer version wins when it goes on with a number; otherwise what remains is
  // compared with "#", the rank of a number.
  static const std::vector<std::string> kNumberMark = {"#"};
  if (from_a < a.size()) {
    return IsNumber(a[from_a]) ? 1 : CompareParts(a, from_a, kNumberMark, 0);
  }
  if (from_b < b.size()) {
    return IsNumber(b[from_b]) ? -1 : CompareParts(kNumberMark, 0, b, from_b);
  }
  return 0;
}

}  // namespace

Result<PackagistVersion> ParsePackagistVersion(std::string_view text, bool lenient) {
  const std::string printable = detail::CheckPrintable(text);
  if (!printable.empty()) {
    return InvalidArgument(printable);
  }
  std::string_view rest = text;
  if (rest.front() == 'v' || rest.front() == 'V') {
    rest.remove_prefix(1);
  }
  if (rest.empty()) {
    return InvalidArgument("nothing follows the 'v'");
  }

  std::string canonical;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char c = rest[i];
    const bool allowed = IsAlnum(c) || c == '.' || IsSpecialSeparator(c) || (lenient && c == '#');
    if (!allowed) {
      return InvalidArgument(std::string("invalid character '") + c + "'");
    }
    const char previous = i > 0 ? rest[i - 1] : '.';
    const bool kind_changes = previous != '.' && !IsSpecialSeparator(previous) && c != '.' &&
                              !IsSpecialSeparator(c) && IsDigit(previous) != IsDigit(c);
    if (IsSpecialSeparator(c) || c == '.' || kind_changes) {
      if (!canonical.empty() && canonical.back() != '.') {
        canonical.push_back('.');
      }
    }
    if (!IsSpecialSeparator(c) && c != '.') {
      canonical.push_back(c);
    }
  }

  PackagistVersion version;
  std::size_t start = 0;
  while (start <= canonical.size()) {
    const std::size_t dot = std::min(canonical.find('.', start), canonical.size());
    if (dot > start) {
      version.parts.push_back(canonical.substr(start, dot - start));
    }
    start = dot + 1;
  }
  if (version.parts.empty()) {
    return InvalidArgument("it has no numbers or words");
  }
  return version;
}

int ComparePackagist(const PackagistVersion& a, const PackagistVersion& b) {
  return CompareParts(a.parts, 0, b.parts, 0);
}

}  // namespace rampart::vuln
