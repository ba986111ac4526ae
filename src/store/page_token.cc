#include "store/page_token.h"

#include <array>

#include <fmt/format.h>

#include "core/hash.h"

namespace rampart::store {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view data) {
  std::string text;
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const std::uint32_t word = (static_cast<unsigned char>(data[i]) << 16) |
                               (static_cast<unsigned char>(data[i + 1]) << 8) |
                               static_cast<unsigned char>(data[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) {
      text += kAlphabet[(word >> shift) & 0x3f];
    }
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t word = static_cast<unsigned char>(data[i]) << 16;
    if (rest == 2) {
      word |= static_cast<unsigned char>(data[i + 1]) << 8;
    }
    text += kAlphabet[(word >> 18) & 0x3f];
    text += kAlphabet[(word >> 12) & 0x3f];
    if (rest == 2) {
      text += kAlphabet[(word >> 6) & 0x3f];
    }
  }
  return text;
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  std::array<int, 256> values;
  values.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  }
  std::string data;
  std::uint32_t word = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = values[static_cast<unsigned char>(c)];
    if (value < 0) {
      return InvalidArgument("NextToken: not a token this store issued");
    }
    word = (word << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      data += static_cast<char>((word >> bits) & 0xff);
    }
  }
  return data;
}

Status Malformed() {
  return InvalidArgument("NextToken: not a token this store issued; start again without one");
}

}  // namespace

std::string QueryFingerprint(const Filters& filters, const std::vector<SortCriterion>& sort) {
  std::string text = filters.canonical;
  for (const SortCriterion& criterion : sort) {
    text += fmt::format("|{}:{}", criterion.field->name,
                        criterion.order == SortOrder::kAscending ? "asc" : "desc");
  }
  return Sha256Hex(text).substr(0, 16);
}

std::string EncodePageToken(const PageToken& token, std::string_view fingerprint) {
  const Json json = {{"q", fingerprint}, {"k", token.sort_values}, {"s", token.sequence}};
  return Base64UrlEncode(json.dump());
}

Result<PageToken> DecodePageToken(std::string_view text, std::string_view fingerprint,
                                  std::size_t sort_values) {
  auto data = Base64UrlDecode(text);
  if (!data) {
    return data.status();
  }
  auto json = ParseJson(*data, "NextToken");
  if (!json || !json->is_object()) {
    return Malformed();
  }
  const auto query = json->find("q");
  const auto keys = json->find("k");
  const auto sequence = json->find("s");
  if (query == json->end() || keys == json->end() || sequence == json->end() ||
      !query->is_string() || !keys->is_array() || !sequence->is_number_integer()) {
    return Malformed();
  }
  if (query->get<std::string>() != fingerprint) {
    return InvalidArgument(
        "NextToken: the token belongs to a query with other filters or sort criteria; repeat "
        "that query, or start this one without a token");
  }
  if (keys->size() != sort_values) {
    return Malformed();
  }
  PageToken token;
  for (const Json& value : *keys) {
    if (!value.is_number() && !value.is_string()) {
      return Malformed();
    }
    token.sort_values.push_back(value);
  }
  token.sequence = sequence->get<std::int64_t>();
  return token;
}

}  // namespace rampart::store
