#include "core/json.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace rampart {
namespace {

constexpr std::string_view kNumberCharacters = "0123456789+-.eE";

// Calls `visit(i)` for each offset i of `text` outside JSON strings, the quotes excluded,
// until `visit` returns false.
template <typename Visit>
void VisitOutsideStrings(std::string_view text, Visit visit) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (!visit(i)) {
      return;
    }
  }
}

// Returns the offset and text of the first number outside strings that is too large for a
// double, such as 1e400, or nullopt when there is none.
std::optional<std::pair<std::size_t, std::string>> FindNumberOutOfRange(std::string_view text) {
  std::optional<std::pair<std::size_t, std::string>> found;
  VisitOutsideStrings(text, [&](std::size_t i) {
    const char c = text[i];
    const bool starts_number = c == '-' || (c >= '0' && c <= '9');
    if (!starts_number ||
        (i > 0 && kNumberCharacters.find(text[i - 1]) != std::string_view::npos)) {
      return true;
    }
    const std::size_t end = text.find_first_not_of(kNumberCharacters, i);
    std::string number(text.substr(i, end == std::string_view::npos ? end : end - i));
    if (std::isinf(std::strtod(number.c_str(), nullptr))) {
      found.emplace(i, std::move(number));
      return false;
    }
    return true;
  });
  return found;
}

}  // namespace

std::size_t JsonNestingDepth(std::string_view text, std::size_t stop_at, std::size_t* offset) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  VisitOutsideStrings(text, [&](std::size_t i) {
    const char c = text[i];
    if (c == '[' || c == '{') {
      ++depth;
      if (depth > deepest) {
        deepest = depth;
        if (offset != nullptr) {
          *offset = i;
        }
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    return deepest <= stop_at;
  });
  return deepest;
}

std::string DescribeOffset(std::string_view text, std::size_t offset, std::size_t first_line) {
  std::size_t line = first_line;
  std::size_t column = 1;
  const std::size_t end = offset < text.size() ? offset : text.size();
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("line {}, column {}", line, column);
}

namespace {

// Parses `text`, whose first line is line `first_line` of its input. Each error message starts
// with `prefix`, such as "report.json: ".
Result<Json> ParseJsonAt(std::string_view text, std::string_view prefix, std::size_t first_line,
                         JsonLimits limits) {
  // nlohmann's parser stops at a NUL byte and accepts what came before it.
  const std::size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    return InvalidArgument(
        fmt::format("{}invalid JSON at {}: a NUL byte; JSON text cannot contain NUL bytes", prefix,
                    DescribeOffset(text, nul, first_line)));
  }
  std::size_t deep_offset = 0;
  if (JsonNestingDepth(text, limits.max_depth, &deep_offset) > limits.max_depth) {
    return InvalidArgument(
        fmt::format("{}JSON nesting deeper than {} levels at {}; flatten the document", prefix,
                    limits.max_depth, DescribeOffset(text, deep_offset, first_line)));
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& error) {
    // nlohmann reports the byte after the offending token; point at the token itself.
    const std::size_t at = error.byte > 0 ? error.byte - 1 : 0;
    std::string what = error.what();
    // what() repeats the position ("[json.exception...] parse error at line L, column C: ");
    // keep only the reason after it.
    const auto column = what.find(", column ");
    const auto cut = column == std::string::npos ? column : what.find(": ", column);
    if (cut != std::string::npos) {
      what = what.substr(cut + 2);
    }
    // "last read: '...'" repeats input bytes, which can be megabytes long, invalid UTF-8 or a
    // secret; the position already points at them.
    const auto last_read = what.find("; last read: ");
    if (last_read != std::string::npos) {
      what.erase(last_read);
    }
    if (text.empty()) {
      what = "the input is empty";
    }
    return InvalidArgument(fmt::format("{}invalid JSON at {}: {}", prefix,
                                       DescribeOffset(text, at, first_line), what));
  } catch (const Json::out_of_range&) {
    // A number too large for a double, such as 1e400, is out_of_range (406), not parse_error,
    // and carries no position.
    const auto number = FindNumberOutOfRange(text);
    if (!number) {
      return InvalidArgument(fmt::format("{}invalid JSON: a number is out of range", prefix));
    }
    const std::string excerpt = number->second.substr(0, 40);
    return InvalidArgument(fmt::format(
        "{}invalid JSON at {}: the number {} is out of range for a double (at most about "
        "1.8e308); send it as a string or scale it down",
        prefix, DescribeOffset(text, number->first, first_line), excerpt));
  }
}

}  // namespace

Result<Json> ParseJson(std::string_view text, std::string_view source, JsonLimits limits) {
  return ParseJsonAt(text, fmt::format("{}: ", source), 1, limits);
}

Result<Json> ParseJsonLine(std::string_view line, std::size_t line_number, JsonLimits limits) {
  return ParseJsonAt(line, "", line_number, limits);
}

std::string JsonPathMember(std::string_view path, std::string_view member) {
  return fmt::format("{}.{}", path, member);
}

std::string JsonPathIndex(std::string_view path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

std::string StringOr(const Json& object, std::string_view key, std::string_view fallback) {
  if (object.is_object()) {
    const auto it = object.find(key);
    if (it != object.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return std::string(fallback);
}

const Json* FindPath(const Json& document, std::string_view dotted_path) {
  const Json* node = &document;
  while (!dotted_path.empty()) {
    const auto dot = dotted_path.find('.');
    const std::string_view key = dotted_path.substr(0, dot);
    if (!node->is_object()) {
      return nullptr;
    }
    const auto it = node->find(key);
    if (it == node->end()) {
      return nullptr;
    }
    node = &*it;
    dotted_path = dot == std::string_view::npos ? std::string_view() : dotted_path.substr(dot + 1);
  }
  return node;
}

}  // namespace rampart
