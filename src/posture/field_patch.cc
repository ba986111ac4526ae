#include "posture/field_patch.h"

#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

namespace rampart::posture {
namespace {

bool IsIdentifierChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

bool IsIdentifier(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    if (!IsIdentifierChar(c)) {
      return false;
    }
  }
  return true;
}

std::string Quote(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      quoted.push_back('\\');
    }
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

// Reads a quoted string starting at text[position] == '"'; moves `position` past it.
Result<std::string> ReadQuoted(std::string_view text, std::size_t& position) {
  std::string value;
  ++position;
  while (position < text.size() && text[position] != '"') {
    if (text[position] == '\\' && position + 1 < text.size()) {
      ++position;
    }
    value.push_back(text[position]);
    ++position;
  }
  if (position >= text.size()) {
    return InvalidArgument(fmt::format("field path {} has an unterminated quote", text));
  }
  ++position;
  return value;
}

Result<PathSegment> ReadSelector(std::string_view path, std::size_t& position) {
  ++position;  // '['
  PathSegment segment;
  if (position < path.size() && path[position] == '"') {
    auto key = ReadQuoted(path, position);
    if (!key) {
      return key.status();
    }
    segment.key = std::move(*key);
  } else {
    const std::size_t close = path.find(']', position);
    if (close == std::string_view::npos) {
      return InvalidArgument(fmt::format("field path {} has an unterminated [", path));
    }
    const std::string_view inside = path.substr(position, close - position);
    const std::size_t equals = inside.find('=');
    if (equals == std::string_view::npos) {
      if (inside.empty() || inside.find_first_not_of("0123456789") != std::string_view::npos) {
        return InvalidArgument(fmt::format("field path {}: [{}] is not an index", path, inside));
      }
      segment.kind = PathSegment::Kind::kIndex;
      segment.index = std::stoul(std::string(inside));
    } else {
      segment.kind = PathSegment::Kind::kMatch;
      segment.key = std::string(inside.substr(0, equals));
      std::string_view match = inside.substr(equals + 1);
      if (match.size() >= 2 && match.front() == '"' && match.back() == '"') {
        match = match.substr(1, match.size() - 2);
      }
      segment.match = std::string(match);
    }
    position = close;
  }
  if (position >= path.size() || path[position] != ']') {
    return InvalidArgument(fmt::format("field path {} is missing a ]", path));
  }
  ++position;
  return segment;
}

bool LooksLikeNonString(std::string_view text) {
  YamlNode probe;
  probe.kind = YamlNode::Kind::kScalar;
  probe.value = std::string(text);
  if (ScalarBool(&probe) || ScalarInt(&probe)) {
    return true;
  }
  if (text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return true;
  }
  char* end = nullptr;
  const std::string copy(text);
  std::strtod(copy.c_str(), &end);
  return end != copy.c_str() && *end == '\0';
}

bool NeedsQuotes(std::string_view text) {
  if (text.empty() || LooksLikeNonString(text)) {
    return true;
  }
  if (text.front() == ' ' || text.back() == ' ') {
    return true;
  }
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(text.front()) != std::string_view::npos) {
    return true;
  }
  return text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos ||
         text.back() == ':' || text.find_first_of("\n\t\r") != std::string_view::npos;
}

YamlNode* FindItem(YamlNode& sequence, const PathSegment& segment) {
  if (segment.kind == PathSegment::Kind::kIndex) {
    return segment.index < sequence.children.size() ? &sequence.children[segment.index] : nullptr;
  }
  for (YamlNode& item : sequence.children) {
    if (StringOr(item.Find(segment.key)) == segment.match && item.Find(segment.key) != nullptr) {
      return &item;
    }
  }
  return nullptr;
}

YamlNode ScalarNode(const PatchValue& value) {
  YamlNode node;
  node.kind = YamlNode::Kind::kScalar;
  node.value = value.text;
  node.quoted = value.type == PatchValue::Type::kString;
  return node;
}

}  // namespace

Result<std::vector<PathSegment>> ParseFieldPath(std::string_view path) {
  std::vector<PathSegment> segments;
  std::size_t position = 0;
  while (position < path.size()) {
    if (path[position] == '[') {
      auto segment = ReadSelector(path, position);
      if (!segment) {
        return segment.status();
      }
      segments.push_back(std::move(*segment));
      continue;
    }
    if (path[position] == '.') {
      if (segments.empty()) {
        return InvalidArgument(fmt::format("field path {} starts with a dot", path));
      }
      ++position;
    }
    const std::size_t start = position;
    while (position < path.size() && IsIdentifierChar(path[position])) {
      ++position;
    }
    if (position == start) {
      return InvalidArgument(
          fmt::format("field path {} has an empty or invalid key at offset {}", path, start));
    }
    PathSegment segment;
    segment.key = std::string(path.substr(start, position - start));
    segments.push_back(std::move(segment));
  }
  if (segments.empty()) {
    return InvalidArgument("field path is empty");
  }
  return segments;
}

std::string FormatFieldPath(const std::vector<PathSegment>& segments) {
  std::string path;
  for (const PathSegment& segment : segments) {
    switch (segment.kind) {
      case PathSegment::Kind::kKey:
        if (IsIdentifier(segment.key)) {
          path += (path.empty() ? "" : ".") + segment.key;
        } else {
          path += "[" + Quote(segment.key) + "]";
        }
        break;
      case PathSegment::Kind::kIndex:
        path += fmt::format("[{}]", segment.index);
        break;
      case PathSegment::Kind::kMatch:
        path += "[" + segment.key + "=" + segment.match + "]";
        break;
    }
  }
  return path;
}

std::string PatchValue::ToYaml() const {
  if (type != Type::kString || !NeedsQuotes(text)) {
    return text;
  }
  return Quote(text);
}

std::string FieldPatch::ToString() const {
  return path + (op == Op::kSet ? " = " : " += ") + value.ToYaml();
}

Json FieldPatch::ToJson() const {
  Json json = {{"op", op == Op::kSet ? "set" : "append"}, {"path", path}};
  switch (value.type) {
    case PatchValue::Type::kBool:
      json["value"] = value.text == "true";
      break;
    case PatchValue::Type::kInteger:
      json["value"] = std::stoll(value.text);
      break;
    case PatchValue::Type::kString:
      json["value"] = value.text;
      break;
  }
  return json;
}

Result<FieldPatch> FieldPatch::FromJson(const Json& json) {
  if (!json.is_object() || !json.contains("path") || !json["path"].is_string() ||
      !json.contains("value")) {
    return InvalidArgument("a field patch needs \"op\", \"path\" and \"value\"");
  }
  FieldPatch patch;
  const std::string op = rampart::StringOr(json, "op", "set");
  if (op != "set" && op != "append") {
    return InvalidArgument(fmt::format("field patch op \"{}\" is not set or append", op));
  }
  patch.op = op == "set" ? Op::kSet : Op::kAppend;
  patch.path = json["path"].get<std::string>();
  const Json& value = json["value"];
  if (value.is_boolean()) {
    patch.value = PatchValue::Bool(value.get<bool>());
  } else if (value.is_number_integer()) {
    patch.value = {PatchValue::Type::kInteger, std::to_string(value.get<long long>())};
  } else if (value.is_string()) {
    patch.value = PatchValue::String(value.get<std::string>());
  } else {
    return InvalidArgument("field patch value must be a bool, an integer or a string");
  }
  auto segments = ParseFieldPath(patch.path);
  if (!segments) {
    return segments.status();
  }
  return patch;
}

Status ApplyPatch(YamlNode& object, const FieldPatch& patch) {
  auto segments = ParseFieldPath(patch.path);
  if (!segments) {
    return segments.status();
  }
  YamlNode* node = &object;
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const PathSegment& segment = (*segments)[i];
    if (segment.kind != PathSegment::Kind::kKey) {
      YamlNode* item = node->IsSequence() ? FindItem(*node, segment) : nullptr;
      if (item == nullptr) {
        return NotFound(fmt::format("field path {}: no item matches step {}", patch.path,
                                    FormatFieldPath({segment})));
      }
      node = item;
      continue;
    }
    if (node->IsNull()) {
      node->kind = YamlNode::Kind::kMapping;
    }
    if (!node->IsMapping()) {
      return FailedPrecondition(
          fmt::format("field path {}: {} is not a mapping", patch.path, segment.key));
    }
    YamlNode* child = node->Find(segment.key);
    if (child == nullptr) {
      node->keys.push_back(segment.key);
      node->children.emplace_back();
      child = &node->children.back();
    }
    node = child;
  }
  if (patch.op == FieldPatch::Op::kSet) {
    *node = ScalarNode(patch.value);
    return Status::Ok();
  }
  if (node->IsNull()) {
    node->kind = YamlNode::Kind::kSequence;
  }
  if (!node->IsSequence()) {
    return FailedPrecondition(fmt::format("field path {} is not a sequence", patch.path));
  }
  for (const YamlNode& item : node->children) {
    if (ScalarText(&item) == std::optional<std::string_view>(patch.value.text)) {
      return Status::Ok();
    }
  }
  node->children.push_back(ScalarNode(patch.value));
  return Status::Ok();
}

}  // namespace rampart::posture
