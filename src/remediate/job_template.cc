#include "remediate/job_template.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

#include "remediate/params.h"

namespace rampart::remediate {

namespace {

// Bounds the work on documents whose aliases repeat one subtree many times.
constexpr std::size_t kMaxNodes = 100000;

bool AllOf(std::string_view text, std::string_view allowed) {
  for (char c : text) {
    if (allowed.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return !text.empty();
}

std::optional<Json> ResolveInteger(std::string_view text) {
  std::string_view digits = text;
  int base = 10;
  bool negative = false;
  if (text.substr(0, 2) == "0x") {
    digits = text.substr(2);
    base = 16;
    if (!AllOf(digits, "0123456789abcdefABCDEF")) {
      return std::nullopt;
    }
  } else if (text.substr(0, 2) == "0o") {
    digits = text.substr(2);
    base = 8;
    if (!AllOf(digits, "01234567")) {
      return std::nullopt;
    }
  } else {
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
      negative = digits.front() == '-';
      digits.remove_prefix(1);
    }
    if (!AllOf(digits, "0123456789")) {
      return std::nullopt;
    }
  }
  errno = 0;
  const std::string copy(digits);
  const unsigned long long value = std::strtoull(copy.c_str(), nullptr, base);
  if (errno == ERANGE || value > static_cast<unsigned long long>(INT64_MAX)) {
    return std::nullopt;
  }
  const auto signed_value = static_cast<std::int64_t>(value);
  return Json(negative ? -signed_value : signed_value);
}

std::optional<Json> ResolveFloat(std::string_view text) {
  if (!AllOf(text, "0123456789.eE+-") || text.find_first_of("0123456789") == std::string::npos) {
    return std::nullopt;
  }
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || errno == ERANGE) {
    return std::nullopt;
  }
  return Json(value);
}

Json ResolvePlain(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return false;
  }
  if (auto integer = ResolveInteger(text)) {
    return *integer;
  }
  if (auto number = ResolveFloat(text)) {
    return *number;
  }
  return text;
}

Result<Json> Convert(const YAML::Node& node, std::size_t depth, std::size_t max_depth,
                     std::size_t& nodes, std::string_view source) {
  if (++nodes > kMaxNodes) {
    return ResourceExhausted(
        fmt::format("{}: more than {} YAML nodes after expanding aliases", source, kMaxNodes));
  }
  if (depth > max_depth) {
    return InvalidArgument(fmt::format("{}: YAML nesting deeper than {} levels at line {}", source,
                                       max_depth, node.Mark().line + 1));
  }
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Json(nullptr);
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      if (tag == "?") {
        return ResolvePlain(node.Scalar());
      }
      return Json(node.Scalar());
    }
    case YAML::NodeType::Sequence: {
      Json array = Json::array();
      for (const YAML::Node& item : node) {
        REMEDIATE_ASSIGN_OR_RETURN(Json value, Convert(item, depth + 1, max_depth, nodes, source));
        array.push_back(std::move(value));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      Json object = Json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          return InvalidArgument(fmt::format("{}: line {}: mapping keys must be scalars", source,
                                             entry.first.Mark().line + 1));
        }
        REMEDIATE_ASSIGN_OR_RETURN(Json value,
                                   Convert(entry.second, depth + 1, max_depth, nodes, source));
        object[entry.first.Scalar()] = std::move(value);
      }
      return object;
    }
  }
  return Json(nullptr);
}

Result<std::string> FillString(const std::string& text, const Json& finding, const Json& event,
                               const std::string& json_path) {
  std::string filled;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string::npos) {
      break;
    }
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      return InvalidArgument(
          fmt::format("template {}: '{{{{' without a closing '}}}}'", json_path));
    }
    filled.append(text, at, open - at);
    std::string path = text.substr(open + 2, close - open - 2);
    path.erase(0, path.find_first_not_of(' '));
    path.erase(path.find_last_not_of(' ') + 1);
    const Json* root = &finding;
    std::string_view lookup = path;
    if (lookup.substr(0, 6) == "event.") {
      root = &event;
      lookup.remove_prefix(6);
    } else if (lookup.substr(0, 8) == "finding.") {
      lookup.remove_prefix(8);
    }
    const Json* value = lookup.empty() ? nullptr : LookupPath(*root, lookup);
    if (value == nullptr || value->is_null()) {
      return InvalidArgument(
          fmt::format("template {}: placeholder '{{{{ {} }}}}' names no value in the {}", json_path,
                      path, root == &event ? "event" : "finding"));
    }
    filled += value->is_string() ? value->get<std::string>()
                                 : value->dump(-1, ' ', false, Json::error_handler_t::replace);
    at = close + 2;
  }
  filled.append(text, at, std::string::npos);
  return filled;
}

Status FillNode(Json& node, const Json& finding, const Json& event, const std::string& path) {
  if (node.is_string()) {
    REMEDIATE_ASSIGN_OR_RETURN(std::string filled,
                               FillString(node.get<std::string>(), finding, event, path));
    node = std::move(filled);
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      RAMPART_RETURN_IF_ERROR(FillNode(node[i], finding, event, JsonPathIndex(path, i)));
    }
  } else if (node.is_object()) {
    for (auto& [key, value] : node.items()) {
      RAMPART_RETURN_IF_ERROR(FillNode(value, finding, event, JsonPathMember(path, key)));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Json> YamlToJson(std::string_view text, std::string_view source, std::size_t max_depth) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    std::size_t nodes = 0;
    return Convert(root, 0, max_depth, nodes, source);
  } catch (const YAML::Exception& error) {
    return InvalidArgument(fmt::format("{}: invalid YAML at line {}, column {}: {}", source,
                                       error.mark.line + 1, error.mark.column + 1, error.msg));
  }
}

Result<Json> FillPlaceholders(Json document, const Json& finding, const Json& event) {
  RAMPART_RETURN_IF_ERROR(FillNode(document, finding, event, "$"));
  return document;
}

Result<Json> FillTemplate(std::string_view yaml, const Json& finding, const Json& event) {
  REMEDIATE_ASSIGN_OR_RETURN(Json document, YamlToJson(yaml, "template"));
  return FillPlaceholders(std::move(document), finding, event);
}

}  // namespace rampart::remediate
