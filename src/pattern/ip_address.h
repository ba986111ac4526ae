// IPv4 and IPv6 addresses as 128-bit integers, and CIDR blocks as ranges of them.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rampart::pattern {

// An address as an unsigned 128-bit integer; IPv4 addresses use the low 32 bits.
struct IpAddress {
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  auto operator<=>(const IpAddress&) const = default;
};

// The inclusive range of addresses of one family that a CIDR block covers.
struct IpRange {
  bool v6 = false;
  IpAddress first;
  IpAddress last;
};

struct ParsedIp {
  bool v6 = false;
  IpAddress address;
};

// Parses a textual IPv4 (dotted quad, no leading zeros) or IPv6 address (RFC 4291 forms).
std::optional<ParsedIp> ParseIpAddress(std::string_view text);

// Why a CIDR block did not parse: the address, or the prefix length.
enum class CidrProblem { kNone, kAddress, kMask };

// Parses "ADDRESS/LENGTH" into the range it covers. Host bits below the prefix are ignored,
// so 10.0.0.5/24 covers 10.0.0.0-10.0.0.255. A one-host block (/32, /128) is accepted.
CidrProblem ParseCidr(std::string_view text, IpRange& range, std::string& reason);

}  // namespace rampart::pattern
