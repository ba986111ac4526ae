#include "core/aws_names.h"

namespace rampart {
namespace {

bool AllDigits(std::string_view text) {
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return !text.empty();
}

bool AllLowerAlpha(std::string_view text) {
  for (const char c : text) {
    if (c < 'a' || c > 'z') {
      return false;
    }
  }
  return !text.empty();
}

}  // namespace

bool IsAwsRegion(std::string_view region) {
  // Region names are a two-letter prefix, one or more words and a number: "ap-southeast-2".
  const auto last_dash = region.rfind('-');
  if (region.size() > 32 || last_dash == std::string_view::npos ||
      region.find("--") != std::string_view::npos || !AllDigits(region.substr(last_dash + 1))) {
    return false;
  }
  std::string_view words = region.substr(0, last_dash);
  const auto first_dash = words.find('-');
  if (first_dash != 2 || !AllLowerAlpha(words.substr(0, 2))) {
    return false;
  }
  words.remove_prefix(3);
  if (words.empty()) {
    return false;
  }
  while (!words.empty()) {
    const auto dash = words.find('-');
    if (!AllLowerAlpha(words.substr(0, dash))) {
      return false;
    }
    words = dash == std::string_view::npos ? std::string_view() : words.substr(dash + 1);
  }
  return true;
}

}  // namespace rampart
