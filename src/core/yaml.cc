#include "core/yaml.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

#include "core/utf8.h"

namespace rampart {
namespace {

constexpr int kMaxDepth = 256;
// Aliases share nodes, so a small file can expand to an exponential tree; cap the result.
constexpr std::size_t kMaxNodes = 2'000'000;

bool AllOf(std::string_view text, int (*predicate)(int)) {
  if (text.empty()) {
    return false;
  }
  for (const char c : text) {
    if (predicate(static_cast<unsigned char>(c)) == 0) {
      return false;
    }
  }
  return true;
}

int IsOctalDigit(int c) { return c >= '0' && c <= '7' ? 1 : 0; }

// YAML 1.2 core schema integers: [-+]?[0-9]+, 0o[0-7]+ and 0x[0-9a-fA-F]+.
bool IsInteger(const std::string& text) {
  std::string_view view(text);
  if (view.rfind("0o", 0) == 0) {
    return AllOf(view.substr(2), IsOctalDigit);
  }
  if (view.rfind("0x", 0) == 0) {
    return AllOf(view.substr(2), isxdigit);
  }
  if (!view.empty() && (view[0] == '-' || view[0] == '+')) {
    view.remove_prefix(1);
  }
  return AllOf(view, isdigit);
}

// YAML 1.2 core schema floats: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsFloat(const std::string& text) {
  std::string_view view(text);
  if (!view.empty() && (view[0] == '-' || view[0] == '+')) {
    view.remove_prefix(1);
  }
  const std::size_t exponent = view.find_first_of("eE");
  std::string_view mantissa = view.substr(0, exponent);
  if (exponent != std::string_view::npos) {
    std::string_view power = view.substr(exponent + 1);
    if (!power.empty() && (power[0] == '-' || power[0] == '+')) {
      power.remove_prefix(1);
    }
    if (!AllOf(power, isdigit)) {
      return false;
    }
  }
  const std::size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) {
    return AllOf(mantissa, isdigit);
  }
  const std::string_view whole = mantissa.substr(0, dot);
  const std::string_view fraction = mantissa.substr(dot + 1);
  if (whole.empty()) {
    return AllOf(fraction, isdigit);
  }
  return AllOf(whole, isdigit) && (fraction.empty() || AllOf(fraction, isdigit));
}

Json PlainScalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return false;
  }
  if (IsInteger(text)) {
    errno = 0;
    int base = 10;
    std::string digits = text;
    if (text.rfind("0o", 0) == 0) {
      base = 8;
      digits = text.substr(2);
    } else if (text.rfind("0x", 0) == 0) {
      base = 16;
      digits = text.substr(2);
    }
    const long long value = std::strtoll(digits.c_str(), nullptr, base);
    if (errno == 0) {
      return value;
    }
  }
  if (IsFloat(text)) {
    return std::strtod(text.c_str(), nullptr);
  }
  if (text == ".inf" || text == ".Inf" || text == "+.inf") {
    return std::numeric_limits<double>::infinity();
  }
  return text;
}

// Checks that a scalar (a value or a mapping key) is valid UTF-8, which yaml-cpp does not do,
// so that the JSON built from it can be written out again.
Status CheckScalarText(const YAML::Node& node, std::string_view source) {
  const std::string& text = node.Scalar();
  const std::size_t invalid = FindInvalidUtf8(text);
  if (invalid == std::string::npos) {
    return Status::Ok();
  }
  return InvalidArgument(fmt::format(
      "{}: line {}: invalid UTF-8 byte 0x{:02X} at offset {} of a scalar; YAML text must be "
      "UTF-8, so convert the file (for example with iconv -t UTF-8)",
      source, node.Mark().line + 1, static_cast<unsigned char>(text[invalid]), invalid));
}

Result<Json> Convert(const YAML::Node& node, std::string_view source, int depth,
                     std::size_t& nodes) {
  if (++nodes > kMaxNodes) {
    return InvalidArgument(
        fmt::format("{}: the YAML expands to more than {} nodes (aliases repeated too often)",
                    source, kMaxNodes));
  }
  if (depth > kMaxDepth) {
    return InvalidArgument(fmt::format("{}: line {}: YAML nesting deeper than {} levels", source,
                                       node.Mark().line + 1, kMaxDepth));
  }
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Json(nullptr);
    case YAML::NodeType::Scalar: {
      RAMPART_RETURN_IF_ERROR(CheckScalarText(node, source));
      // A quoted scalar has the non-specific tag "!"; only plain scalars are typed.
      return node.Tag() == "!" ? Json(node.Scalar()) : PlainScalar(node.Scalar());
    }
    case YAML::NodeType::Sequence: {
      Json array = Json::array();
      for (const auto& item : node) {
        auto value = Convert(item, source, depth + 1, nodes);
        if (!value) {
          return value;
        }
        array.push_back(std::move(*value));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      Json object = Json::object();
      for (const auto& pair : node) {
        if (!pair.first.IsScalar()) {
          return InvalidArgument(fmt::format("{}: line {}: a mapping key must be a scalar", source,
                                             pair.first.Mark().line + 1));
        }
        RAMPART_RETURN_IF_ERROR(CheckScalarText(pair.first, source));
        auto value = Convert(pair.second, source, depth + 1, nodes);
        if (!value) {
          return value;
        }
        object[pair.first.Scalar()] = std::move(*value);
      }
      return object;
    }
  }
  return Json(nullptr);
}

}  // namespace

Result<Json> ParseYaml(std::string_view text, std::string_view source) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    std::size_t nodes = 0;
    return Convert(root, source, 0, nodes);
  } catch (const YAML::Exception& error) {
    return InvalidArgument(fmt::format("{}: invalid YAML at line {}, column {}: {}", source,
                                       error.mark.line + 1, error.mark.column + 1, error.msg));
  }
}

Result<Json> ParseJsonOrYaml(std::string_view text, std::string_view source) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    return ParseJson(text, source);
  }
  return ParseYaml(text, source);
}

}  // namespace rampart
