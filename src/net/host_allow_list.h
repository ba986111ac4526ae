// Host allow-lists: every outbound request from a finding, a rule or a registry response is
// checked against one before a connection is opened.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rampart::net {

// Returns true when `host` matches an entry: exact (case-insensitive), "*", or "*.suffix".
// An empty host matches nothing.
bool HostAllowListed(const std::vector<std::string>& list, std::string_view host);

}  // namespace rampart::net
