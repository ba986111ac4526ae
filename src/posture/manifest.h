// Loading Kubernetes manifests: files, folders, multi-document streams, List objects and the
// rendered output of Helm and kustomize.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/status.h"
#include "posture/yaml_tree.h"

namespace rampart::posture {

// One Kubernetes object and where it was read.
struct ManifestObject {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string namespace_name;  // metadata.namespace as written; empty when absent
  std::string file;            // path relative to the scanned folder, or as given for a file
  std::uint32_t line = 1;      // 1-based line where the object starts
  std::uint32_t document = 0;  // 0-based index of its document in the file
  std::string list_path;       // "items[3]" for an object inside a List, else empty
  std::string helm_source;     // the "# Source:" comment Helm writes above each document
  std::shared_ptr<const YamlNode> document_root;  // the whole document
  const YamlNode* root = nullptr;                 // the object itself, inside document_root

  bool IsClusterScoped() const;
};

// A document or file that could not be read; the others are still loaded.
struct LoadError {
  std::string file;
  std::uint32_t line = 0;  // 0 when the problem is the whole file
  std::string message;     // says what is wrong and how to fix it
};

struct LoadOptions {
  std::size_t max_file_bytes = std::size_t{64} << 20;
  YamlLimits yaml;
  // Streams of at least `parallel_bytes` are parsed on up to `threads` threads.
  std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  std::size_t parallel_bytes = std::size_t{1} << 20;
};

// Everything read from a path.
struct ManifestSet {
  std::vector<ManifestObject> objects;  // objects of the kinds the checks read
  std::vector<LoadError> errors;
  std::vector<LoadError> warnings;  // entries skipped on purpose, such as outside links
  std::size_t files = 0;
  std::size_t documents = 0;
  std::map<std::string, std::size_t> ignored_kinds;  // other kinds, with how many of each
};

// Kinds whose pod template the checks read.
bool IsWorkloadKind(std::string_view kind);

// Kinds kept besides workloads: ServiceAccount, Role, ClusterRole, RoleBinding,
// ClusterRoleBinding, NetworkPolicy, Namespace, ConfigMap, Secret and Service.
bool IsLoadedKind(std::string_view kind);

// Reads `path`: a file, a folder (read recursively: .yaml, .yml and .json files; hidden entries
// skipped; symbolic links followed only when their target stays inside the folder), or "-"
// for standard input. Returns an error only when `path` itself cannot be read; problems in
// single files and documents are listed in ManifestSet::errors.
Result<ManifestSet> LoadManifests(const std::string& path, const LoadOptions& options = {});

// Reads one YAML stream. `file` names it in objects and errors.
void LoadManifestText(std::string_view text, const std::string& file, ManifestSet& set,
                      const LoadOptions& options = {});

}  // namespace rampart::posture
