// Check functions and the helpers they share; the catalogue in check_registry.cc ties each
// function to its id, title, severity and controls.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posture/check.h"

namespace rampart::posture::detail {

inline const std::vector<YamlNode> kNoNodes;

// Returns securityContext.KEYS... of a container, or nullptr.
const YamlNode* ContainerSecurityField(const ContainerRef& container,
                                       std::initializer_list<std::string_view> keys);

// True when the pod sets hostUsers=false, which runs it in a user namespace.
bool UsesUserNamespace(const PodTemplate& pod);

// True when the pod sets spec.os.name=windows.
bool IsWindowsPod(const PodTemplate& pod);

void AddUnique(std::vector<std::string>& values, std::string value);

// The pod-level settings and containers that break a rule, gathered into one outcome.
struct Violations {
  std::vector<std::string> setters;  // "pod", "annotation KEY"
  std::vector<std::string> containers;
  std::uint32_t line = 0;
  std::vector<FieldPatch> patches;

  void Add(const ContainerRef& container, std::uint32_t field_line);
  void AddSetter(std::string setter, std::uint32_t field_line);
  void FirstLine(std::uint32_t field_line);
  bool empty() const { return setters.empty() && containers.empty(); }

  // Returns a failure "pod and containers "a", "b" FAILURE" with the patches, or a pass.
  Outcome ToOutcome(std::string_view failure, std::string pass_detail) const;
};

// Pod Security Standards, baseline.
std::optional<Outcome> CheckHostNetwork(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckHostPid(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckHostIpc(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckPrivileged(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckCapabilitiesBaseline(const Subject& subject,
                                                 const ScanContext& context);
std::optional<Outcome> CheckHostPathVolumes(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckHostPorts(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckAppArmor(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckSelinux(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckProcMount(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckSeccompBaseline(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckSysctls(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckWindowsHostProcess(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckHostProbes(const Subject& subject, const ScanContext& context);

// Pod Security Standards, restricted.
std::optional<Outcome> CheckRestrictedVolumes(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckAllowPrivilegeEscalation(const Subject& subject,
                                                     const ScanContext& context);
std::optional<Outcome> CheckRunAsNonRoot(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckRunAsUser(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckSeccompRestricted(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckCapabilitiesRestricted(const Subject& subject,
                                                   const ScanContext& context);
std::optional<Outcome> CheckProcMountRestricted(const Subject& subject, const ScanContext& context);

// CIS Kubernetes Benchmark section 5, on workloads.
std::optional<Outcome> CheckNetRaw(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckAddedCapabilities(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckSecurityContext(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckSecretsAsEnv(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckWorkloadDefaultServiceAccount(const Subject& subject,
                                                          const ScanContext& context);
std::optional<Outcome> CheckTokenAutomount(const Subject& subject, const ScanContext& context);

// CIS Kubernetes Benchmark section 5, on other objects.
std::optional<Outcome> CheckDefaultServiceAccountAutomount(const Subject& subject,
                                                           const ScanContext& context);
std::optional<Outcome> CheckDefaultNamespace(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckNetworkPolicy(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckClusterAdminBinding(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckRbacSecrets(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckRbacWildcards(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckRbacCreatePods(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckRbacBindEscalate(const Subject& subject, const ScanContext& context);

// Images, resources and passwords.
std::optional<Outcome> CheckImageTag(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckImageDigest(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckResources(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckPasswordInConfigMap(const Subject& subject, const ScanContext& context);
std::optional<Outcome> CheckPasswordInEnv(const Subject& subject, const ScanContext& context);

}  // namespace rampart::posture::detail
