#include "remediate/action.h"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

namespace rampart::remediate {

bool AllowListed(const std::vector<std::string>& list, std::string_view value) {
  for (const std::string& entry : list) {
    if (entry == "*" || entry == value) {
      return true;
    }
    if (entry.size() > 1 && entry.back() == '*') {
      const std::string_view prefix(entry.data(), entry.size() - 1);
      if (value.substr(0, prefix.size()) == prefix) {
        return true;
      }
    }
  }
  return false;
}

EnvironmentReader ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

std::string ResolveLocalPath(const ActionContext& context, const std::string& path) {
  if (path.empty() || context.base_dir.empty() || std::filesystem::path(path).is_absolute()) {
    return path;
  }
  return (std::filesystem::path(context.base_dir) / path).lexically_normal().string();
}

Status Action::Rollback(const ActionResult& /*result*/, const ActionContext& /*context*/) {
  return FailedPrecondition(
      fmt::format("{}: rollback is not supported by this action; undo the change by hand", Name()));
}

Status ActionRegistry::Register(std::unique_ptr<Action> action) {
  const std::string name(action->Name());
  if (actions_.count(name) != 0) {
    return Status(StatusCode::kAlreadyExists,
                  fmt::format("action '{}' is already registered", name));
  }
  actions_.emplace(name, std::move(action));
  return Status::Ok();
}

Action* ActionRegistry::Find(std::string_view name) const {
  const auto it = actions_.find(name);
  return it == actions_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ActionRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, action] : actions_) {
    names.push_back(name);
  }
  return names;
}

std::string BoundOutput(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text;
  }
  const std::size_t dropped = text.size() - max_bytes;
  text.resize(max_bytes);
  text += fmt::format("\n[output cut: {} more bytes]", dropped);
  return text;
}

}  // namespace rampart::remediate
