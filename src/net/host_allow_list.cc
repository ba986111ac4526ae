#include "net/host_allow_list.h"

#include <cctype>

namespace rampart::net {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower_a = static_cast<char>(std::tolower(static_cast<unsigned char>(a[i])));
    const auto lower_b = static_cast<char>(std::tolower(static_cast<unsigned char>(b[i])));
    if (lower_a != lower_b) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool HostAllowListed(const std::vector<std::string>& list, std::string_view host) {
  if (host.empty()) {
    return false;
  }
  for (const std::string& entry : list) {
    if (entry == "*" || EqualsIgnoreCase(entry, host)) {
      return true;
    }
    // "*.example.com" matches "a.example.com" but not "example.com" or "badexample.com".
    if (entry.size() > 2 && entry.substr(0, 2) == "*." && host.size() > entry.size() - 1) {
      const std::string_view suffix = std::string_view(entry).substr(1);
      if (EqualsIgnoreCase(host.substr(host.size() - suffix.size()), suffix)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace rampart::net
