// CIS Kubernetes Benchmark section 5 items that read workloads, service accounts and
// namespaces.
#include <cctype>

#include <fmt/format.h>

#include "posture/check_functions.h"

namespace rampart::posture::detail {
namespace {

// Compares capability names as container runtimes do: case-insensitively, with or without
// the CAP_ prefix.
bool SameCapability(std::string_view value, std::string_view capability) {
  if (value.size() > 4 && (value.substr(0, 4) == "CAP_" || value.substr(0, 4) == "cap_")) {
    value.remove_prefix(4);
  }
  if (value.size() != capability.size()) {
    return false;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(value[i])) != capability[i]) {
      return false;
    }
  }
  return true;
}

bool ListHas(const YamlNode* list, std::string_view capability) {
  for (const YamlNode& item : list && list->IsSequence() ? list->children : kNoNodes) {
    if (SameCapability(StringOr(&item), capability)) {
      return true;
    }
  }
  return false;
}

bool NonEmptyMapping(const YamlNode* node) {
  return node != nullptr && node->IsMapping() && !node->keys.empty();
}

// Returns the service account a pod runs as: serviceAccountName, else the deprecated
// serviceAccount, else "default".
std::string_view ServiceAccountName(const PodTemplate& pod) {
  std::string_view name = StringOr(pod.spec->Find("serviceAccountName"));
  if (name.empty()) {
    name = StringOr(pod.spec->Find("serviceAccount"));
  }
  return name.empty() ? "default" : name;
}

}  // namespace

std::optional<Outcome> CheckNetRaw(const Subject& subject, const ScanContext&) {
  Violations violations;
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* add = ContainerSecurityField(container, {"capabilities", "add"});
    const YamlNode* drop = ContainerSecurityField(container, {"capabilities", "drop"});
    const bool added = ListHas(add, "NET_RAW") || ListHas(add, "ALL");
    const bool dropped = ListHas(drop, "NET_RAW") || ListHas(drop, "ALL");
    if (added || !dropped) {
      violations.Add(container, added ? add->line : (drop ? drop->line : 0));
      if (!added) {
        violations.patches.push_back(FieldPatch::Append(
            container.path + ".securityContext.capabilities.drop", PatchValue::String("NET_RAW")));
      }
    }
  }
  Outcome outcome = violations.ToOutcome(
      "must drop NET_RAW (or ALL) in securityContext.capabilities.drop and must not add it",
      "every container drops NET_RAW");
  bool any_added = false;
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* add = ContainerSecurityField(container, {"capabilities", "add"});
    any_added = any_added || ListHas(add, "NET_RAW") || ListHas(add, "ALL");
  }
  if (any_added) {
    outcome.patches.clear();
  }
  return outcome;
}

std::optional<Outcome> CheckAddedCapabilities(const Subject& subject, const ScanContext&) {
  Violations violations;
  std::vector<std::string> added;
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* add = ContainerSecurityField(container, {"capabilities", "add"});
    if (add != nullptr && add->IsSequence() && !add->children.empty()) {
      violations.Add(container, add->line);
      for (const YamlNode& item : add->children) {
        AddUnique(added, std::string(StringOr(&item)));
      }
    }
  }
  return violations.ToOutcome(fmt::format("must not add capabilities {}", JoinQuoted(added)),
                              "no container adds capabilities");
}

std::optional<Outcome> CheckSecurityContext(const Subject& subject, const ScanContext&) {
  Violations violations;
  const YamlNode* pod_context = subject.pod->spec->Find("securityContext");
  if (!NonEmptyMapping(pod_context)) {
    violations.AddSetter("pod", 0);
  }
  for (const ContainerRef& container : subject.pod->containers) {
    if (container.list != "ephemeralContainers" &&
        !NonEmptyMapping(container.node->Find("securityContext"))) {
      violations.Add(container, container.node->line);
    }
  }
  return violations.ToOutcome("must set a securityContext",
                              "the pod and every container set a securityContext");
}

std::optional<Outcome> CheckSecretsAsEnv(const Subject& subject, const ScanContext&) {
  Violations violations;
  std::vector<std::string> secrets;
  for (const ContainerRef& container : subject.pod->containers) {
    bool uses = false;
    const YamlNode* env = container.node->Find("env");
    for (const YamlNode& variable : env && env->IsSequence() ? env->children : kNoNodes) {
      const YamlNode* reference = variable.FindPath({"valueFrom", "secretKeyRef"});
      if (IsSet(reference)) {
        uses = true;
        violations.FirstLine(reference->line);
        AddUnique(secrets, std::string(StringOr(reference->Find("name"))));
      }
    }
    const YamlNode* env_from = container.node->Find("envFrom");
    for (const YamlNode& source :
         env_from && env_from->IsSequence() ? env_from->children : kNoNodes) {
      const YamlNode* reference = source.Find("secretRef");
      if (IsSet(reference)) {
        uses = true;
        violations.FirstLine(reference->line);
        AddUnique(secrets, std::string(StringOr(reference->Find("name"))));
      }
    }
    if (uses) {
      violations.Add(container, 0);
    }
  }
  return violations.ToOutcome(
      fmt::format("must not read Secrets {} through environment variables", JoinQuoted(secrets)),
      "no container reads a Secret through environment variables");
}

std::optional<Outcome> CheckWorkloadDefaultServiceAccount(const Subject& subject,
                                                          const ScanContext&) {
  const std::string_view account = ServiceAccountName(*subject.pod);
  if (account != "default") {
    return Outcome::Pass(fmt::format("runs as service account \"{}\"", account));
  }
  const YamlNode* field = subject.pod->spec->Find("serviceAccountName");
  return Outcome::Fail("runs as the default service account", field ? field->line : 0);
}

std::optional<Outcome> CheckTokenAutomount(const Subject& subject, const ScanContext& context) {
  const PodTemplate& pod = *subject.pod;
  const FieldPatch patch =
      FieldPatch::Set(pod.spec_path + ".automountServiceAccountToken", PatchValue::Bool(false));
  const YamlNode* pod_setting = pod.spec->Find("automountServiceAccountToken");
  if (IsSet(pod_setting)) {
    if (ScalarBool(pod_setting) == false) {
      return Outcome::Pass("pod sets automountServiceAccountToken=false");
    }
    Outcome outcome =
        Outcome::Fail("pod sets automountServiceAccountToken=true", pod_setting->line);
    outcome.patches.push_back(patch);
    return outcome;
  }
  const std::string_view account = ServiceAccountName(pod);
  const ManifestObject* service_account =
      context.Find("ServiceAccount", subject.namespace_name, account);
  const YamlNode* account_setting =
      service_account ? service_account->root->Find("automountServiceAccountToken") : nullptr;
  if (ScalarBool(account_setting) == false) {
    return Outcome::Pass(
        fmt::format("service account \"{}\" sets automountServiceAccountToken=false", account));
  }
  Outcome outcome = Outcome::Fail(fmt::format(
      "the service account token is mounted: neither the pod nor service account \"{}\" sets "
      "automountServiceAccountToken=false",
      account));
  outcome.patches.push_back(patch);
  return outcome;
}

std::optional<Outcome> CheckDefaultServiceAccountAutomount(const Subject& subject,
                                                           const ScanContext&) {
  if (subject.name != "default") {
    return std::nullopt;
  }
  const YamlNode* setting = subject.object->root->Find("automountServiceAccountToken");
  if (ScalarBool(setting) == false) {
    return Outcome::Pass("the default service account sets automountServiceAccountToken=false");
  }
  Outcome outcome =
      Outcome::Fail("the default service account does not set automountServiceAccountToken=false",
                    IsSet(setting) ? setting->line : 0);
  outcome.patches.push_back(
      FieldPatch::Set("automountServiceAccountToken", PatchValue::Bool(false)));
  return outcome;
}

std::optional<Outcome> CheckDefaultNamespace(const Subject& subject, const ScanContext& context) {
  if (subject.namespace_name != "default") {
    return Outcome::Pass(fmt::format("in namespace \"{}\"", subject.namespace_name));
  }
  const bool explicit_namespace = !subject.object->namespace_name.empty();
  return Outcome::Fail(explicit_namespace
                           ? std::string("placed in the default namespace")
                           : fmt::format("sets no metadata.namespace, so it lands in the {} "
                                         "namespace",
                                         context.default_namespace()));
}

std::optional<Outcome> CheckNetworkPolicy(const Subject& subject, const ScanContext& context) {
  if (context.HasNetworkPolicy(subject.name)) {
    return Outcome::Pass(fmt::format("namespace \"{}\" has a NetworkPolicy", subject.name));
  }
  return Outcome::Fail(fmt::format("namespace \"{}\" has no NetworkPolicy", subject.name));
}

}  // namespace rampart::posture::detail
