// Minimal YAML edits that apply Pod Security fixes to workloads in manifest text: each missing
// or wrong field is written with the file's own indentation, and every other byte is kept.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::remediate {

enum class HardenFix {
  kRunAsNonRoot,                 // containers: securityContext.runAsNonRoot: true
  kDisallowPrivilegeEscalation,  // containers: securityContext.allowPrivilegeEscalation: false
  kDropAllCapabilities,          // containers: securityContext.capabilities.drop includes ALL
  kReadOnlyRootFilesystem,       // containers: securityContext.readOnlyRootFilesystem: true
  kSeccompRuntimeDefault,        // containers: securityContext.seccompProfile.type: RuntimeDefault
  kNoServiceAccountToken,        // pod: automountServiceAccountToken: false
};

// Parses a fix name: "runAsNonRoot", "allowPrivilegeEscalation", "dropAllCapabilities",
// "readOnlyRootFilesystem", "seccompProfile" or "automountServiceAccountToken".
std::optional<HardenFix> ParseHardenFix(std::string_view name);
std::vector<HardenFix> AllHardenFixes();

// The workloads to change; an empty field matches any value.
struct WorkloadSelector {
  std::string kind;
  std::string name;
  std::string namespace_name;
  // When set, a workload whose namespace is not on this allow-list is left alone. A workload
  // without metadata.namespace is in `namespace_name`, or in "default" when that is empty.
  std::optional<std::vector<std::string>> allowed_namespaces;
};

struct HardenOutcome {
  std::string text;
  std::vector<std::string> applied;  // "Deployment/api container app: securityContext.x = y"
  std::vector<std::string> skipped;  // places that need a manual edit, with the reason
  std::size_t workloads = 0;         // workloads in the text that the selector matched
  std::size_t denied = 0;            // workloads left alone for their namespace
};

// Applies `fixes` to every workload in `text` that `selector` matches. A field that is already
// compliant is left alone, including a container field already set at pod level
// (runAsNonRoot, seccompProfile). Fails only when the text is not valid YAML.
Result<HardenOutcome> HardenManifest(std::string_view text, std::string_view path,
                                     const WorkloadSelector& selector,
                                     const std::vector<HardenFix>& fixes);

}  // namespace rampart::remediate
