#include "pattern/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

#include <fmt/format.h>

namespace rampart::pattern {
namespace {

constexpr std::size_t kMaxAddressText = 63;

std::uint64_t LoadBigEndian(const unsigned char* bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | bytes[i];
  }
  return value;
}

// Returns the all-ones mask of the low `bits` bits of a 64-bit word (bits in 0..64).
std::uint64_t LowBits(int bits) {
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

}  // namespace

std::optional<ParsedIp> ParseIpAddress(std::string_view text) {
  if (text.empty() || text.size() > kMaxAddressText) {
    return std::nullopt;
  }
  char buffer[kMaxAddressText + 1];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';

  ParsedIp parsed;
  unsigned char bytes[16];
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buffer, bytes) != 1) {
      return std::nullopt;
    }
    parsed.address.low = (std::uint64_t{bytes[0]} << 24) | (std::uint64_t{bytes[1]} << 16) |
                         (std::uint64_t{bytes[2]} << 8) | bytes[3];
    return parsed;
  }
  if (inet_pton(AF_INET6, buffer, bytes) != 1) {
    return std::nullopt;
  }
  parsed.v6 = true;
  parsed.address.high = LoadBigEndian(bytes);
  parsed.address.low = LoadBigEndian(bytes + 8);
  return parsed;
}

CidrProblem ParseCidr(std::string_view text, IpRange& range, std::string& reason) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    reason =
        fmt::format("CIDR block \"{}\" has no prefix length; write it as ADDRESS/LENGTH", text);
    return CidrProblem::kMask;
  }
  const std::optional<ParsedIp> ip = ParseIpAddress(text.substr(0, slash));
  if (!ip) {
    reason = fmt::format("\"{}\" is not an IPv4 or IPv6 address", text.substr(0, slash));
    return CidrProblem::kAddress;
  }
  const std::string_view mask_text = text.substr(slash + 1);
  const int max_bits = ip->v6 ? 128 : 32;
  int bits = 0;
  bool digits_ok = !mask_text.empty() && mask_text.size() <= 3;  // so `bits` stays below 1000
  for (std::size_t i = 0; digits_ok && i < mask_text.size(); ++i) {
    digits_ok = mask_text[i] >= '0' && mask_text[i] <= '9';
    bits = bits * 10 + (mask_text[i] - '0');
  }
  if (!digits_ok || bits > max_bits || (mask_text.size() > 1 && mask_text[0] == '0')) {
    reason = fmt::format("prefix length \"{}\" is not a number from 0 to {}", mask_text, max_bits);
    return CidrProblem::kMask;
  }

  // Host bits: the low (max_bits - bits) bits of the address.
  const int host_bits = max_bits - bits;
  IpAddress host_mask;
  host_mask.low = LowBits(host_bits);
  host_mask.high = host_bits > 64 ? LowBits(host_bits - 64) : 0;
  range.v6 = ip->v6;
  range.first = {ip->address.high & ~host_mask.high, ip->address.low & ~host_mask.low};
  range.last = {range.first.high | host_mask.high, range.first.low | host_mask.low};
  return CidrProblem::kNone;
}

}  // namespace rampart::pattern
