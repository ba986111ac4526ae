#include "core/duration.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace rampart {
namespace {

Status BadDuration(std::string_view text) {
  return InvalidArgument(fmt::format(
      "invalid duration \"{}\": use a number with a unit: ms, s, m, h or d, such as 30s or 1h30m",
      text));
}

}  // namespace

Result<std::chrono::microseconds> ParseDuration(std::string_view text) {
  if (text.empty()) {
    return BadDuration(text);
  }
  double total_us = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    while (pos < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) {
      ++pos;
    }
    if (pos == start) {
      return BadDuration(text);
    }
    const std::string number(text.substr(start, pos - start));
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (end == nullptr || *end != '\0') {
      return BadDuration(text);
    }
    const std::size_t unit_start = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) {
      ++pos;
    }
    const std::string_view unit = text.substr(unit_start, pos - unit_start);
    double scale = 0;
    if (unit.empty() && start == 0 && pos == text.size()) {
      scale = 1e6;
    } else if (unit == "ms") {
      scale = 1e3;
    } else if (unit == "s") {
      scale = 1e6;
    } else if (unit == "m") {
      scale = 60e6;
    } else if (unit == "h") {
      scale = 3600e6;
    } else if (unit == "d") {
      scale = 86400e6;
    } else {
      return BadDuration(text);
    }
    total_us += value * scale;
  }
  if (!std::isfinite(total_us) || total_us > 1e17) {
    return BadDuration(text);
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(std::llround(total_us)));
}

std::string FormatDuration(std::chrono::microseconds duration) {
  std::int64_t us = duration.count();
  if (us % 1000 != 0 || us == 0) {
    return fmt::format("{}us", us);
  }
  if (us % 1'000'000 != 0) {
    return fmt::format("{}ms", us / 1000);
  }
  std::int64_t seconds = us / 1'000'000;
  std::string text;
  if (seconds >= 86400 && seconds % 86400 == 0) {
    return fmt::format("{}d", seconds / 86400);
  }
  if (seconds >= 3600) {
    text += fmt::format("{}h", seconds / 3600);
    seconds %= 3600;
  }
  if (seconds >= 60) {
    text += fmt::format("{}m", seconds / 60);
    seconds %= 60;
  }
  if (seconds > 0) {
    text += fmt::format("{}s", seconds);
  }
  return text;
}

}  // namespace rampart
