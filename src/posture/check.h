// Posture checks: what each check reads, the controls it maps to, and what it returns.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "finding/severity.h"
#include "posture/field_patch.h"
#include "posture/manifest.h"
#include "posture/workload.h"

namespace rampart::posture {

// What a check is evaluated on. Each (check, subject) pair yields at most one finding.
enum class Scope {
  kWorkload,          // objects with a pod template
  kConfigMap,         // ConfigMap objects
  kServiceAccount,    // ServiceAccount objects
  kRole,              // Role and ClusterRole objects
  kBinding,           // RoleBinding and ClusterRoleBinding objects
  kNamespace,         // every namespace that the manifests declare or place objects in
  kNamespacedObject,  // every loaded object that is not cluster-scoped
};

// How a failed check can be fixed.
enum class FixKind {
  kAutomatic,        // field patches make the check pass
  kNeedsHumanValue,  // the fix needs a value only a person can choose, such as a limit
  kManual,           // the fix changes design (volumes, RBAC, code), so no patch is offered
};

std::string_view FixKindName(FixKind fix);

// The thing a check looks at.
struct Subject {
  std::string kind;
  std::string namespace_name;  // effective namespace; empty for cluster-scoped objects
  std::string name;
  std::string resource_id;  // "Kind/namespace/name", plus "#FILE" for an object loaded twice
  const ManifestObject* object = nullptr;  // for a namespace no Namespace object declares, the
                                           // first object placed in it
  const PodTemplate* pod = nullptr;        // set for kWorkload
};

// The result of one check on one subject.
struct Outcome {
  bool passed = true;
  std::string detail;      // what was found; names fields and containers, never secret values
  std::uint32_t line = 0;  // line of the offending field, or 0 for the object's first line
  std::vector<FieldPatch> patches;  // for a failure with an automatic fix

  static Outcome Pass(std::string detail) { return {true, std::move(detail), 0, {}}; }
  static Outcome Fail(std::string detail, std::uint32_t line = 0) {
    return {false, std::move(detail), line, {}};
  }
};

// Indexes of the loaded objects that checks look up across objects.
class ScanContext {
 public:
  ScanContext(const ManifestSet& set, std::string default_namespace);

  const ManifestSet& set() const { return set_; }
  const std::string& default_namespace() const { return default_namespace_; }

  // Returns metadata.namespace, or the default namespace when it is absent, or "" for
  // cluster-scoped kinds.
  std::string EffectiveNamespace(const ManifestObject& object) const;

  // Returns the object of `kind` named `name` in `namespace_name`, or nullptr.
  const ManifestObject* Find(std::string_view kind, std::string_view namespace_name,
                             std::string_view name) const;

  bool HasNetworkPolicy(std::string_view namespace_name) const;

  // Every namespace declared by a Namespace object or holding a namespaced object, with the
  // object that represents it (the Namespace object when there is one).
  const std::map<std::string, const ManifestObject*>& namespaces() const { return namespaces_; }

 private:
  const ManifestSet& set_;
  std::string default_namespace_;
  std::map<std::string, const ManifestObject*> index_;  // "kind/namespace/name"
  std::map<std::string, const ManifestObject*> namespaces_;
  std::map<std::string, int> network_policies_;
};

using CheckFunction = std::optional<Outcome> (*)(const Subject&, const ScanContext&);

// A check and its catalogue entry. The function returns nullopt when the check does not apply
// to the subject (a pod without containers, a role without rules).
struct Check {
  std::string_view id;  // stable; part of finding ids
  std::string_view title;
  finding::SeverityLabel severity;
  Scope scope;
  // Compliance.RelatedRequirements, "STANDARD/CONTROL" as Security Hub writes them, such as
  // "CIS Kubernetes Benchmark v1.10.0/5.2.2".
  std::vector<std::string_view> requirements;
  std::string_view remediation;
  FixKind fix;
  CheckFunction evaluate;
  // True for the baseline checks that the restricted level replaces by a stricter one, as
  // the pod-security admission's OverrideCheckIDs do.
  bool replaced_in_restricted = false;
};

// Returns every check, in a fixed order.
const std::vector<Check>& Checks();

// Returns the check with `id`, or nullptr.
const Check* FindCheck(std::string_view id);

}  // namespace rampart::posture
