#include "remediate/params.h"

#include <charconv>

#include <fmt/format.h>

namespace rampart::remediate {

Status Params::Error(std::string_view key, std::string_view expected) const {
  return InvalidArgument(fmt::format("{}: parameter '{}' must be {}", action_, key, expected));
}

bool Params::Has(std::string_view key) const {
  return params_.is_object() && params_.contains(key) && !params_.at(std::string(key)).is_null();
}

Status Params::CheckKeys(std::initializer_list<std::string_view> known) const {
  if (params_.is_null()) {
    return Status::Ok();
  }
  if (!params_.is_object()) {
    return InvalidArgument(
        fmt::format("{}: parameters must be an object, got {}", action_, params_.type_name()));
  }
  for (const auto& [key, value] : params_.items()) {
    bool found = false;
    for (std::string_view name : known) {
      found = found || name == key;
    }
    if (!found) {
      std::string names;
      for (std::string_view name : known) {
        names += names.empty() ? "" : ", ";
        names += name;
      }
      return InvalidArgument(
          fmt::format("{}: unknown parameter '{}'; known parameters: {}", action_, key, names));
    }
  }
  return Status::Ok();
}

Result<std::string> Params::RequiredString(std::string_view key) const {
  if (!Has(key)) {
    return InvalidArgument(fmt::format("{}: parameter '{}' is missing", action_, key));
  }
  const Json& value = params_.at(std::string(key));
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    return Error(key, "a non-empty string");
  }
  return value.get<std::string>();
}

Result<std::optional<std::string>> Params::OptionalString(std::string_view key) const {
  if (!Has(key)) {
    return std::optional<std::string>();
  }
  auto value = RequiredString(key);
  if (!value) {
    return value.status();
  }
  return std::optional<std::string>(*value);
}

Result<std::vector<std::string>> Params::StringList(std::string_view key, bool required) const {
  std::vector<std::string> list;
  if (!Has(key)) {
    if (required) {
      return InvalidArgument(fmt::format("{}: parameter '{}' is missing", action_, key));
    }
    return list;
  }
  const Json& value = params_.at(std::string(key));
  if (!value.is_array()) {
    return Error(key, "a list of strings");
  }
  for (const Json& item : value) {
    if (!item.is_string()) {
      return Error(key, "a list of strings");
    }
    list.push_back(item.get<std::string>());
  }
  if (required && list.empty()) {
    return Error(key, "a non-empty list of strings");
  }
  return list;
}

Result<std::optional<std::int64_t>> Params::OptionalInteger(std::string_view key, std::int64_t min,
                                                            std::int64_t max) const {
  if (!Has(key)) {
    return std::optional<std::int64_t>();
  }
  const Json& value = params_.at(std::string(key));
  if (!value.is_number_integer() || value.get<std::int64_t>() < min ||
      value.get<std::int64_t>() > max) {
    return Error(key, fmt::format("an integer from {} to {}", min, max));
  }
  return std::optional<std::int64_t>(value.get<std::int64_t>());
}

Result<bool> Params::Bool(std::string_view key, bool fallback) const {
  if (!Has(key)) {
    return fallback;
  }
  const Json& value = params_.at(std::string(key));
  if (!value.is_boolean()) {
    return Error(key, "true or false");
  }
  return value.get<bool>();
}

Result<Json> Params::Object(std::string_view key) const {
  if (!Has(key)) {
    return Json::object();
  }
  const Json& value = params_.at(std::string(key));
  if (!value.is_object()) {
    return Error(key, "an object");
  }
  return value;
}

const Json* LookupPath(const Json& document, std::string_view path) {
  const Json* node = &document;
  std::size_t i = 0;
  while (i < path.size() && node != nullptr) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string_view::npos) {
        return nullptr;
      }
      std::size_t index = 0;
      const std::string_view digits = path.substr(i + 1, close - i - 1);
      const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (digits.empty() || parsed.ptr != digits.data() + digits.size() || !node->is_array() ||
          index >= node->size()) {
        return nullptr;
      }
      node = &(*node)[index];
      i = close + 1;
      continue;
    }
    std::size_t end = i;
    while (end < path.size() && path[end] != '.' && path[end] != '[') {
      ++end;
    }
    const std::string_view key = path.substr(i, end - i);
    if (node->is_object()) {
      const auto it = node->find(key);
      node = it == node->end() ? nullptr : &*it;
    } else if (node->is_array()) {
      std::size_t index = 0;
      const auto parsed = std::from_chars(key.data(), key.data() + key.size(), index);
      const bool numeric = parsed.ptr == key.data() + key.size() && parsed.ec == std::errc();
      node = numeric && index < node->size() ? &(*node)[index] : nullptr;
    } else {
      node = nullptr;
    }
    i = end;
  }
  return node;
}

const Json* FindResource(const Json& finding, std::string_view type) {
  const auto resources = finding.find("Resources");
  if (resources == finding.end() || !resources->is_array()) {
    return nullptr;
  }
  for (const Json& resource : *resources) {
    if (resource.is_object() && StringOr(resource, "Type") == type) {
      return &resource;
    }
  }
  return nullptr;
}

}  // namespace rampart::remediate
