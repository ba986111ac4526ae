// CIS Kubernetes Benchmark section 5 checks and the image, resource and password checks.
#include <gtest/gtest.h>

#include "posture/check_test_util.h"

namespace rampart::posture {
namespace {

using testing::PodWithSpec;
using testing::RunCheck;
using testing::RunCheckAfterPatches;

std::string Role(std::string_view rules) {
  return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n"
         "  namespace: app\nrules:\n" +
         std::string(rules);
}

bool Passes(std::string_view check, const std::string& yaml, std::string_view name) {
  const auto outcome = RunCheck(check, yaml, name);
  EXPECT_TRUE(outcome.has_value()) << check << " gave no result for " << name;
  return outcome.has_value() && outcome->passed;
}

TEST(CisRbac, SecretsWildcardsPodsAndEscalation) {
  const std::string read_secrets =
      Role("- apiGroups: ['']\n  resources: [secrets]\n  verbs: [get, list]\n");
  const std::string read_configmaps =
      Role("- apiGroups: ['']\n  resources: [configmaps]\n  verbs: [get]\n");
  const std::string wildcard = Role("- apiGroups: ['*']\n  resources: ['*']\n  verbs: ['*']\n");
  const std::string create_pods =
      Role("- apiGroups: ['']\n  resources: [pods]\n  verbs: [create]\n");
  const std::string bind =
      Role("- apiGroups: [rbac.authorization.k8s.io]\n  resources: [roles]\n  verbs: [bind]\n");

  EXPECT_FALSE(Passes("cis-rbac-secrets", read_secrets, "r"));
  EXPECT_TRUE(Passes("cis-rbac-secrets", read_configmaps, "r"));
  EXPECT_FALSE(Passes("cis-rbac-secrets", wildcard, "r"));
  EXPECT_FALSE(Passes("cis-rbac-wildcards", wildcard, "r"));
  EXPECT_TRUE(Passes("cis-rbac-wildcards", read_secrets, "r"));
  EXPECT_FALSE(Passes("cis-rbac-create-pods", create_pods, "r"));
  EXPECT_TRUE(Passes("cis-rbac-create-pods", read_secrets, "r"));
  EXPECT_FALSE(Passes("cis-rbac-bind-escalate", bind, "r"));
  EXPECT_FALSE(Passes("cis-rbac-bind-escalate", wildcard, "r"));
  EXPECT_TRUE(Passes("cis-rbac-bind-escalate", create_pods, "r"));
}

TEST(CisRbac, RoleWithoutRulesNotApplicable) {
  const std::string aggregated =
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: agg\n"
      "aggregationRule:\n  clusterRoleSelectors: []\n";
  EXPECT_FALSE(RunCheck("cis-rbac-wildcards", aggregated, "agg").has_value());
}

TEST(CisRbac, ClusterAdminBindings) {
  const std::string binding =
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n"
      "  name: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n"
      "  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: deployer\n"
      "  namespace: ci\n";
  const std::string built_in =
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n"
      "  name: cluster-admin\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n"
      "  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: Group\n"
      "  name: system:masters\n  apiGroup: rbac.authorization.k8s.io\n";
  const std::string view =
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: v\n"
      "  namespace: app\nroleRef:\n  kind: ClusterRole\n  name: view\nsubjects: []\n";
  EXPECT_FALSE(Passes("cis-cluster-admin-binding", binding, "ci"));
  EXPECT_TRUE(Passes("cis-cluster-admin-binding", built_in, "cluster-admin"));
  EXPECT_TRUE(Passes("cis-cluster-admin-binding", view, "v"));
}

TEST(CisServiceAccounts, DefaultAccountAndTokens) {
  const std::string uses_default = PodWithSpec("containers:\n- name: a\n");
  const std::string named_default = PodWithSpec("serviceAccountName: default\ncontainers: []\n");
  const std::string own = PodWithSpec("serviceAccountName: web\ncontainers: []\n");
  EXPECT_FALSE(Passes("cis-default-service-account", uses_default, "pod"));
  EXPECT_FALSE(Passes("cis-default-service-account", named_default, "pod"));
  EXPECT_TRUE(Passes("cis-default-service-account", own, "pod"));

  const std::string pod_off = PodWithSpec("automountServiceAccountToken: false\ncontainers: []\n");
  const std::string account_off =
      own +
      "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n"
      "  namespace: app\nautomountServiceAccountToken: false\n";
  const std::string account_off_elsewhere =
      own +
      "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n"
      "  namespace: other\nautomountServiceAccountToken: false\n";
  EXPECT_TRUE(Passes("cis-token-automount", pod_off, "pod"));
  EXPECT_TRUE(Passes("cis-token-automount", account_off, "pod"));
  EXPECT_FALSE(Passes("cis-token-automount", account_off_elsewhere, "pod"));
  EXPECT_FALSE(Passes("cis-token-automount", own, "pod"));
  const auto after = RunCheckAfterPatches("cis-token-automount", own, "pod");
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->passed);

  const std::string default_account =
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: app\n";
  EXPECT_FALSE(Passes("cis-default-service-account-automount", default_account, "default"));
  const auto fixed =
      RunCheckAfterPatches("cis-default-service-account-automount", default_account, "default");
  ASSERT_TRUE(fixed.has_value());
  EXPECT_TRUE(fixed->passed);
  EXPECT_FALSE(RunCheck("cis-default-service-account-automount", account_off, "web").has_value());
}

TEST(CisNamespaces, NetworkPolicyPerNamespace) {
  const std::string yaml =
      PodWithSpec("containers: []\n") +
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: other\n"
      "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n"
      "  namespace: app\nspec:\n  podSelector: {}\n";
  EXPECT_TRUE(Passes("cis-network-policy", yaml, "app"));
  EXPECT_FALSE(Passes("cis-network-policy", yaml, "other"));
}

TEST(CisNamespaces, DefaultNamespaceUse) {
  const std::string yaml =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: implicit\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: explicit\n  namespace: default\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: app\n---\n"
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n";
  EXPECT_FALSE(Passes("cis-default-namespace", yaml, "implicit"));
  EXPECT_FALSE(Passes("cis-default-namespace", yaml, "explicit"));
  EXPECT_TRUE(Passes("cis-default-namespace", yaml, "app"));
}

TEST(CisWorkloads, SecretsAsEnvAndSecurityContext) {
  const std::string env_secret = PodWithSpec(
      "containers:\n- name: a\n  env:\n  - name: TOKEN\n    valueFrom:\n      secretKeyRef:\n"
      "        name: s\n        key: k\n");
  const std::string env_from_secret =
      PodWithSpec("containers:\n- name: a\n  envFrom:\n  - secretRef:\n      name: s\n");
  const std::string volume_secret =
      PodWithSpec("volumes:\n- name: s\n  secret:\n    secretName: s\ncontainers:\n- name: a\n");
  EXPECT_FALSE(Passes("cis-secrets-as-env", env_secret, "pod"));
  EXPECT_FALSE(Passes("cis-secrets-as-env", env_from_secret, "pod"));
  EXPECT_TRUE(Passes("cis-secrets-as-env", volume_secret, "pod"));

  const std::string both = PodWithSpec(
      "securityContext:\n  runAsNonRoot: true\ncontainers:\n- name: a\n  securityContext:\n"
      "    readOnlyRootFilesystem: true\n");
  const std::string pod_only =
      PodWithSpec("securityContext:\n  runAsNonRoot: true\ncontainers:\n- name: a\n");
  EXPECT_TRUE(Passes("cis-security-context", both, "pod"));
  EXPECT_FALSE(Passes("cis-security-context", pod_only, "pod"));
}

TEST(CisWorkloads, NetRawAndAddedCapabilities) {
  const std::string drop_all = PodWithSpec(
      "containers:\n- name: a\n  securityContext:\n    capabilities:\n      drop: [all]\n");
  const std::string drop_net_raw = PodWithSpec(
      "containers:\n- name: a\n  securityContext:\n    capabilities:\n      drop: [NET_RAW]\n");
  const std::string keeps = PodWithSpec("containers:\n- name: a\n");
  const std::string adds = PodWithSpec(
      "containers:\n- name: a\n  securityContext:\n    capabilities:\n      drop: [ALL]\n"
      "      add: [NET_RAW]\n");
  EXPECT_TRUE(Passes("cis-net-raw", drop_all, "pod"));
  EXPECT_TRUE(Passes("cis-net-raw", drop_net_raw, "pod"));
  EXPECT_FALSE(Passes("cis-net-raw", keeps, "pod"));
  EXPECT_FALSE(Passes("cis-net-raw", adds, "pod"));
  const auto fixed = RunCheckAfterPatches("cis-net-raw", keeps, "pod");
  ASSERT_TRUE(fixed.has_value());
  EXPECT_TRUE(fixed->passed);
  EXPECT_TRUE(RunCheck("cis-net-raw", adds, "pod")->patches.empty());

  EXPECT_TRUE(Passes("cis-added-capabilities", drop_all, "pod"));
  EXPECT_FALSE(Passes("cis-added-capabilities", adds, "pod"));
}

TEST(Images, TagsAndDigests) {
  struct ImageCase {
    std::string_view image;
    bool tag_passes;
    bool digest_passes;
  };
  const std::vector<ImageCase> cases = {
      {"nginx", false, false},
      {"nginx:latest", false, false},
      {"registry:5000/team/nginx", false, false},
      {"registry:5000/team/nginx:1.25", true, false},
      {"nginx:1.25@sha256:0123", true, true},
      {"nginx@sha256:0123", true, true},
      {"nginx:latest@sha256:0123", true, true},
  };
  for (const ImageCase& image_case : cases) {
    const std::string yaml =
        PodWithSpec("containers:\n- name: a\n  image: " + std::string(image_case.image) + "\n");
    EXPECT_EQ(Passes("image-latest-tag", yaml, "pod"), image_case.tag_passes) << image_case.image;
    EXPECT_EQ(Passes("image-digest", yaml, "pod"), image_case.digest_passes) << image_case.image;
  }
}

TEST(Resources, RequestsAndLimits) {
  const std::string complete = PodWithSpec(
      "containers:\n- name: a\n  resources:\n    requests: {cpu: 100m, memory: 64Mi}\n"
      "    limits: {cpu: 200m, memory: 128Mi}\n");
  const std::string no_limits = PodWithSpec(
      "containers:\n- name: a\n  resources:\n    requests: {cpu: 100m, memory: 64Mi}\n");
  const std::string init_without = PodWithSpec(
      "initContainers:\n- name: i\ncontainers:\n- name: a\n  resources:\n"
      "    requests: {cpu: 100m, memory: 64Mi}\n    limits: {cpu: 200m, memory: 128Mi}\n");
  EXPECT_TRUE(Passes("resource-limits", complete, "pod"));
  EXPECT_FALSE(Passes("resource-limits", no_limits, "pod"));
  EXPECT_FALSE(Passes("resource-limits", init_without, "pod"));
  EXPECT_TRUE(RunCheck("resource-limits", no_limits, "pod")->patches.empty());
}

TEST(Passwords, ConfigMapsAndEnvironment) {
  const std::string config_maps =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n  namespace: app\ndata:\n"
      "  DB_PASSWORD: hunter2\n  DB_USER: admin\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: url\n  namespace: app\ndata:\n"
      "  DATABASE_URI: postgresql://admin:hunter2@db:5432/app\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  namespace: app\ndata:\n"
      "  TOKEN_EXPIRY_SECONDS: '3600'\n  PRIVATE_KEY_PATH: /keys/k\n  PASSWORD: ''\n"
      "  JDBC_URL: jdbc:postgresql://db:5432/app\n";
  EXPECT_FALSE(Passes("pci-password-configmap", config_maps, "db"));
  EXPECT_FALSE(Passes("pci-password-configmap", config_maps, "url"));
  EXPECT_TRUE(Passes("pci-password-configmap", config_maps, "plain"));
  const auto outcome = RunCheck("pci-password-configmap", config_maps, "db");
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->detail.find("hunter2"), std::string::npos);

  const std::string literal =
      PodWithSpec("containers:\n- name: a\n  env:\n  - name: dbPassword\n    value: hunter2\n");
  const std::string from_secret = PodWithSpec(
      "containers:\n- name: a\n  env:\n  - name: DB_PASSWORD\n    valueFrom:\n"
      "      secretKeyRef: {name: s, key: k}\n");
  const std::string from_config_map = PodWithSpec(
      "containers:\n- name: a\n  env:\n  - name: DB_PASSWORD\n    valueFrom:\n"
      "      configMapKeyRef: {name: c, key: k}\n");
  const std::string env_from =
      PodWithSpec("containers:\n- name: a\n  envFrom:\n  - configMapRef:\n      name: db\n") +
      "---\n" + config_maps;
  const std::string env_from_plain =
      PodWithSpec("containers:\n- name: a\n  envFrom:\n  - configMapRef:\n      name: plain\n") +
      "---\n" + config_maps;
  EXPECT_FALSE(Passes("pci-password-env", literal, "pod"));
  EXPECT_TRUE(Passes("pci-password-env", from_secret, "pod"));
  EXPECT_FALSE(Passes("pci-password-env", from_config_map, "pod"));
  EXPECT_FALSE(Passes("pci-password-env", env_from, "pod"));
  EXPECT_TRUE(Passes("pci-password-env", env_from_plain, "pod"));
}

}  // namespace
}  // namespace rampart::posture
