#include "posture/scanner.h"

#include <map>

#include <fmt/format.h>

namespace rampart::posture {
namespace {

bool Applies(Scope scope, const ManifestObject& object, bool has_pod) {
  switch (scope) {
    case Scope::kWorkload:
      return has_pod;
    case Scope::kConfigMap:
      return object.kind == "ConfigMap";
    case Scope::kServiceAccount:
      return object.kind == "ServiceAccount";
    case Scope::kRole:
      return object.kind == "Role" || object.kind == "ClusterRole";
    case Scope::kBinding:
      return object.kind == "RoleBinding" || object.kind == "ClusterRoleBinding";
    case Scope::kNamespacedObject:
      return !object.IsClusterScoped();
    case Scope::kNamespace:
      return false;
  }
  return false;
}

std::vector<const Check*> SelectChecks(const std::optional<Standard>& standard) {
  std::vector<const Check*> selected;
  for (const Check& check : Checks()) {
    if (!standard || CheckInStandard(check, *standard)) {
      selected.push_back(&check);
    }
  }
  return selected;
}

// Runs the checks that apply to `subject`. A namespace subject takes the namespace checks alone;
// an object subject takes the checks of its kind.
void Evaluate(const std::vector<const Check*>& checks, const Subject& subject,
              bool namespace_subject, const ScanContext& context, ScanReport& report) {
  for (const Check* check : checks) {
    const bool applies = namespace_subject
                             ? check->scope == Scope::kNamespace
                             : Applies(check->scope, *subject.object, subject.pod != nullptr);
    if (!applies) {
      continue;
    }
    std::optional<Outcome> outcome = check->evaluate(subject, context);
    if (outcome) {
      report.results.push_back({check, &subject, std::move(*outcome)});
    }
  }
}

}  // namespace

bool CheckInStandard(const Check& check, Standard standard) {
  if (standard == Standard::kPssRestricted && check.replaced_in_restricted) {
    return false;
  }
  for (std::string_view text : check.requirements) {
    const auto requirement = ParseRequirement(text);
    if (requirement && RequirementInStandard(*requirement, standard)) {
      return true;
    }
  }
  return false;
}

ScanReport ScanManifests(const ManifestSet& set, const ScanOptions& options) {
  ScanReport report;
  const ScanContext context(set, options.default_namespace);
  const std::vector<const Check*> checks = SelectChecks(options.standard);

  std::map<std::string, int> identities;
  for (const ManifestObject& object : set.objects) {
    ++identities[fmt::format("{}/{}/{}", object.kind, context.EffectiveNamespace(object),
                             object.name)];
  }

  for (const ManifestObject& object : set.objects) {
    ++report.objects;
    Subject& subject = report.subjects.emplace_back();
    subject.kind = object.kind;
    subject.namespace_name = context.EffectiveNamespace(object);
    subject.name = object.name;
    subject.object = &object;
    subject.resource_id = fmt::format("{}/{}/{}", object.kind, subject.namespace_name, object.name);
    if (identities[subject.resource_id] > 1) {
      report.warnings.push_back(fmt::format("{} appears more than once; {}:{} is reported as {}#{}",
                                            subject.resource_id, object.file, object.line,
                                            subject.resource_id, object.file));
      subject.resource_id += "#" + object.file;
    }
    std::optional<PodTemplate> pod;
    if (IsWorkloadKind(object.kind)) {
      ++report.workloads;
      pod = FindPodTemplate(object);
      if (!pod) {
        report.warnings.push_back(
            fmt::format("{} at {}:{} has no pod spec; its pod checks are skipped",
                        subject.resource_id, object.file, object.line));
      }
    }
    subject.pod = pod ? &*pod : nullptr;
    Evaluate(checks, subject, false, context, report);
    subject.pod = nullptr;  // points into this loop's pod template
  }

  for (const auto& [name, representative] : context.namespaces()) {
    Subject& subject = report.subjects.emplace_back();
    subject.kind = "Namespace";
    subject.name = name;
    subject.resource_id = fmt::format("Namespace//{}", name);
    subject.object = representative;
    Evaluate(checks, subject, true, context, report);
  }
  return report;
}

}  // namespace rampart::posture
