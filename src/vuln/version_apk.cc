#include "vuln/version_apk.h"

#include <array>
#include <cstdint>

#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

using detail::IsDigit;
using detail::IsLower;

// Token kinds in the order apk-tools 2 gives them. A kind may only follow a lower one,
// with the exceptions in Allowed. When two versions agree up to where one has a further
// token, that token's kind decides which is newer. An unreadable token ranks last, as in
// apk-tools 3, so a version that runs into one sorts below a version that ends cleanly.
enum class Token {
  kDigitOrZero,  // a number after '.', where leading zeros make it a fraction
  kDigit,
  kLetter,
  kSuffix,
  kSuffixNumber,
  kRevision,
  kEnd,
  kInvalid,
};

// The value of one token: a run of digits (any length), or a small number for letters,
// suffix weights and runs of leading zeros.
struct Value {
  bool is_digits = false;
  std::string_view digits;
  std::int64_t small = 0;
};

int CompareValues(const Value& a, const Value& b) {
  if (a.is_digits && b.is_digits) {
    return detail::CompareDigits(a.digits.empty() ? "0" : a.digits,
                                 b.digits.empty() ? "0" : b.digits);
  }
  if (a.is_digits != b.is_digits) {
    const Value& number = a.is_digits ? a : b;
    const std::int64_t small = a.is_digits ? b.small : a.small;
    int order = small < 0 ? 1
                          : detail::CompareDigits(number.digits.empty() ? "0" : number.digits,
                                                  std::to_string(small));
    return a.is_digits ? order : -order;
  }
  return (a.small > b.small) - (a.small < b.small);
}

// Suffix weights: pre-releases are negative, the others zero or above, so a pre-release
// sorts below the version without a suffix.
constexpr std::array<std::string_view, 4> kPreSuffixes = {"alpha", "beta", "pre", "rc"};
constexpr std::array<std::string_view, 5> kPostSuffixes = {"cvs", "svn", "git", "hg", "p"};

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : rest_(text) {}

  Token type() const { return type_; }

  // Reads the token of the current type and works out the type of the next one.
  Value Read() {
    Value value;
    Token forced_next = Token::kInvalid;
    std::size_t length = 0;
    switch (type_) {
      case Token::kDigitOrZero:
        if (!rest_.empty() && rest_.front() == '0') {
          while (length < rest_.size() && rest_[length] == '0') {
            ++length;
          }
          value.small = -static_cast<std::int64_t>(length);
          forced_next = Token::kDigit;
          break;
        }
        [[fallthrough]];
      case Token::kDigit:
      case Token::kSuffixNumber:
      case Token::kRevision:
        while (length < rest_.size() && IsDigit(rest_[length])) {
          ++length;
        }
        value.is_digits = true;
        value.digits = rest_.substr(0, length);
        break;
      case Token::kLetter:
        value.small = static_cast<unsigned char>(rest_.front());
        length = 1;
        break;
      case Token::kSuffix:
        if (!ReadSuffix(value, length)) {
          type_ = Token::kInvalid;
          value.small = -1;
          return value;
        }
        break;
      default:
        type_ = Token::kInvalid;
        value.small = -1;
        return value;
    }
    rest_.remove_prefix(length);
    if (rest_.empty()) {
      type_ = Token::kEnd;
    } else if (forced_next != Token::kInvalid) {
      type_ = forced_next;
    } else {
      Advance();
    }
    return value;
  }

 private:
  bool ReadSuffix(Value& value, std::size_t& length) const {
    for (std::size_t i = 0; i < kPreSuffixes.size(); ++i) {
      if (rest_.substr(0, kPreSuffixes[i].size()) == kPreSuffixes[i]) {
        value.small = static_cast<std::int64_t>(i) - static_cast<std::int64_t>(kPreSuffixes.size());
        length = kPreSuffixes[i].size();
        return true;
      }
    }
    for (std::size_t i = 0; i < kPostSuffixes.size(); ++i) {
      if (rest_.substr(0, kPostSuffixes[i].size()) == kPostSuffixes[i]) {
        value.small = static_cast<std::int64_t>(i);
        length = kPostSuffixes[i].size();
        return true;
      }
    }
    return false;
  }

  // Decides the next token's type from the next character, consuming a separator.
  void Advance() {
    const char c = rest_.front();
    Token next = Token::kInvalid;
    if ((type_ == Token::kDigit || type_ == Token::kDigitOrZero) && IsLower(c)) {
      next = Token::kLetter;
    } else if (type_ == Token::kLetter && IsDigit(c)) {
      next = Token::kDigit;
    } else if (type_ == Token::kSuffix && IsDigit(c)) {
      next = Token::kSuffixNumber;
    } else if (IsRevisionStart(rest_)) {
      next = Token::kRevision;
      rest_.remove_prefix(2);
    } else {
      if (c == '.') {
        next = Token::kDigitOrZero;
      } else if (c == '_') {
        next = Token::kSuffix;
      }
      rest_.remove_prefix(1);
    }
    if (next < type_ && !Allowed(next, type_)) {
      next = Token::kInvalid;
    }
    type_ = next;
  }

  // Returns true at "-r" not followed by a letter, or at ".r" followed by a digit, which is
  // how Alpine's security data sometimes writes the revision.
  static bool IsRevisionStart(std::string_view text) {
    if (text.size() < 2 || text[1] != 'r') {
      return false;
    }
    const char after = text.size() > 2 ? text[2] : '\0';
    if (text[0] == '-') {
      return !IsLower(after);
    }
    return text[0] == '.' && IsDigit(after);
  }

  // The steps back in kind that the grammar allows: a number after a number ("1.2"), a
  // further suffix after a suffix number ("_alpha1_pre2"), a number after a letter ("2p1").
  static bool Allowed(Token next, Token current) {
    return (next == Token::kDigitOrZero && current == Token::kDigit) ||
           (next == Token::kSuffix && current == Token::kSuffixNumber) ||
           (next == Token::kDigit && current == Token::kLetter);
  }

  std::string_view rest_;
  Token type_ = Token::kDigit;
};

// The grammar of APKBUILD(5), with two forms that Alpine's own security data uses: a
// post-release suffix without its underscore ("6.6.2p1") and a revision written ".r0".
bool MatchesGrammar(std::string_view text) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && IsDigit(text[i])) {
      ++i;
    }
    return i > start;
  };
  const auto word = [&](std::string_view w) {
    if (text.substr(i, w.size()) == w) {
      i += w.size();
      return true;
    }
    return false;
  };
  const auto suffix = [&] {
    for (std::string_view s : {"alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"}) {
      if (word(s)) {
        digits();
        return true;
      }
    }
    return false;
  };

  if (!digits()) {
    return false;
  }
  while (i + 1 < text.size() && text[i] == '.' && IsDigit(text[i + 1])) {
    ++i;
    digits();
  }
  if (i < text.size() && IsLower(text[i]) &&
      !(text[i] == 'p' && i + 1 < text.size() && IsDigit(text[i + 1]) && text.substr(i) != "p")) {
    ++i;
  }
  if (i < text.size() && text[i] == 'p' && i + 1 < text.size() && IsDigit(text[i + 1])) {
    ++i;
    digits();
  }
  while (i < text.size() && text[i] == '_') {
    ++i;
    if (!suffix()) {
      return false;
    }
  }
  if (i < text.size() && text[i] == '~') {
    ++i;
    const std::size_t start = i;
    while (i < text.size() && (IsDigit(text[i]) || (text[i] >= 'a' && text[i] <= 'f'))) {
      ++i;
    }
    if (i == start) {
      return false;
    }
  }
  if (i < text.size() && (text[i] == '-' || text[i] == '.') && word(text[i] == '-' ? "-r" : ".r")) {
    if (!digits()) {
      return false;
    }
  }
  return i == text.size();
}

}  // namespace

Result<ApkVersion> ParseApkVersion(std::string_view text, bool lenient) {
  const std::string printable = detail::CheckPrintable(text);
  if (!printable.empty()) {
    return InvalidArgument(printable);
  }
  if (!lenient && !MatchesGrammar(text)) {
    return InvalidArgument(
        "it does not follow number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}");
  }
  return ApkVersion{std::string(text)};
}

int CompareApk(std::string_view a, std::string_view b) {
  Tokenizer ta(a);
  Tokenizer tb(b);
  Value va;
  Value vb;
  while (ta.type() == tb.type() && ta.type() < Token::kEnd && CompareValues(va, vb) == 0) {
    va = ta.Read();
    vb = tb.Read();
  }
  if (const int order = CompareValues(va, vb); order != 0) {
    return order;
  }
  if (ta.type() == tb.type()) {
    return 0;
  }
  // Equal so far: the version with more tokens is newer unless its next token is a
  // pre-release suffix.
  if (ta.type() == Token::kSuffix) {
    Tokenizer peek = ta;
    if (peek.Read().small < 0) {
      return -1;
    }
  }
  if (tb.type() == Token::kSuffix) {
    Tokenizer peek = tb;
    if (peek.Read().small < 0) {
      return 1;
    }
  }
  return ta.type() > tb.type() ? -1 : 1;
}

}  // namespace rampart::vuln
