// Pod Security Standards checks, one table of passing and failing pods per control. The
// cases follow the restricted fields and allowed values of the Kubernetes Pod Security
// Standards page and the pod-security admission rules they name.
#include <gtest/gtest.h>

#include "posture/check_test_util.h"

namespace rampart::posture {
namespace {

using testing::PodWithSpec;
using testing::RunCheck;
using testing::RunCheckAfterPatches;

struct Case {
  std::string_view description;
  std::string_view spec;
  bool passes;
  std::string_view metadata = "";
};

void ExpectVerdicts(std::string_view check_id, const std::vector<Case>& cases) {
  for (const Case& test_case : cases) {
    const auto outcome = RunCheck(check_id, PodWithSpec(test_case.spec, test_case.metadata), "pod");
    ASSERT_TRUE(outcome.has_value()) << check_id << ": " << test_case.description;
    EXPECT_EQ(outcome->passed, test_case.passes)
        << check_id << ": " << test_case.description << ": " << outcome->detail;
  }
}

constexpr std::string_view kPlainContainer = "containers:\n- name: app\n  image: nginx:1.25\n";

TEST(PssBaseline, HostNamespaces) {
  ExpectVerdicts("pss-host-network",
                 {{"unset", kPlainContainer, true},
                  {"false", "hostNetwork: false\ncontainers: []\n", true},
                  {"true", "hostNetwork: true\ncontainers: []\n", false},
                  {"yes (YAML 1.1)", "hostNetwork: yes\ncontainers: []\n", false}});
  ExpectVerdicts("pss-host-pid", {{"unset", kPlainContainer, true},
                                  {"true", "hostPID: true\ncontainers: []\n", false}});
  ExpectVerdicts("pss-host-ipc", {{"unset", kPlainContainer, true},
                                  {"true", "hostIPC: true\ncontainers: []\n", false}});
}

TEST(PssBaseline, PrivilegedInEveryContainerList) {
  ExpectVerdicts(
      "pss-privileged",
      {{"unset", kPlainContainer, true},
       {"false", "containers:\n- name: a\n  securityContext:\n    privileged: false\n", true},
       {"container", "containers:\n- name: a\n  securityContext:\n    privileged: true\n", false},
       {"init container",
        "initContainers:\n- name: i\n  securityContext:\n    privileged: true\ncontainers: []\n",
        false},
       {"ephemeral container",
        "containers: []\nephemeralContainers:\n- name: e\n  securityContext:\n    privileged: "
        "true\n",
        false}});
}

TEST(PssBaseline, CapabilitiesOutsideBaselineSet) {
  ExpectVerdicts(
      "pss-capabilities-baseline",
      {{"none", kPlainContainer, true},
       {"allowed",
        "containers:\n- name: a\n  securityContext:\n    capabilities:\n      add: "
        "[CHOWN, NET_BIND_SERVICE, SYS_CHROOT, AUDIT_WRITE]\n",
        true},
       {"NET_RAW",
        "containers:\n- name: a\n  securityContext:\n    capabilities:\n      add: "
        "[NET_RAW]\n",
        false},
       {"SYS_ADMIN in init",
        "initContainers:\n- name: a\n  securityContext:\n    capabilities:\n"
        "      add: [SYS_ADMIN]\ncontainers: []\n",
        false},
       {"lower case compared exactly",
        "containers:\n- name: a\n  securityContext:\n    capabilities:\n      add: [chown]\n",
        false}});
}

TEST(PssBaseline, HostPathVolumes) {
  ExpectVerdicts(
      "pss-host-path-volumes",
      {{"emptyDir", "volumes:\n- name: v\n  emptyDir: {}\ncontainers: []\n", true},
       {"hostPath", "volumes:\n- name: v\n  hostPath:\n    path: /etc\ncontainers: []\n", false}});
}

TEST(PssBaseline, HostPorts) {
  ExpectVerdicts(
      "pss-host-ports",
      {{"container port only", "containers:\n- name: a\n  ports:\n  - containerPort: 80\n", true},
       {"hostPort 0", "containers:\n- name: a\n  ports:\n  - containerPort: 80\n    hostPort: 0\n",
        true},
       {"hostPort 8080",
        "containers:\n- name: a\n  ports:\n  - containerPort: 80\n    hostPort: 8080\n", false}});
}

TEST(PssBaseline, AppArmorFieldsAndAnnotations) {
  ExpectVerdicts(
      "pss-apparmor",
      {{"unset", kPlainContainer, true},
       {"pod RuntimeDefault",
        "securityContext:\n  appArmorProfile:\n    type: RuntimeDefault\ncontainers: []\n", true},
       {"container Localhost",
        "containers:\n- name: a\n  securityContext:\n    appArmorProfile:\n      type: Localhost\n"
        "      localhostProfile: p\n",
        true},
       {"pod Unconfined",
        "securityContext:\n  appArmorProfile:\n    type: Unconfined\ncontainers: []\n", false},
       {"container Unconfined",
        "containers:\n- name: a\n  securityContext:\n    appArmorProfile:\n      type: "
        "Unconfined\n",
        false},
       {"annotation runtime/default", kPlainContainer, true,
        "annotations:\n  container.apparmor.security.beta.kubernetes.io/app: runtime/default\n"},
       {"annotation localhost", kPlainContainer, true,
        "annotations:\n  container.apparmor.security.beta.kubernetes.io/app: localhost/p\n"},
       {"annotation unconfined", kPlainContainer, false,
        "annotations:\n  container.apparmor.security.beta.kubernetes.io/app: unconfined\n"}});
}

TEST(PssBaseline, SelinuxTypesUsersAndRoles) {
  ExpectVerdicts(
      "pss-selinux",
      {{"unset", kPlainContainer, true},
       {"container_t",
        "securityContext:\n  seLinuxOptions:\n    type: container_t\ncontainers: []\n", true},
       {"container_engine_t",
        "containers:\n- name: a\n  securityContext:\n    seLinuxOptions:\n      type: "
        "container_engine_t\n",
        true},
       {"level only", "securityContext:\n  seLinuxOptions:\n    level: s0:c1\ncontainers: []\n",
        true},
       {"spc_t", "securityContext:\n  seLinuxOptions:\n    type: spc_t\ncontainers: []\n", false},
       {"user", "containers:\n- name: a\n  securityContext:\n    seLinuxOptions:\n      user: u\n",
        false},
       {"role", "containers:\n- name: a\n  securityContext:\n    seLinuxOptions:\n      role: r\n",
        false}});
}

TEST(PssBaseline, ProcMountAndUserNamespaces) {
  const std::string_view unmasked =
      "containers:\n- name: a\n  securityContext:\n    procMount: Unmasked\n";
  const std::string_view unmasked_userns =
      "hostUsers: false\ncontainers:\n- name: a\n  securityContext:\n    procMount: Unmasked\n";
  ExpectVerdicts(
      "pss-proc-mount",
      {{"unset", kPlainContainer, true},
       {"Default", "containers:\n- name: a\n  securityContext:\n    procMount: Default\n", true},
       {"Unmasked", unmasked, false},
       {"Unmasked in a user namespace", unmasked_userns, true}});
  ExpectVerdicts(
      "pss-proc-mount-restricted",
      {{"Unmasked", unmasked, false}, {"Unmasked in a user namespace", unmasked_userns, false}});
}

TEST(PssBaseline, SeccompNotUnconfined) {
  ExpectVerdicts(
      "pss-seccomp-baseline",
      {{"unset", kPlainContainer, true},
       {"RuntimeDefault",
        "securityContext:\n  seccompProfile:\n    type: RuntimeDefault\ncontainers: []\n", true},
       {"pod Unconfined",
        "securityContext:\n  seccompProfile:\n    type: Unconfined\ncontainers: []\n", false},
       {"container Unconfined",
        "containers:\n- name: a\n  securityContext:\n    seccompProfile:\n      type: Unconfined\n",
        false}});
}

TEST(PssBaseline, SysctlsOnlySafeSet) {
  ExpectVerdicts("pss-sysctls",
                 {{"unset", kPlainContainer, true},
                  {"safe",
                   "securityContext:\n  sysctls:\n  - name: net.ipv4.ip_local_port_range\n"
                   "    value: 1024 65535\n  - name: net.ipv4.tcp_keepalive_time\n    value: '60'\n"
                   "  - name: net.ipv4.tcp_rmem\n    value: 4096 87380 16777216\ncontainers: []\n",
                   true},
                  {"unsafe",
                   "securityContext:\n  sysctls:\n  - name: kernel.msgmax\n    value: '65536'\n"
                   "containers: []\n",
                   false}});
}

TEST(PssBaseline, WindowsHostProcess) {
  ExpectVerdicts(
      "pss-windows-host-process",
      {{"unset", kPlainContainer, true},
       {"pod", "securityContext:\n  windowsOptions:\n    hostProcess: true\ncontainers: []\n",
        false},
       {"container false",
        "containers:\n- name: a\n  securityContext:\n    windowsOptions:\n      hostProcess: "
        "false\n",
        true},
       {"container",
        "containers:\n- name: a\n  securityContext:\n    windowsOptions:\n"
        "      hostProcess: true\n",
        false}});
}

TEST(PssBaseline, HostInProbesAndLifecycle) {
  ExpectVerdicts(
      "pss-host-probes",
      {{"probe on the pod",
        "containers:\n- name: a\n  livenessProbe:\n    httpGet:\n      port: 80\n", true},
       {"empty host",
        "containers:\n- name: a\n  readinessProbe:\n    tcpSocket:\n      host: ''\n      port: "
        "80\n",
        true},
       {"probe host",
        "containers:\n- name: a\n  startupProbe:\n    httpGet:\n      host: 10.0.0.1\n"
        "      port: 80\n",
        false},
       {"lifecycle host",
        "containers:\n- name: a\n  lifecycle:\n    preStop:\n      tcpSocket:\n        host: db\n"
        "        port: 5432\n",
        false}});
}

TEST(PssRestricted, VolumeTypes) {
  ExpectVerdicts(
      "pss-restricted-volumes",
      {{"allowed",
        "volumes:\n- name: a\n  configMap: {name: c}\n- name: b\n  secret: {secretName: "
        "s}\n- name: c\n  persistentVolumeClaim: {claimName: p}\n- name: d\n  projected: "
        "{sources: []}\n- name: e\n  image: {reference: r}\n- name: f\n  csi: {driver: "
        "d}\ncontainers: []\n",
        true},
       {"name only (defaulted to emptyDir)", "volumes:\n- name: scratch\ncontainers: []\n", true},
       {"null source", "volumes:\n- name: scratch\n  hostPath: null\ncontainers: []\n", true},
       {"nfs", "volumes:\n- name: n\n  nfs: {server: s, path: /}\ncontainers: []\n", false},
       {"hostPath", "volumes:\n- name: h\n  hostPath: {path: /}\ncontainers: []\n", false}});
}

TEST(PssRestricted, PrivilegeEscalationMustBeFalse) {
  ExpectVerdicts(
      "pss-allow-privilege-escalation",
      {{"false",
        "containers:\n- name: a\n  securityContext:\n    allowPrivilegeEscalation: false\n", true},
       {"unset", kPlainContainer, false},
       {"true", "containers:\n- name: a\n  securityContext:\n    allowPrivilegeEscalation: true\n",
        false},
       {"unset on a Windows pod", "os:\n  name: windows\ncontainers:\n- name: a\n", true}});
}

TEST(PssRestricted, RunAsNonRootWithPodInheritance) {
  ExpectVerdicts(
      "pss-run-as-non-root",
      {{"pod true", "securityContext:\n  runAsNonRoot: true\ncontainers:\n- name: a\n", true},
       {"every container true",
        "containers:\n- name: a\n  securityContext:\n    runAsNonRoot: true\n", true},
       {"unset", kPlainContainer, false},
       {"pod true, container false",
        "securityContext:\n  runAsNonRoot: true\ncontainers:\n- name: a\n  securityContext:\n"
        "    runAsNonRoot: false\n",
        false},
       {"pod false, containers true",
        "securityContext:\n  runAsNonRoot: false\ncontainers:\n- name: a\n  securityContext:\n"
        "    runAsNonRoot: true\n",
        false},
       {"init container uncovered",
        "initContainers:\n- name: i\ncontainers:\n- name: a\n  securityContext:\n"
        "    runAsNonRoot: true\n",
        false},
       {"user namespace", "hostUsers: false\ncontainers:\n- name: a\n", true}});
}

TEST(PssRestricted, RunAsUserNotZero) {
  ExpectVerdicts(
      "pss-run-as-user",
      {{"unset", kPlainContainer, true},
       {"1000", "securityContext:\n  runAsUser: 1000\ncontainers: []\n", true},
       {"pod 0", "securityContext:\n  runAsUser: 0\ncontainers: []\n", false},
       {"container 0", "containers:\n- name: a\n  securityContext:\n    runAsUser: 0\n", false},
       {"hex zero", "containers:\n- name: a\n  securityContext:\n    runAsUser: 0x0\n", false},
       {"user namespace",
        "hostUsers: false\ncontainers:\n- name: a\n  securityContext:\n    runAsUser: 0\n", true}});
}

TEST(PssRestricted, SeccompWithPodInheritance) {
  ExpectVerdicts(
      "pss-seccomp-restricted",
      {{"pod RuntimeDefault",
        "securityContext:\n  seccompProfile:\n    type: RuntimeDefault\ncontainers:\n- name: a\n",
        true},
       {"container Localhost",
        "containers:\n- name: a\n  securityContext:\n    seccompProfile:\n      type: Localhost\n"
        "      localhostProfile: p.json\n",
        true},
       {"unset", kPlainContainer, false},
       {"pod RuntimeDefault, container Unconfined",
        "securityContext:\n  seccompProfile:\n    type: RuntimeDefault\ncontainers:\n- name: a\n"
        "  securityContext:\n    seccompProfile:\n      type: Unconfined\n",
        false},
       {"Windows pod", "os:\n  name: windows\ncontainers:\n- name: a\n", true}});
}

TEST(PssRestricted, CapabilitiesDropAll) {
  ExpectVerdicts(
      "pss-capabilities-restricted",
      {{"drop ALL",
        "containers:\n- name: a\n  securityContext:\n    capabilities:\n"
        "      drop: [ALL]\n",
        true},
       {"drop ALL, add NET_BIND_SERVICE",
        "containers:\n- name: a\n  securityContext:\n    capabilities:\n      drop: [ALL]\n"
        "      add: [NET_BIND_SERVICE]\n",
        true},
       {"no securityContext", kPlainContainer, false},
       {"drop all in lower case",
        "containers:\n- name: a\n  securityContext:\n    capabilities:\n      drop: [all]\n",
        false},
       {"add CHOWN",
        "containers:\n- name: a\n  securityContext:\n    capabilities:\n"
        "      drop: [ALL]\n      add: [CHOWN]\n",
        false},
       {"Windows pod", "os:\n  name: windows\ncontainers:\n- name: a\n", true}});
}

// Every automatic fix, applied to the tree, makes its check pass.
TEST(PssPatches, FixFailingPods) {
  struct PatchCase {
    std::string_view check;
    std::string_view spec;
    std::string_view metadata = "";
  };
  const std::vector<PatchCase> cases = {
      {"pss-privileged", "containers:\n- name: a\n  securityContext:\n    privileged: true\n"},
      {"pss-apparmor",
       "securityContext:\n  appArmorProfile:\n    type: Unconfined\ncontainers:\n- name: a\n",
       "annotations:\n  container.apparmor.security.beta.kubernetes.io/a: unconfined\n"},
      {"pss-proc-mount", "containers:\n- name: a\n  securityContext:\n    procMount: Unmasked\n"},
      {"pss-seccomp-baseline",
       "containers:\n- name: a\n  securityContext:\n    seccompProfile:\n      type: Unconfined\n"},
      {"pss-allow-privilege-escalation",
       "initContainers:\n- name: i\ncontainers:\n- name: a\n  securityContext:\n"
       "    allowPrivilegeEscalation: true\n"},
      {"pss-run-as-non-root",
       "securityContext:\n  runAsNonRoot: false\ncontainers:\n- name: a\n  securityContext:\n"
       "    runAsNonRoot: false\n- name: b\n"},
      {"pss-seccomp-restricted",
       "containers:\n- name: a\n  securityContext:\n    seccompProfile:\n      type: Unconfined\n"
       "- name: b\n"},
      {"pss-capabilities-restricted",
       "containers:\n- name: a\n  securityContext:\n    capabilities:\n      drop: [all]\n"
       "- name: b\n- name: c\n  securityContext:\n    capabilities:\n      drop: [NET_RAW]\n"},
  };
  for (const PatchCase& patch_case : cases) {
    const auto after = RunCheckAfterPatches(
        patch_case.check, PodWithSpec(patch_case.spec, patch_case.metadata), "pod");
    ASSERT_TRUE(after.has_value()) << patch_case.check;
    EXPECT_TRUE(after->passed) << patch_case.check << ": " << after->detail;
  }
}

TEST(PssPatches, NoneWhenFixNeedsPerson) {
  const auto caps = RunCheck("pss-capabilities-restricted",
                             PodWithSpec("containers:\n- name: a\n  securityContext:\n"
                                         "    capabilities:\n      add: [SYS_ADMIN]\n"),
                             "pod");
  ASSERT_TRUE(caps.has_value());
  EXPECT_FALSE(caps->passed);
  EXPECT_TRUE(caps->patches.empty());
  const auto user = RunCheck(
      "pss-run-as-user", PodWithSpec("securityContext:\n  runAsUser: 0\ncontainers: []\n"), "pod");
  ASSERT_TRUE(user.has_value());
  EXPECT_FALSE(user->passed);
  EXPECT_TRUE(user->patches.empty());
}

TEST(PssPatches, RenameMiscasedDropAllInPlace) {
  const auto outcome = RunCheck("pss-capabilities-restricted",
                                PodWithSpec("containers:\n- name: a\n  securityContext:\n"
                                            "    capabilities:\n      drop: [all]\n"),
                                "pod");
  ASSERT_TRUE(outcome.has_value());
  ASSERT_EQ(outcome->patches.size(), 1u);
  EXPECT_EQ(outcome->patches[0].ToString(),
            "spec.containers[name=a].securityContext.capabilities.drop[0] = ALL");
}

TEST(PssWorkloads, ReadPodTemplatesOfEveryKind) {
  const std::string_view privileged_spec =
      "      containers:\n      - name: a\n        securityContext:\n          privileged: true\n";
  for (std::string_view kind : {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}) {
    const std::string yaml = "apiVersion: apps/v1\nkind: " + std::string(kind) +
                             "\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n" +
                             std::string(privileged_spec.substr(0));
    const auto outcome = RunCheck("pss-privileged", yaml, "w");
    ASSERT_TRUE(outcome.has_value()) << kind;
    EXPECT_FALSE(outcome->passed) << kind;
    ASSERT_EQ(outcome->patches.size(), 1u) << kind;
    EXPECT_EQ(outcome->patches[0].path,
              "spec.template.spec.containers[name=a].securityContext.privileged")
        << kind;
  }
  const std::string cronjob =
      "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: '* * * * *'\n"
      "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n"
      "          - name: a\n            securityContext:\n              privileged: true\n";
  const auto outcome = RunCheck("pss-privileged", cronjob, "c");
  ASSERT_TRUE(outcome.has_value());
  EXPECT_FALSE(outcome->passed);
  EXPECT_EQ(outcome->line, 14u);
  ASSERT_EQ(outcome->patches.size(), 1u);
  EXPECT_EQ(outcome->patches[0].path,
            "spec.jobTemplate.spec.template.spec.containers[name=a].securityContext.privileged");
}

// Pod Security admission checks PodTemplate objects too; their pod spec is at template.spec.
TEST(PssWorkloads, ReadPodTemplateObject) {
  const std::string yaml =
      "apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: pt\ntemplate:\n  spec:\n"
      "    containers:\n    - name: a\n      securityContext:\n        privileged: true\n";
  const auto outcome = RunCheck("pss-privileged", yaml, "pt");
  ASSERT_TRUE(outcome.has_value());
  EXPECT_FALSE(outcome->passed);
  EXPECT_EQ(outcome->line, 10u);
  ASSERT_EQ(outcome->patches.size(), 1u);
  EXPECT_EQ(outcome->patches[0].path,
            "template.spec.containers[name=a].securityContext.privileged");
}

}  // namespace
}  // namespace rampart::posture
