#include "core/hash.h"

#include <openssl/evp.h>

#include <array>

namespace rampart {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

std::string ToHex(const unsigned char* bytes, unsigned length) {
  std::string hex(length * 2, '0');
  for (unsigned i = 0; i < length; ++i) {
    hex[2 * i] = kHexDigits[bytes[i] >> 4];
    hex[2 * i + 1] = kHexDigits[bytes[i] & 0x0f];
  }
  return hex;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return ToHex(digest.data(), length);
}

std::string StableId(std::initializer_list<std::string_view> parts, std::size_t hex_digits) {
  std::string joined;
  for (const std::string_view part : parts) {
    joined.append(part);
    joined.push_back('\x1f');
  }
  return Sha256Hex(joined).substr(0, hex_digits);
}

}  // namespace rampart
