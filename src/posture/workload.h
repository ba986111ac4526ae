// The pod template inside a workload object, and the containers the checks visit.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posture/manifest.h"
#include "posture/yaml_tree.h"

namespace rampart::posture {

// One container of a pod template, with the field path that names it in patches.
struct ContainerRef {
  const YamlNode* node = nullptr;
  std::string_view name;
  std::string_view list;  // "initContainers", "containers" or "ephemeralContainers"
  std::string path;       // such as "spec.template.spec.containers[name=web]"
};

// The pod metadata and spec of a workload, wherever its kind keeps them.
struct PodTemplate {
  const YamlNode* metadata = nullptr;  // may be null
  const YamlNode* spec = nullptr;      // a mapping
  std::string metadata_path;           // such as "spec.template.metadata"
  std::string spec_path;               // such as "spec.template.spec"
  // Init containers, then containers, then ephemeral containers: the order in which the
  // Kubernetes pod-security admission visits them.
  std::vector<ContainerRef> containers;
};

// Returns the pod template of a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
// ReplicationController, Job or CronJob, or nullopt when the kind has none or the object
// lacks a spec mapping there.
std::optional<PodTemplate> FindPodTemplate(const ManifestObject& object);

// Returns true when `node` exists and is not null; YAML null decodes to an unset field.
inline bool IsSet(const YamlNode* node) { return node != nullptr && !node->IsNull(); }

// Quotes and joins names the way admission messages list them: "a", "b".
std::string JoinQuoted(const std::vector<std::string>& names);

}  // namespace rampart::posture
