// Feeds arbitrary text to the NATS URL parser and to RedactUrl and checks their promises. A
// parsed URL has a host and a port from 1 to 65535, an error message does not depend on the
// password, and a redacted URL never contains user information.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bus/connection.h"
#include "core/bus_url.h"

namespace {

// Returns the password of nats://USER:PASSWORD@..., or an empty view.
std::string_view Password(std::string_view text) {
  constexpr std::string_view kScheme = "nats://";
  const std::size_t at = text.rfind('@');
  if (text.substr(0, kScheme.size()) != kScheme || at == std::string_view::npos) {
    return {};
  }
  const std::size_t colon = text.find(':', kScheme.size());
  if (colon == std::string_view::npos || colon > at) {
    return {};
  }
  return text.substr(colon + 1, at - colon - 1);
}

void CheckParse(std::string_view text) {
  auto url = rampart::ParseNatsUrl(text);
  if (url) {
    if (url->host.empty() || url->port < 1 || url->port > 65535) {
      std::abort();
    }
    return;
  }
  // The message must not depend on the password: the same URL with another password of the
  // same length gives the same message, which holds only when the password is masked.
  const std::string_view password = Password(text);
  if (password.empty()) {
    return;
  }
  std::string other(text);
  other.replace(static_cast<std::size_t>(password.data() - text.data()), password.size(),
                password.size(), 'Q');
  auto masked = rampart::ParseNatsUrl(other);
  if (masked || masked.status().message() != url.status().message()) {
    std::abort();
  }
}

void CheckRedact(std::string_view text) {
  if (rampart::bus::RedactUrl(text).find('@') != std::string::npos) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckParse(text);
  CheckRedact(text);
  return 0;
}
