// Baseline checks of the Pod Security Standards, with the field rules of the Kubernetes
// pod-security admission (k8s.io/pod-security-admission/policy, policy version v1.35, the
// "latest" of Kubernetes 1.36): containers, init containers and ephemeral containers alike.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "posture/check_functions.h"

namespace rampart::posture::detail {
namespace {

constexpr std::array<std::string_view, 13> kBaselineCapabilities = {
    "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",      "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT"};

constexpr std::array<std::string_view, 5> kSelinuxTypes = {"", "container_t", "container_init_t",
                                                           "container_kvm_t", "container_engine_t"};

// The policy v1.32 safe set; v1.37 adds net.ipv4.tcp_slow_start_after_idle and
// net.ipv4.tcp_notsent_lowat.
constexpr std::array<std::string_view, 12> kSafeSysctls = {"kernel.shm_rmid_forced",
                                                           "net.ipv4.ip_local_port_range",
                                                           "net.ipv4.tcp_syncookies",
                                                           "net.ipv4.ping_group_range",
                                                           "net.ipv4.ip_unprivileged_port_start",
                                                           "net.ipv4.ip_local_reserved_ports",
                                                           "net.ipv4.tcp_keepalive_time",
                                                           "net.ipv4.tcp_fin_timeout",
                                                           "net.ipv4.tcp_keepalive_intvl",
                                                           "net.ipv4.tcp_keepalive_probes",
                                                           "net.ipv4.tcp_rmem",
                                                           "net.ipv4.tcp_wmem"};

constexpr std::string_view kAppArmorAnnotationPrefix =
    "container.apparmor.security.beta.kubernetes.io/";

template <std::size_t N>
bool Contains(const std::array<std::string_view, N>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::optional<Outcome> HostNamespace(const Subject& subject, std::string_view field) {
  const YamlNode* node = subject.pod->spec->Find(field);
  if (ScalarBool(node) == true) {
    return Outcome::Fail(fmt::format("pod sets {}=true", field), node->line);
  }
  return Outcome::Pass(fmt::format("pod does not set {}=true", field));
}

bool ValidAppArmorType(std::string_view type) {
  return type == "RuntimeDefault" || type == "Localhost";
}

bool ValidAppArmorAnnotation(std::string_view value) {
  return value.empty() || value == "runtime/default" || value.substr(0, 10) == "localhost/";
}

bool ValidSelinuxOptions(const YamlNode* options) {
  if (!IsSet(options)) {
    return true;
  }
  return Contains(kSelinuxTypes, StringOr(options->Find("type"))) &&
         StringOr(options->Find("user")).empty() && StringOr(options->Find("role")).empty();
}

bool ValidSeccompType(std::string_view type) {
  return type == "RuntimeDefault" || type == "Localhost";
}

bool HasProbeHost(const YamlNode* handler) {
  for (std::string_view action : {"httpGet", "tcpSocket"}) {
    const YamlNode* host = handler ? handler->FindPath({action, "host"}) : nullptr;
    if (!StringOr(host).empty()) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<Outcome> CheckHostNetwork(const Subject& subject, const ScanContext&) {
  return HostNamespace(subject, "hostNetwork");
}

std::optional<Outcome> CheckHostPid(const Subject& subject, const ScanContext&) {
  return HostNamespace(subject, "hostPID");
}

std::optional<Outcome> CheckHostIpc(const Subject& subject, const ScanContext&) {
  return HostNamespace(subject, "hostIPC");
}

std::optional<Outcome> CheckPrivileged(const Subject& subject, const ScanContext&) {
  Violations violations;
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* privileged = ContainerSecurityField(container, {"privileged"});
    if (ScalarBool(privileged) == true) {
      violations.Add(container, privileged->line);
      violations.patches.push_back(
          FieldPatch::Set(container.path + ".securityContext.privileged", PatchValue::Bool(false)));
    }
  }
  return violations.ToOutcome("must not set securityContext.privileged=true",
                              "no container sets securityContext.privileged=true");
}

std::optional<Outcome> CheckCapabilitiesBaseline(const Subject& subject, const ScanContext&) {
  Violations violations;
  std::vector<std::string> forbidden;
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* add = ContainerSecurityField(container, {"capabilities", "add"});
    bool bad = false;
    for (const YamlNode& item : add && add->IsSequence() ? add->children : kNoNodes) {
      const std::string_view capability = StringOr(&item);
      if (!Contains(kBaselineCapabilities, capability)) {
        bad = true;
        AddUnique(forbidden, std::string(capability));
      }
    }
    if (bad) {
      violations.Add(container, add->line);
    }
  }
  return violations.ToOutcome(
      fmt::format("must not add {} to securityContext.capabilities.add", JoinQuoted(forbidden)),
      "no container adds a capability outside the baseline set");
}

std::optional<Outcome> CheckHostPathVolumes(const Subject& subject, const ScanContext&) {
  std::vector<std::string> names;
  std::uint32_t line = 0;
  const YamlNode* volumes = subject.pod->spec->Find("volumes");
  for (const YamlNode& volume : volumes && volumes->IsSequence() ? volumes->children : kNoNodes) {
    if (IsSet(volume.Find("hostPath"))) {
      names.push_back(std::string(StringOr(volume.Find("name"))));
      line = line == 0 ? volume.line : line;
    }
  }
  if (names.empty()) {
    return Outcome::Pass("no hostPath volumes");
  }
  return Outcome::Fail(fmt::format("hostPath volumes {}", JoinQuoted(names)), line);
}

std::optional<Outcome> CheckHostPorts(const Subject& subject, const ScanContext&) {
  Violations violations;
  std::vector<std::string> ports;
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* list = container.node->Find("ports");
    bool bad = false;
    for (const YamlNode& port : list && list->IsSequence() ? list->children : kNoNodes) {
      const YamlNode* host_port = port.Find("hostPort");
      if (IsSet(host_port) && ScalarInt(host_port) != 0) {
        bad = true;
        AddUnique(ports, std::string(StringOr(host_port)));
        violations.FirstLine(host_port->line);
      }
    }
    if (bad) {
      violations.Add(container, 0);
    }
  }
  return violations.ToOutcome(fmt::format("must not use hostPort {}", JoinQuoted(ports)),
                              "no container uses a hostPort");
}

std::optional<Outcome> CheckAppArmor(const Subject& subject, const ScanContext&) {
  Violations violations;
  const PodTemplate& pod = *subject.pod;
  const YamlNode* pod_type = pod.spec->FindPath({"securityContext", "appArmorProfile"});
  if (IsSet(pod_type) && !ValidAppArmorType(StringOr(pod_type->Find("type")))) {
    violations.AddSetter("pod", pod_type->line);
    violations.patches.push_back(
        FieldPatch::Set(pod.spec_path + ".securityContext.appArmorProfile.type",
                        PatchValue::String("RuntimeDefault")));
  }
  for (const ContainerRef& container : pod.containers) {
    const YamlNode* profile = ContainerSecurityField(container, {"appArmorProfile"});
    if (IsSet(profile) && !ValidAppArmorType(StringOr(profile->Find("type")))) {
      violations.Add(container, profile->line);
      violations.patches.push_back(
          FieldPatch::Set(container.path + ".securityContext.appArmorProfile.type",
                          PatchValue::String("RuntimeDefault")));
    }
  }
  const YamlNode* annotations = pod.metadata ? pod.metadata->Find("annotations") : nullptr;
  for (std::size_t i = 0; annotations && annotations->IsMapping() && i < annotations->keys.size();
       ++i) {
    const std::string& key = annotations->keys[i];
    if (key.substr(0, kAppArmorAnnotationPrefix.size()) == kAppArmorAnnotationPrefix &&
        !ValidAppArmorAnnotation(StringOr(&annotations->children[i]))) {
      violations.AddSetter(fmt::format("annotation {}", key), annotations->children[i].line);
      violations.patches.push_back(
          FieldPatch::Set(pod.metadata_path + ".annotations[\"" + key + "\"]",
                          PatchValue::String("runtime/default")));
    }
  }
  return violations.ToOutcome(
      "must not set an AppArmor profile other than RuntimeDefault or "
      "Localhost",
      "no AppArmor profile is set to Unconfined");
}

std::optional<Outcome> CheckSelinux(const Subject& subject, const ScanContext&) {
  Violations violations;
  const YamlNode* pod_options = subject.pod->spec->FindPath({"securityContext", "seLinuxOptions"});
  if (!ValidSelinuxOptions(pod_options)) {
    violations.AddSetter("pod", pod_options->line);
  }
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* options = ContainerSecurityField(container, {"seLinuxOptions"});
    if (!ValidSelinuxOptions(options)) {
      violations.Add(container, options->line);
    }
  }
  return violations.ToOutcome(
      "must not set seLinuxOptions user or role, or a type other than container_t, "
      "container_init_t, container_kvm_t or container_engine_t",
      "seLinuxOptions use only the allowed types");
}

std::optional<Outcome> ProcMount(const Subject& subject, bool relax_for_user_namespaces) {
  if (relax_for_user_namespaces && UsesUserNamespace(*subject.pod)) {
    return Outcome::Pass("pod runs in a user namespace (hostUsers=false)");
  }
  Violations violations;
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* proc_mount = ContainerSecurityField(container, {"procMount"});
    if (IsSet(proc_mount) && StringOr(proc_mount) != "Default") {
      violations.Add(container, proc_mount->line);
      violations.patches.push_back(FieldPatch::Set(container.path + ".securityContext.procMount",
                                                   PatchValue::String("Default")));
    }
  }
  return violations.ToOutcome(
      "must not set securityContext.procMount to a value other than "
      "Default",
      "no container unmasks /proc");
}

std::optional<Outcome> CheckProcMount(const Subject& subject, const ScanContext&) {
  return ProcMount(subject, true);
}

std::optional<Outcome> CheckProcMountRestricted(const Subject& subject, const ScanContext&) {
  return ProcMount(subject, false);
}

std::optional<Outcome> CheckSeccompBaseline(const Subject& subject, const ScanContext&) {
  Violations violations;
  const PodTemplate& pod = *subject.pod;
  const YamlNode* pod_profile = pod.spec->FindPath({"securityContext", "seccompProfile"});
  if (IsSet(pod_profile) && !ValidSeccompType(StringOr(pod_profile->Find("type")))) {
    violations.AddSetter("pod", pod_profile->line);
    violations.patches.push_back(
        FieldPatch::Set(pod.spec_path + ".securityContext.seccompProfile.type",
                        PatchValue::String("RuntimeDefault")));
  }
  for (const ContainerRef& container : pod.containers) {
    const YamlNode* profile = ContainerSecurityField(container, {"seccompProfile"});
    if (IsSet(profile) && !ValidSeccompType(StringOr(profile->Find("type")))) {
      violations.Add(container, profile->line);
      violations.patches.push_back(
          FieldPatch::Set(container.path + ".securityContext.seccompProfile.type",
                          PatchValue::String("RuntimeDefault")));
    }
  }
  return violations.ToOutcome(
      "must not set securityContext.seccompProfile.type to a value other than RuntimeDefault or "
      "Localhost",
      "no seccomp profile is set to Unconfined");
}

std::optional<Outcome> CheckSysctls(const Subject& subject, const ScanContext&) {
  std::vector<std::string> forbidden;
  std::uint32_t line = 0;
  const YamlNode* sysctls = subject.pod->spec->FindPath({"securityContext", "sysctls"});
  for (const YamlNode& sysctl : sysctls && sysctls->IsSequence() ? sysctls->children : kNoNodes) {
    const std::string_view name = StringOr(sysctl.Find("name"));
    if (!Contains(kSafeSysctls, name)) {
      forbidden.push_back(std::string(name));
      line = line == 0 ? sysctl.line : line;
    }
  }
  if (forbidden.empty()) {
    return Outcome::Pass("pod sets only safe sysctls");
  }
  return Outcome::Fail(fmt::format("pod sets forbidden sysctls {}", JoinQuoted(forbidden)), line);
}

std::optional<Outcome> CheckWindowsHostProcess(const Subject& subject, const ScanContext&) {
  Violations violations;
  const YamlNode* pod_flag =
      subject.pod->spec->FindPath({"securityContext", "windowsOptions", "hostProcess"});
  if (ScalarBool(pod_flag) == true) {
    violations.AddSetter("pod", pod_flag->line);
  }
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* flag = ContainerSecurityField(container, {"windowsOptions", "hostProcess"});
    if (ScalarBool(flag) == true) {
      violations.Add(container, flag->line);
    }
  }
  return violations.ToOutcome("must not set securityContext.windowsOptions.hostProcess=true",
                              "no HostProcess containers");
}

std::optional<Outcome> CheckHostProbes(const Subject& subject, const ScanContext&) {
  Violations violations;
  for (const ContainerRef& container : subject.pod->containers) {
    bool bad = false;
    for (std::string_view probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
      bad = bad || HasProbeHost(container.node->Find(probe));
    }
    for (std::string_view hook : {"postStart", "preStop"}) {
      bad = bad || HasProbeHost(container.node->FindPath({"lifecycle", hook}));
    }
    if (bad) {
      violations.Add(container, 0);
    }
  }
  return violations.ToOutcome("must not set host in probes or lifecycle handlers",
                              "probes and lifecycle handlers target the pod itself");
}

}  // namespace rampart::posture::detail
