// Restricted checks of the Pod Security Standards, with the field rules of the Kubernetes
// pod-security admission at policy version v1.35: pod-level runAsNonRoot and seccompProfile
// cover containers that leave them unset; Windows pods skip the Linux-only rules; pods in a
// user namespace (hostUsers=false) skip runAsNonRoot and runAsUser.
#include <array>

#include <fmt/format.h>

#include "posture/check_functions.h"

namespace rampart::posture::detail {
namespace {

// Inline volume sources the restricted level accepts; "image" since Kubernetes 1.33.
constexpr std::array<std::string_view, 9> kRestrictedVolumeSources = {
    "configMap", "csi",   "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim",
    "projected", "secret"};

// Returns the first volume source set in `volume`, or "" when none is.
std::string_view VolumeSource(const YamlNode& volume) {
  for (std::size_t i = 0; i < volume.keys.size(); ++i) {
    if (volume.keys[i] != "name" && !volume.children[i].IsNull()) {
      return volume.keys[i];
    }
  }
  return "";
}

bool AllowedVolume(const YamlNode& volume) {
  // The API server gives a volume without a source an emptyDir (SetDefaults_Volume in
  // k8s.io/kubernetes pkg/apis/core/v1) before Pod Security admission checks the pod.
  if (VolumeSource(volume).empty()) {
    return volume.IsMapping();
  }
  for (std::string_view source : kRestrictedVolumeSources) {
    if (IsSet(volume.Find(source))) {
      return true;
    }
  }
  return false;
}

bool ValidSeccompType(std::string_view type) {
  return type == "RuntimeDefault" || type == "Localhost";
}

// Returns the index of a "drop" item that spells ALL in another case, such as "all".
std::optional<std::size_t> MiscasedDropAll(const YamlNode* drop) {
  for (std::size_t i = 0; drop && drop->IsSequence() && i < drop->children.size(); ++i) {
    const std::string_view value = StringOr(&drop->children[i]);
    if (value.size() == 3 && value != "ALL" && (value[0] | 0x20) == 'a' &&
        (value[1] | 0x20) == 'l' && (value[2] | 0x20) == 'l') {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Outcome> CheckRestrictedVolumes(const Subject& subject, const ScanContext&) {
  std::vector<std::string> names;
  std::vector<std::string> types;
  std::uint32_t line = 0;
  const YamlNode* volumes = subject.pod->spec->Find("volumes");
  for (const YamlNode& volume : volumes && volumes->IsSequence() ? volumes->children : kNoNodes) {
    if (!AllowedVolume(volume)) {
      names.push_back(std::string(StringOr(volume.Find("name"))));
      const std::string_view source = VolumeSource(volume);
      AddUnique(types, source.empty() ? "unknown" : std::string(source));
      line = line == 0 ? volume.line : line;
    }
  }
  if (names.empty()) {
    return Outcome::Pass("every volume has an allowed type");
  }
  return Outcome::Fail(fmt::format("volumes {} use restricted volume types {}", JoinQuoted(names),
                                   JoinQuoted(types)),
                       line);
}

std::optional<Outcome> CheckAllowPrivilegeEscalation(const Subject& subject, const ScanContext&) {
  if (IsWindowsPod(*subject.pod)) {
    return Outcome::Pass("Windows pod; the rule applies to Linux only");
  }
  Violations violations;
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* allow = ContainerSecurityField(container, {"allowPrivilegeEscalation"});
    if (ScalarBool(allow) != false) {
      violations.Add(container, allow ? allow->line : container.node->line);
      violations.patches.push_back(FieldPatch::Set(
          container.path + ".securityContext.allowPrivilegeEscalation", PatchValue::Bool(false)));
    }
  }
  return violations.ToOutcome("must set securityContext.allowPrivilegeEscalation=false",
                              "every container sets allowPrivilegeEscalation=false");
}

std::optional<Outcome> CheckRunAsNonRoot(const Subject& subject, const ScanContext&) {
  const PodTemplate& pod = *subject.pod;
  if (UsesUserNamespace(pod)) {
    return Outcome::Pass("pod runs in a user namespace (hostUsers=false)");
  }
  Violations violations;
  const YamlNode* pod_value = pod.spec->FindPath({"securityContext", "runAsNonRoot"});
  const bool pod_true = ScalarBool(pod_value).value_or(false);
  if (IsSet(pod_value) && !pod_true) {
    violations.AddSetter("pod", pod_value->line);
  }
  bool implicit = false;
  for (const ContainerRef& container : pod.containers) {
    const YamlNode* value = ContainerSecurityField(container, {"runAsNonRoot"});
    if (IsSet(value)) {
      if (ScalarBool(value) != true) {
        violations.Add(container, value->line);
        violations.patches.push_back(FieldPatch::Set(
            container.path + ".securityContext.runAsNonRoot", PatchValue::Bool(true)));
      }
    } else if (!pod_true) {
      violations.Add(container, 0);
      implicit = true;
    }
  }
  if (!pod_true && (implicit || IsSet(pod_value))) {
    violations.patches.insert(
        violations.patches.begin(),
        FieldPatch::Set(pod.spec_path + ".securityContext.runAsNonRoot", PatchValue::Bool(true)));
  }
  return violations.ToOutcome(
      "must set securityContext.runAsNonRoot=true, at pod level or on "
      "every container",
      "runAsNonRoot=true covers every container");
}

std::optional<Outcome> CheckRunAsUser(const Subject& subject, const ScanContext&) {
  const PodTemplate& pod = *subject.pod;
  if (UsesUserNamespace(pod)) {
    return Outcome::Pass("pod runs in a user namespace (hostUsers=false)");
  }
  Violations violations;
  const YamlNode* pod_user = pod.spec->FindPath({"securityContext", "runAsUser"});
  if (IsSet(pod_user) && ScalarInt(pod_user) == 0) {
    violations.AddSetter("pod", pod_user->line);
  }
  for (const ContainerRef& container : pod.containers) {
    const YamlNode* user = ContainerSecurityField(container, {"runAsUser"});
    if (IsSet(user) && ScalarInt(user) == 0) {
      violations.Add(container, user->line);
    }
  }
  return violations.ToOutcome("must not set securityContext.runAsUser=0",
                              "no pod or container sets runAsUser=0");
}

std::optional<Outcome> CheckSeccompRestricted(const Subject& subject, const ScanContext&) {
  const PodTemplate& pod = *subject.pod;
  if (IsWindowsPod(pod)) {
    return Outcome::Pass("Windows pod; the rule applies to Linux only");
  }
  Violations violations;
  const YamlNode* pod_profile = pod.spec->FindPath({"securityContext", "seccompProfile"});
  const bool pod_valid =
      IsSet(pod_profile) && ValidSeccompType(StringOr(pod_profile->Find("type")));
  if (IsSet(pod_profile) && !pod_valid) {
    violations.AddSetter("pod", pod_profile->line);
  }
  bool implicit = false;
  for (const ContainerRef& container : pod.containers) {
    const YamlNode* profile = ContainerSecurityField(container, {"seccompProfile"});
    if (IsSet(profile)) {
      if (!ValidSeccompType(StringOr(profile->Find("type")))) {
        violations.Add(container, profile->line);
        violations.patches.push_back(
            FieldPatch::Set(container.path + ".securityContext.seccompProfile.type",
                            PatchValue::String("RuntimeDefault")));
      }
    } else if (!pod_valid) {
      violations.Add(container, 0);
      implicit = true;
    }
  }
  if (!pod_valid && (implicit || IsSet(pod_profile))) {
    violations.patches.insert(
        violations.patches.begin(),
        FieldPatch::Set(pod.spec_path + ".securityContext.seccompProfile.type",
                        PatchValue::String("RuntimeDefault")));
  }
  return violations.ToOutcome(
      "must set securityContext.seccompProfile.type to RuntimeDefault or Localhost, at pod "
      "level or on every container",
      "a RuntimeDefault or Localhost seccomp profile covers every container");
}

std::optional<Outcome> CheckCapabilitiesRestricted(const Subject& subject, const ScanContext&) {
  if (IsWindowsPod(*subject.pod)) {
    return Outcome::Pass("Windows pod; the rule applies to Linux only");
  }
  Violations violations;
  std::vector<std::string> forbidden;
  std::vector<FieldPatch> patches;
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* drop = ContainerSecurityField(container, {"capabilities", "drop"});
    const YamlNode* add = ContainerSecurityField(container, {"capabilities", "add"});
    bool dropped_all = false;
    for (const YamlNode& item : drop && drop->IsSequence() ? drop->children : kNoNodes) {
      dropped_all = dropped_all || StringOr(&item) == "ALL";
    }
    bool bad = !dropped_all;
    if (!dropped_all) {
      const auto miscased = MiscasedDropAll(drop);
      const std::string drop_path = container.path + ".securityContext.capabilities.drop";
      patches.push_back(miscased ? FieldPatch::Set(fmt::format("{}[{}]", drop_path, *miscased),
                                                   PatchValue::String("ALL"))
                                 : FieldPatch::Append(drop_path, PatchValue::String("ALL")));
    }
    for (const YamlNode& item : add && add->IsSequence() ? add->children : kNoNodes) {
      if (StringOr(&item) != "NET_BIND_SERVICE") {
        bad = true;
        AddUnique(forbidden, std::string(StringOr(&item)));
      }
    }
    if (bad) {
      violations.Add(container, drop ? drop->line : (add ? add->line : 0));
    }
  }
  std::string failure = "must set securityContext.capabilities.drop=[\"ALL\"]";
  if (!forbidden.empty()) {
    failure += fmt::format(" and may add only NET_BIND_SERVICE, not {}", JoinQuoted(forbidden));
  } else {
    // Dropping ALL is a complete fix only when nothing else is added back.
    violations.patches = std::move(patches);
  }
  return violations.ToOutcome(failure,
                              "every container drops ALL and adds at most NET_BIND_SERVICE");
}

}  // namespace rampart::posture::detail
