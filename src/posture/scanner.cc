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

void Evaluate(const std::vector<const Check*>& checks, Subject subject, bool has_pod,
              const std::string& resource_id, const ScanContext& context, ScanReport& report) {
  for (const Check* check : checks) {
    // A namespace that is only a subject (object == nullptr) takes the namespace checks alone.
    const bool applies = subject.object == nullptr
                             ? check->scope == Scope::kNamespace
                             : Applies(check->scope, *subject.object, has_pod);
    if (!applies) {
      continue;
    }
    std::optional<Outcome> outcome = check->evaluate(subject, context);
    if (!outcome) {
      continue;
    }
    CheckResult result;
    result.check = check;
    result.subject = subject;
    result.subject.pod = nullptr;  // points into this function's pod template
    result.outcome = std::move(*outcome);
    result.resource_id = resource_id;
    report.results.push_back(std::move(result));
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
    Subject subject{object.kind, context.EffectiveNamespace(object), object.name, &object, nullptr};
    std::string resource_id =
        fmt::format("{}/{}/{}", object.kind, subject.namespace_name, object.name);
    if (identities[resource_id] > 1) {
      report.warnings.push_back(
          fmt::format("{} appears more than once; {}:{} is reported as "
                      "{}#{}",
                      resource_id, object.file, object.line, resource_id, object.file));
      resource_id += "#" + object.file;
    }
    std::optional<PodTemplate> pod;
    if (IsWorkloadKind(object.kind)) {
      ++report.workloads;
      pod = FindPodTemplate(object);
      if (!pod) {
        report.warnings.push_back(
            fmt::format("{} at {}:{} has no pod spec; its pod checks are "
                        "skipped",
                        resource_id, object.file, object.line));
      }
    }
    subject.pod = pod ? &*pod : nullptr;
    Evaluate(checks, subject, pod.has_value(), resource_id, context, report);
  }

  for (const auto& [name, representative] : context.namespaces()) {
    Subject subject{"Namespace", "", name, nullptr, nullptr};
    const std::size_t first = report.results.size();
    Evaluate(checks, subject, false, fmt::format("Namespace//{}", name), context, report);
    for (std::size_t i = first; i < report.results.size(); ++i) {
      report.results[i].subject.object = representative;
    }
  }
  return report;
}

}  // namespace rampart::posture
