#include "vuln/version_text.h"

#include <fmt/format.h>

namespace rampart::vuln::detail {

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!IsDigit(c)) {
      return false;
    }
  }
  return true;
}

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    c = ToLower(c);
  }
  return lower;
}

int CompareDigits(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') {
    a.remove_prefix(1);
  }
  while (b.size() > 1 && b.front() == '0') {
    b.remove_prefix(1);
  }
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  return CompareBytes(a, b);
}

int CompareBytes(std::string_view a, std::string_view b) { return Sign(a.compare(b)); }

std::string CheckPrintable(std::string_view text) {
  if (text.empty()) {
    return "the version is empty";
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte <= 0x20 || byte >= 0x7f) {
      return fmt::format("byte 0x{:02x} at offset {} is not printable ASCII", byte, i);
    }
  }
  return "";
}

}  // namespace rampart::vuln::detail
