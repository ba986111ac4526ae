#include "vuln/version_pep440.h"

#include <algorithm>
#include <array>

#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

using detail::IsAlnum;
using detail::IsDigit;
using detail::IsLower;

// A cursor over the lower-cased text with backtracking by saving `position`.
struct Cursor {
  std::string_view text;
  std::size_t position = 0;

  bool AtEnd() const { return position >= text.size(); }
  char Peek(std::size_t offset = 0) const {
    return position + offset < text.size() ? text[position + offset] : '\0';
  }

  bool Take(std::string_view word) {
    if (text.substr(position, word.size()) == word) {
      position += word.size();
      return true;
    }
    return false;
  }

  bool TakeSeparator() {
    const char c = Peek();
    if (c == '-' || c == '_' || c == '.') {
      ++position;
      return true;
    }
    return false;
  }

  std::string TakeDigits() {
    const std::size_t start = position;
    while (IsDigit(Peek())) {
      ++position;
    }
    return std::string(text.substr(start, position - start));
  }
};

std::string StripZeros(std::string digits) {
  const std::size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? "0" : digits.substr(first);
}

bool TakePre(Cursor& cursor, Pep440Version& version) {
  struct Spelling {
    std::string_view word;
    int kind;
  };
  // Longer spellings first, so "alpha" is not read as "a" followed by "lpha".
  constexpr std::array<Spelling, 8> kSpellings = {{{"alpha", 0},
                                                   {"beta", 1},
                                                   {"preview", 2},
                                                   {"pre", 2},
                                                   {"rc", 2},
                                                   {"a", 0},
                                                   {"b", 1},
                                                   {"c", 2}}};
  const std::size_t saved = cursor.position;
  cursor.TakeSeparator();
  for (const Spelling& spelling : kSpellings) {
    if (cursor.Take(spelling.word)) {
      version.pre_kind = spelling.kind;
      const std::size_t before_separator = cursor.position;
      cursor.TakeSeparator();
      version.pre_number = cursor.TakeDigits();
      if (version.pre_number.empty()) {
        cursor.position = before_separator;
        version.pre_number = "0";
      }
      return true;
    }
  }
  cursor.position = saved;
  return false;
}

// Reads "[sep](post|rev|r)[sep][N]" or the implicit "-N" form.
bool TakePost(Cursor& cursor, Pep440Version& version) {
  const std::size_t saved = cursor.position;
  if (cursor.Take("-") && IsDigit(cursor.Peek())) {
    version.post = StripZeros(cursor.TakeDigits());
    return true;
  }
  cursor.position = saved;
  cursor.TakeSeparator();
  if (cursor.Take("post") || cursor.Take("rev") || cursor.Take("r")) {
    const std::size_t before_separator = cursor.position;
    cursor.TakeSeparator();
    std::string number = cursor.TakeDigits();
    if (number.empty()) {
      cursor.position = before_separator;
      number = "0";
    }
    version.post = StripZeros(number);
    return true;
  }
  cursor.position = saved;
  return false;
}

bool TakeDev(Cursor& cursor, Pep440Version& version) {
  const std::size_t saved = cursor.position;
  cursor.TakeSeparator();
  if (cursor.Take("dev")) {
    const std::size_t before_separator = cursor.position;
    cursor.TakeSeparator();
    std::string number = cursor.TakeDigits();
    if (number.empty()) {
      cursor.position = before_separator;
      number = "0";
    }
    version.dev = StripZeros(number);
    return true;
  }
  cursor.position = saved;
  return false;
}

bool TakeLocal(Cursor& cursor, Pep440Version& version) {
  if (!cursor.Take("+")) {
    return true;
  }
  std::string segment;
  while (!cursor.AtEnd()) {
    const char c = cursor.Peek();
    if (IsAlnum(c)) {
      segment.push_back(c);
    } else if (c == '-' || c == '_' || c == '.') {
      if (segment.empty()) {
        return false;
      }
      version.local.push_back(std::move(segment));
      segment.clear();
    } else {
      return false;
    }
    ++cursor.position;
  }
  if (segment.empty()) {
    return false;
  }
  version.local.push_back(std::move(segment));
  return true;
}

bool ParseStandard(std::string_view lower, Pep440Version& version) {
  Cursor cursor{lower};
  cursor.Take("v");
  std::string number = cursor.TakeDigits();
  if (number.empty()) {
    return false;
  }
  if (cursor.Take("!")) {
    version.epoch = StripZeros(number);
    number = cursor.TakeDigits();
    if (number.empty()) {
      return false;
    }
  }
  version.release.push_back(StripZeros(number));
  while (cursor.Peek() == '.' && IsDigit(cursor.Peek(1))) {
    ++cursor.position;
    version.release.push_back(StripZeros(cursor.TakeDigits()));
  }
  while (version.release.size() > 1 && version.release.back() == "0") {
    version.release.pop_back();
  }
  TakePre(cursor, version);
  TakePost(cursor, version);
  TakeDev(cursor, version);
  return TakeLocal(cursor, version) && cursor.AtEnd();
}

// The key of setuptools' LegacyVersion (packaging before 22.0): the text split into digit
// runs, letter runs, '.' and '-', with digits zero-padded to 8 places and words prefixed
// with '*' so that they sort below numbers.
std::vector<std::string> LegacyKey(std::string_view lower) {
  std::vector<std::string> parts;
  const auto emit = [&parts](std::string part) {
    if (part == "pre" || part == "preview" || part == "rc") {
      part = "c";
    } else if (part == "-") {
      part = "final-";
    } else if (part == "dev") {
      part = "@";
    }
    if (part.empty() || part == ".") {
      return;
    }
    if (IsDigit(part.front())) {
      if (part.size() < 8) {
        part.insert(0, 8 - part.size(), '0');
      }
    } else {
      part.insert(0, "*");
    }
    if (part.front() == '*') {
      if (part < "*final") {
        while (!parts.empty() && parts.back() == "*final-") {
          parts.pop_back();
        }
      }
      while (!parts.empty() && parts.back() == "00000000") {
        parts.pop_back();
      }
    }
    parts.push_back(std::move(part));
  };

  std::string other;
  std::size_t i = 0;
  while (i < lower.size()) {
    const char c = lower[i];
    std::size_t end = i + 1;
    if (IsDigit(c)) {
      while (end < lower.size() && IsDigit(lower[end])) {
        ++end;
      }
    } else if (IsLower(c)) {
      while (end < lower.size() && IsLower(lower[end])) {
        ++end;
      }
    } else if (c != '.' && c != '-') {
      other.push_back(c);
      ++i;
      continue;
    }
    emit(std::move(other));
    other.clear();
    emit(std::string(lower.substr(i, end - i)));
    i = end;
  }
  emit(std::move(other));
  emit("final");
  return parts;
}

int CompareNumberLists(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (const int order = detail::CompareDigits(a[i], b[i]); order != 0) {
      return order;
    }
  }
  return detail::Sign(static_cast<int>(a.size()) - static_cast<int>(b.size()));
}

// Compares optional numbers where a missing one sorts below (`missing_first`) or above
// every present one.
int CompareOptional(const std::optional<std::string>& a, const std::optional<std::string>& b,
                    bool missing_first) {
  if (a.has_value() != b.has_value()) {
    return a.has_value() == missing_first ? 1 : -1;
  }
  return a.has_value() ? detail::CompareDigits(*a, *b) : 0;
}

int ComparePre(const Pep440Version& a, const Pep440Version& b) {
  // A dev release without a pre or post release sorts before every pre-release of its
  // version. A version without a pre-release sorts after all of them.
  const auto rank = [](const Pep440Version& v) {
    if (v.pre_kind < 0 && !v.post.has_value() && v.dev.has_value()) {
      return -1;
    }
    return v.pre_kind < 0 ? 3 : v.pre_kind;
  };
  const int rank_a = rank(a);
  const int rank_b = rank(b);
  if (rank_a != rank_b) {
    return rank_a < rank_b ? -1 : 1;
  }
  if (a.pre_kind < 0) {
    return 0;
  }
  return detail::CompareDigits(a.pre_number, b.pre_number);
}

int CompareLocal(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    const bool numeric_a = detail::AllDigits(a[i]);
    const bool numeric_b = detail::AllDigits(b[i]);
    int order = 0;
    if (numeric_a && numeric_b) {
      order = detail::CompareDigits(a[i], b[i]);
    } else if (numeric_a != numeric_b) {
      order = numeric_a ? 1 : -1;
    } else {
      order = detail::CompareBytes(a[i], b[i]);
    }
    if (order != 0) {
      return order;
    }
  }
  return detail::Sign(static_cast<int>(a.size()) - static_cast<int>(b.size()));
}

}  // namespace

Result<Pep440Version> ParsePep440(std::string_view text, bool lenient) {
  std::string_view trimmed = text;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) {
    trimmed.remove_prefix(1);
  }
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t')) {
    trimmed.remove_suffix(1);
  }
  const std::string printable = detail::CheckPrintable(trimmed);
  if (!printable.empty()) {
    return InvalidArgument(printable);
  }

  const std::string lower = detail::Lowercase(trimmed);
  Pep440Version version;
  if (ParseStandard(lower, version)) {
    return version;
  }
  if (!lenient) {
    return InvalidArgument(
        "it is not a PEP 440 version ([N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local])");
  }
  Pep440Version legacy;
  legacy.legacy = true;
  legacy.legacy_key = LegacyKey(lower);
  return legacy;
}

int ComparePep440(const Pep440Version& a, const Pep440Version& b) {
  if (a.legacy != b.legacy) {
    return a.legacy ? -1 : 1;
  }
  if (a.legacy) {
    if (a.legacy_key == b.legacy_key) {
      return 0;
    }
    return a.legacy_key < b.legacy_key ? -1 : 1;
  }
  if (const int order = detail::CompareDigits(a.epoch, b.epoch); order != 0) {
    return order;
  }
  if (const int order = CompareNumberLists(a.release, b.release); order != 0) {
    return order;
  }
  if (const int order = ComparePre(a, b); order != 0) {
    return order;
  }
  if (const int order = CompareOptional(a.post, b.post, true); order != 0) {
    return order;
  }
  if (const int order = CompareOptional(a.dev, b.dev, false); order != 0) {
    return order;
  }
  if (a.local.empty() != b.local.empty()) {
    return a.local.empty() ? -1 : 1;
  }
  return CompareLocal(a.local, b.local);
}

}  // namespace rampart::vuln
