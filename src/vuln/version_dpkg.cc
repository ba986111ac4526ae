#include "vuln/version_dpkg.h"

#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

using detail::IsAlnum;
using detail::IsAlpha;
using detail::IsDigit;

// The weight dpkg gives a non-digit character: '~' lowest, then the end of the string,
// then letters, then every other character.
int CharacterOrder(std::string_view text, std::size_t i) {
  if (i >= text.size()) {
    return 0;
  }
  const char c = text[i];
  if (IsDigit(c)) {
    return 0;
  }
  if (IsAlpha(c)) {
    return c;
  }
  if (c == '~') {
    return -1;
  }
  return static_cast<unsigned char>(c) + 256;
}

bool AllowedInUpstream(char c) {
  return IsAlnum(c) || c == '.' || c == '+' || c == '-' || c == '~' || c == ':';
}

bool AllowedInRevision(char c) { return IsAlnum(c) || c == '.' || c == '+' || c == '~'; }

Status CheckCharacters(const DpkgVersion& version) {
  if (!IsDigit(version.upstream.front())) {
    return InvalidArgument("the upstream version does not start with a digit");
  }
  for (char c : version.upstream) {
    if (!AllowedInUpstream(c)) {
      return InvalidArgument(std::string("invalid character '") + c + "' in the upstream version");
    }
  }
  for (char c : version.revision) {
    if (!AllowedInRevision(c)) {
      return InvalidArgument(std::string("invalid character '") + c + "' in the revision");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<DpkgVersion> ParseDpkgVersion(std::string_view text, bool lenient) {
  const std::string printable = detail::CheckPrintable(text);
  if (!printable.empty()) {
    return InvalidArgument(printable);
  }

  DpkgVersion version;
  std::string_view rest = text;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    const std::string_view epoch = rest.substr(0, colon);
    if (epoch.empty()) {
      return InvalidArgument("the epoch before ':' is empty");
    }
    if (!detail::AllDigits(epoch)) {
      return InvalidArgument("the epoch '" + std::string(epoch) + "' is not a number");
    }
    version.epoch = std::string(epoch);
    rest.remove_prefix(colon + 1);
  }

  if (const auto hyphen = rest.rfind('-'); hyphen != std::string_view::npos) {
    version.revision = std::string(rest.substr(hyphen + 1));
    if (version.revision.empty()) {
      return InvalidArgument("the revision after the last '-' is empty");
    }
    rest = rest.substr(0, hyphen);
  }
  if (rest.empty()) {
    return InvalidArgument("the upstream version is empty");
  }
  version.upstream = std::string(rest);

  if (!lenient) {
    RAMPART_RETURN_IF_ERROR(CheckCharacters(version));
  }
  return version;
}

int CompareDpkgPart(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !IsDigit(a[i])) || (j < b.size() && !IsDigit(b[j]))) {
      const int order_a = CharacterOrder(a, i);
      const int order_b = CharacterOrder(b, j);
      if (order_a != order_b) {
        return order_a < order_b ? -1 : 1;
      }
      ++i;
      ++j;
    }

    const std::size_t start_a = i;
    const std::size_t start_b = j;
    while (i < a.size() && IsDigit(a[i])) {
      ++i;
    }
    while (j < b.size() && IsDigit(b[j])) {
      ++j;
    }
    const std::string_view digits_a = i > start_a ? a.substr(start_a, i - start_a) : "0";
    const std::string_view digits_b = j > start_b ? b.substr(start_b, j - start_b) : "0";
    if (const int order = detail::CompareDigits(digits_a, digits_b); order != 0) {
      return order;
    }
  }
  return 0;
}

int CompareDpkg(const DpkgVersion& a, const DpkgVersion& b) {
  if (const int order = detail::CompareDigits(a.epoch, b.epoch); order != 0) {
    return order;
  }
  if (const int order = CompareDpkgPart(a.upstream, b.upstream); order != 0) {
    return order;
  }
  return CompareDpkgPart(a.revision, b.revision);
}

}  // namespace rampart::vuln
