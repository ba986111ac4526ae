#include "posture/workload.h"

#include <array>

namespace rampart::posture {
namespace {

// Returns the mapping keys from the object root to the pod template of a workload kind.
std::vector<std::string_view> TemplateKeys(std::string_view kind) {
  if (kind == "Pod") {
    return {};
  }
  if (kind == "CronJob") {
    return {"spec", "jobTemplate", "spec", "template"};
  }
  if (kind == "PodTemplate") {
    return {"template"};
  }
  return {"spec", "template"};
}

std::string JoinPath(const std::vector<std::string_view>& keys, std::string_view last) {
  std::string path;
  for (std::string_view key : keys) {
    path += std::string(key) + ".";
  }
  return path + std::string(last);
}

}  // namespace

std::optional<PodTemplate> FindPodTemplate(const ManifestObject& object) {
  if (!IsWorkloadKind(object.kind) || object.root == nullptr) {
    return std::nullopt;
  }
  const std::vector<std::string_view> keys = TemplateKeys(object.kind);
  const YamlNode* base = object.root;
  for (std::string_view key : keys) {
    base = base->Find(key);
    if (base == nullptr) {
      return std::nullopt;
    }
  }
  PodTemplate pod;
  pod.spec = base->Find("spec");
  if (pod.spec == nullptr || !pod.spec->IsMapping()) {
    return std::nullopt;
  }
  pod.metadata = base->Find("metadata");
  pod.spec_path = JoinPath(keys, "spec");
  pod.metadata_path = JoinPath(keys, "metadata");
  for (std::string_view list : {"initContainers", "containers", "ephemeralContainers"}) {
    const YamlNode* items = pod.spec->Find(list);
    if (items == nullptr || !items->IsSequence()) {
      continue;
    }
    for (const YamlNode& item : items->children) {
      ContainerRef container;
      container.node = &item;
      container.name = StringOr(item.Find("name"));
      container.list = list;
      container.path =
          pod.spec_path + "." + std::string(list) + "[name=" + std::string(container.name) + "]";
      pod.containers.push_back(std::move(container));
    }
  }
  return pod;
}

std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) {
    joined += (joined.empty() ? "\"" : ", \"") + name + "\"";
  }
  return joined;
}

}  // namespace rampart::posture
