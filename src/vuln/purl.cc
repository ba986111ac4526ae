#include "vuln/purl.h"

#include <fmt/format.h>

#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

int HexValue(char c) {
  if (detail::IsDigit(c)) {
    return c - '0';
  }
  const char lower = detail::ToLower(c);
  if (lower >= 'a' && lower <= 'f') {
    return lower - 'a' + 10;
  }
  return -1;
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded.push_back(text[i]);
      continue;
    }
    const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return InvalidArgument(fmt::format("malformed percent escape at offset {}", i));
    }
    decoded.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return decoded;
}

std::string_view Trim(std::string_view text, char c) {
  while (!text.empty() && text.front() == c) {
    text.remove_prefix(1);
  }
  while (!text.empty() && text.back() == c) {
    text.remove_suffix(1);
  }
  return text;
}

Status ParseQualifiers(std::string_view text, PackageUrl& purl) {
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('&', start), text.size());
    const std::string_view pair = text.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) {
      continue;
    }
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return InvalidArgument(fmt::format("qualifier \"{}\" is not key=value", pair));
    }
    auto value = PercentDecode(pair.substr(equals + 1));
    if (!value) {
      return value.status();
    }
    if (!value->empty()) {
      purl.qualifiers[detail::Lowercase(pair.substr(0, equals))] = std::move(*value);
    }
  }
  return Status::Ok();
}

Status ParseBody(std::string_view text, PackageUrl& purl) {
  std::string_view rest = text;
  if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
    purl.subpath = std::string(Trim(rest.substr(hash + 1), '/'));
    rest = rest.substr(0, hash);
  }
  if (const std::size_t question = rest.find('?'); question != std::string_view::npos) {
    RAMPART_RETURN_IF_ERROR(ParseQualifiers(rest.substr(question + 1), purl));
    rest = rest.substr(0, question);
  }
  if (rest.substr(0, 4) != "pkg:") {
    return InvalidArgument("the scheme is not \"pkg:\"");
  }
  rest = Trim(rest.substr(4), '/');

  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) {
    return InvalidArgument("the type or the name is missing");
  }
  purl.type = detail::Lowercase(rest.substr(0, slash));
  rest = Trim(rest.substr(slash + 1), '/');

  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    auto version = PercentDecode(rest.substr(at + 1));
    if (!version) {
      return version.status();
    }
    purl.version = std::move(*version);
    rest = rest.substr(0, at);
  }

  const std::size_t last_slash = rest.rfind('/');
  auto name =
      PercentDecode(last_slash == std::string_view::npos ? rest : rest.substr(last_slash + 1));
  if (!name) {
    return name.status();
  }
  if (name->empty()) {
    return InvalidArgument("the name is empty");
  }
  purl.name = std::move(*name);
  if (last_slash != std::string_view::npos) {
    auto namespace_ = PercentDecode(rest.substr(0, last_slash));
    if (!namespace_) {
      return namespace_.status();
    }
    purl.namespace_ = std::move(*namespace_);
  }
  return Status::Ok();
}

}  // namespace

Result<PackageUrl> ParsePackageUrl(std::string_view text) {
  PackageUrl purl;
  const Status status = ParseBody(text, purl);
  if (!status.ok()) {
    return InvalidArgument(fmt::format("invalid package URL \"{}\": {}", text, status.message()));
  }
  return purl;
}

}  // namespace rampart::vuln
