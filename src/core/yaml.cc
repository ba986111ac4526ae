#include "core/yaml.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <regex>

#include <fmt/format.h>

namespace rampart {
namespace {

constexpr int kMaxDepth = 256;
// Aliases share nodes, so a small file can expand to an exponential tree; cap the result.
constexpr std::size_t kMaxNodes = 2'000'000;

bool IsInteger(const std::string& text) {
  static const std::regex pattern("[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+");
  return std::regex_match(text, pattern);
}

bool IsFloat(const std::string& text) {
  static const std::regex pattern(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  return std::regex_match(text, pattern);
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
    case YAML::NodeType::Scalar:
      // A quoted scalar has the non-specific tag "!"; only plain scalars are typed.
      return node.Tag() == "!" ? Json(node.Scalar()) : PlainScalar(node.Scalar());
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
