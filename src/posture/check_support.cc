// Helpers shared by the check functions, and the index of objects they look up.
#include <algorithm>

#include <fmt/format.h>

#include "posture/check_functions.h"

namespace rampart::posture {
namespace {

std::string IndexKey(std::string_view kind, std::string_view namespace_name,
                     std::string_view name) {
  return fmt::format("{}/{}/{}", kind, namespace_name, name);
}

}  // namespace

std::string_view FixKindName(FixKind fix) {
  switch (fix) {
    case FixKind::kAutomatic:
      return "automatic";
    case FixKind::kNeedsHumanValue:
      return "needs-human-value";
    case FixKind::kManual:
      return "manual";
  }
  return "manual";
}

ScanContext::ScanContext(const ManifestSet& set, std::string default_namespace)
    : set_(set), default_namespace_(std::move(default_namespace)) {
  for (const ManifestObject& object : set.objects) {
    const std::string namespace_name = EffectiveNamespace(object);
    index_.emplace(IndexKey(object.kind, namespace_name, object.name), &object);
    if (object.kind == "Namespace") {
      namespaces_[object.name] = &object;
    } else if (!object.IsClusterScoped()) {
      namespaces_.emplace(namespace_name, &object);
    }
    if (object.kind == "NetworkPolicy") {
      ++network_policies_[namespace_name];
    }
  }
}

std::string ScanContext::EffectiveNamespace(const ManifestObject& object) const {
  if (object.IsClusterScoped()) {
    return "";
  }
  return object.namespace_name.empty() ? default_namespace_ : object.namespace_name;
}

const ManifestObject* ScanContext::Find(std::string_view kind, std::string_view namespace_name,
                                        std::string_view name) const {
  auto found = index_.find(IndexKey(kind, namespace_name, name));
  return found == index_.end() ? nullptr : found->second;
}

bool ScanContext::HasNetworkPolicy(std::string_view namespace_name) const {
  return network_policies_.count(std::string(namespace_name)) > 0;
}

namespace detail {

const YamlNode* ContainerSecurityField(const ContainerRef& container,
                                       std::initializer_list<std::string_view> keys) {
  const YamlNode* node = container.node->Find("securityContext");
  for (std::string_view key : keys) {
    if (node == nullptr) {
      return nullptr;
    }
    node = node->Find(key);
  }
  return node;
}

bool UsesUserNamespace(const PodTemplate& pod) {
  return ScalarBool(pod.spec->Find("hostUsers")) == false;
}

bool IsWindowsPod(const PodTemplate& pod) {
  return StringOr(pod.spec->FindPath({"os", "name"})) == "windows";
}

void AddUnique(std::vector<std::string>& values, std::string value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(std::move(value));
  }
}

void Violations::Add(const ContainerRef& container, std::uint32_t field_line) {
  AddUnique(containers, std::string(container.name));
  FirstLine(field_line);
}

void Violations::AddSetter(std::string setter, std::uint32_t field_line) {
  setters.push_back(std::move(setter));
  FirstLine(field_line);
}

void Violations::FirstLine(std::uint32_t field_line) {
  if (line == 0 && field_line != 0) {
    line = field_line;
  }
}

Outcome Violations::ToOutcome(std::string_view failure, std::string pass_detail) const {
  if (empty()) {
    return Outcome::Pass(std::move(pass_detail));
  }
  std::string who;
  for (const std::string& setter : setters) {
    who += (who.empty() ? "" : " and ") + setter;
  }
  if (!containers.empty()) {
    who += fmt::format("{}{} {}", who.empty() ? "" : " and ",
                       containers.size() == 1 ? "container" : "containers", JoinQuoted(containers));
  }
  Outcome outcome = Outcome::Fail(fmt::format("{} {}", who, failure), line);
  outcome.patches = patches;
  return outcome;
}

}  // namespace detail
}  // namespace rampart::posture
