#include "core/bus_url.h"

#include <cctype>
#include <charconv>
#include <optional>

#include <fmt/format.h>

namespace rampart {
namespace {

constexpr std::string_view kScheme = "nats://";

// Returns `url` with the password of its user information replaced by "***".
std::string MaskPassword(std::string_view url) {
  const std::size_t at = url.rfind('@');
  if (url.substr(0, kScheme.size()) != kScheme || at == std::string_view::npos) {
    return std::string(url);
  }
  const std::size_t colon = url.find(':', kScheme.size());
  if (colon == std::string_view::npos || colon > at) {
    return fmt::format("{}***{}", kScheme, url.substr(at));  // a token
  }
  return fmt::format("{}***{}", url.substr(0, colon + 1), url.substr(at));
}

Status Invalid(std::string_view url, std::string_view reason) {
  return InvalidArgument(fmt::format(
      "\"{}\" is not a valid NATS URL ({}); use nats://HOST:PORT, such as nats://127.0.0.1:4222",
      MaskPassword(url), reason));
}

bool IsHostName(std::string_view host) {
  for (const char c : host) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) == 0 && c != '.' && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

// Splits HOST[:PORT] of `url`, where HOST is a name, an IPv4 address or [IPv6]. `port` is
// unset when the URL names none.
Status SplitHostPort(std::string_view url, std::string_view authority, std::string_view& host,
                     std::optional<std::string_view>& port) {
  if (authority.substr(0, 1) == "[") {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return Invalid(url, "the IPv6 address has no closing ]");
    }
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return Invalid(url, "text follows the IPv6 address");
      }
      port = authority.substr(close + 2);
    }
    return host == "[]" ? Invalid(url, "the host is missing") : Status::Ok();
  }

  host = authority;
  if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) {
    return Invalid(url, "the host is missing");
  }
  if (!IsHostName(host)) {
    return Invalid(url, fmt::format("\"{}\" is not a host name or address", host));
  }
  return Status::Ok();
}

}  // namespace

Result<NatsUrl> ParseNatsUrl(std::string_view url) {
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Invalid(url, "it does not start with nats://");
  }
  std::string_view authority = url.substr(kScheme.size());
  NatsUrl parsed;
  // The last '@' ends the user information, because a password may contain '@'.
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    parsed.has_credentials = true;
    authority = authority.substr(at + 1);
  }
  // Only after the user information, which may contain ',' in a password.
  if (authority.find(',') != std::string_view::npos) {
    // A server of a NATS cluster sends its clients the addresses of the other servers (unless
    // configured not to), and they reconnect to those, so one URL is enough.
    return Invalid(url,
                   "a list of servers is not supported; name one server of the cluster, and the "
                   "client learns the others from it");
  }
  if (const std::size_t slash = authority.find('/'); slash != std::string_view::npos) {
    if (authority.substr(slash) != "/") {
      return Invalid(url, "a NATS URL has no path");
    }
    authority = authority.substr(0, slash);
  }

  std::string_view host;
  std::optional<std::string_view> port;
  RAMPART_RETURN_IF_ERROR(SplitHostPort(url, authority, host, port));
  parsed.host = std::string(host);
  if (port) {
    int value = 0;
    const auto [end, error] = std::from_chars(port->data(), port->data() + port->size(), value);
    if (error != std::errc() || end != port->data() + port->size() || value < 1 || value > 65535) {
      return Invalid(url, fmt::format("port \"{}\" is not a number from 1 to 65535", *port));
    }
    parsed.port = value;
  }
  return parsed;
}

Status ValidateBusSetting(std::string_view value) {
  if (value == kInProcessBus) {
    return Status::Ok();
  }
  auto parsed = ParseNatsUrl(value);
  if (!parsed) {
    return InvalidArgument(fmt::format("{}; or set in-process to route events in this process",
                                       parsed.status().message()));
  }
  return Status::Ok();
}

}  // namespace rampart
