// Verdicts on the bank-of-anthos and microservices-demo manifests. Every expectation below was
// written by reading the YAML; the reason for each failure is noted beside it.
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "posture/scanner.h"

namespace rampart::posture {
namespace {

const std::string kSharedData = RAMPART_SHARED_DATA;

using Verdicts = std::map<std::string, bool>;  // check id -> passes

// The checks that run on every workload, all passing.
Verdicts AllWorkloadChecksPass() {
  Verdicts verdicts;
  for (const char* check : {"pss-host-network",
                            "pss-host-pid",
                            "pss-host-ipc",
                            "pss-privileged",
                            "pss-capabilities-baseline",
                            "pss-host-path-volumes",
                            "pss-host-ports",
                            "pss-apparmor",
                            "pss-selinux",
                            "pss-proc-mount",
                            "pss-seccomp-baseline",
                            "pss-sysctls",
                            "pss-windows-host-process",
                            "pss-host-probes",
                            "pss-restricted-volumes",
                            "pss-allow-privilege-escalation",
                            "pss-run-as-non-root",
                            "pss-run-as-user",
                            "pss-seccomp-restricted",
                            "pss-capabilities-restricted",
                            "pss-proc-mount-restricted",
                            "cis-net-raw",
                            "cis-added-capabilities",
                            "cis-security-context",
                            "cis-secrets-as-env",
                            "cis-default-service-account",
                            "cis-token-automount",
                            "cis-default-namespace",
                            "image-latest-tag",
                            "image-digest",
                            "resource-limits",
                            "pci-password-env"}) {
    verdicts[check] = true;
  }
  return verdicts;
}

Verdicts Failing(Verdicts verdicts, std::initializer_list<const char*> failing) {
  for (const char* check : failing) {
    EXPECT_TRUE(verdicts.count(check) > 0) << check << " is not a known check";
    verdicts[check] = false;
  }
  return verdicts;
}

// bank-of-anthos Deployments set runAsNonRoot, runAsUser 1000 and runAsGroup 1000 at pod level
// and allowPrivilegeEscalation: false, privileged: false and capabilities.drop: [all] on the
// container. They set no seccompProfile and no metadata.namespace, and run as service account
// bank-of-anthos, which config.yaml declares without automountServiceAccountToken. Images are
// pinned by tag and digest, and every container sets CPU and memory requests and limits.
Verdicts BankDeployment(std::initializer_list<const char*> more_failing) {
  Verdicts verdicts = Failing(AllWorkloadChecksPass(),
                              {
                                  "pss-seccomp-restricted",       // no seccompProfile
                                  "pss-capabilities-restricted",  // "all" is not "ALL"
                                  "cis-token-automount",          // SA sets no automount
                                  "cis-default-namespace",        // no metadata.namespace
                              });
  return Failing(verdicts, more_failing);
}

// The two bank-of-anthos StatefulSets set no securityContext at all, and set
// serviceAccountName: default (beside the deprecated serviceAccount: bank-of-anthos, which
// serviceAccountName overrides). Their envFrom lists the *-db-config ConfigMap, with
// POSTGRES_PASSWORD, and demo-data-config, with DEMO_LOGIN_PASSWORD.
Verdicts BankDatabase() {
  return Failing(AllWorkloadChecksPass(), {
                                              "pss-allow-privilege-escalation",  // unset
                                              "pss-run-as-non-root",             // unset
                                              "pss-seccomp-restricted",          // unset
                                              "pss-capabilities-restricted",     // no drop
                                              "cis-net-raw",                     // no drop
                                              "cis-security-context",            // none at all
                                              "cis-default-service-account",     // "default"
                                              "cis-token-automount",  // default SA not declared
                                              "cis-default-namespace",
                                              "pci-password-env",  // envFrom *-db-config
                                          });
}

std::map<std::string, Verdicts> BankOfAnthosExpectations() {
  const Verdicts no_checks;
  return {
      {"StatefulSet/default/accounts-db", BankDatabase()},
      {"StatefulSet/default/ledger-db", BankDatabase()},
      // envFrom ledger-db-config: POSTGRES_PASSWORD, SPRING_DATASOURCE_PASSWORD.
      {"Deployment/default/balancereader", BankDeployment({"pci-password-env"})},
      // envFrom accounts-db-config: POSTGRES_PASSWORD and a URI with a password.
      {"Deployment/default/contacts", BankDeployment({"pci-password-env"})},
      // env DEFAULT_PASSWORD comes from configMapKeyRef demo-data-config.
      {"Deployment/default/frontend", BankDeployment({"pci-password-env"})},
      {"Deployment/default/ledgerwriter", BankDeployment({"pci-password-env"})},
      {"Deployment/default/transactionhistory", BankDeployment({"pci-password-env"})},
      // env TOKEN_EXPIRY_SECONDS and PRIV_KEY_PATH are settings, but envFrom
      // accounts-db-config carries passwords.
      {"Deployment/default/userservice", BankDeployment({"pci-password-env"})},
      // serviceAccountName: default; env holds only FRONTEND_ADDR, USERS and LOG_LEVEL.
      {"Deployment/default/loadgenerator", BankDeployment({"cis-default-service-account"})},
      // ConfigMaps: passwords in accounts-db-config (POSTGRES_PASSWORD, ACCOUNTS_DB_URI with
      // accounts-pwd), ledger-db-config and demo-data-config; none in the other two.
      {"ConfigMap/default/accounts-db-config",
       {{"pci-password-configmap", false}, {"cis-default-namespace", false}}},
      {"ConfigMap/default/ledger-db-config",
       {{"pci-password-configmap", false}, {"cis-default-namespace", false}}},
      {"ConfigMap/default/demo-data-config",
       {{"pci-password-configmap", false}, {"cis-default-namespace", false}}},
      {"ConfigMap/default/environment-config",
       {{"pci-password-configmap", true}, {"cis-default-namespace", false}}},
      {"ConfigMap/default/service-api-config",
       {{"pci-password-configmap", true}, {"cis-default-namespace", false}}},
      {"ServiceAccount/default/bank-of-anthos", {{"cis-default-namespace", false}}},
      {"Secret/default/jwt-key", {{"cis-default-namespace", false}}},
      {"Service/default/accounts-db", {{"cis-default-namespace", false}}},
      {"Service/default/balancereader", {{"cis-default-namespace", false}}},
      {"Service/default/contacts", {{"cis-default-namespace", false}}},
      {"Service/default/frontend", {{"cis-default-namespace", false}}},
      {"Service/default/ledger-db", {{"cis-default-namespace", false}}},
      {"Service/default/ledgerwriter", {{"cis-default-namespace", false}}},
      {"Service/default/transactionhistory", {{"cis-default-namespace", false}}},
      {"Service/default/userservice", {{"cis-default-namespace", false}}},
      // No NetworkPolicy anywhere.
      {"Namespace//default", {{"cis-network-policy", false}}},
  };
}

// microservices-demo Deployments set the same pod-level securityContext as bank-of-anthos and
// capabilities.drop: [ALL] in upper case; they set no seccompProfile and no namespace. Images
// have a version tag but no digest; every Deployment but redis-cart names its own service
// account, declared in the file without automountServiceAccountToken.
Verdicts DemoDeployment(std::initializer_list<const char*> more_failing) {
  Verdicts verdicts = Failing(AllWorkloadChecksPass(), {
                                                           "pss-seccomp-restricted",
                                                           "cis-token-automount",
                                                           "cis-default-namespace",
                                                           "image-digest",
                                                       });
  return Failing(verdicts, more_failing);
}

std::map<std::string, Verdicts> MicroservicesDemoExpectations() {
  std::map<std::string, Verdicts> expected;
  for (const char* name : {"frontend", "adservice", "currencyservice", "cartservice",
                           "recommendationservice", "checkoutservice", "emailservice",
                           "paymentservice", "shippingservice", "productcatalogservice"}) {
    expected[std::string("Deployment/default/") + name] = DemoDeployment({});
  }
  // redis:alpine has the tag "alpine" (not latest) and no digest; no serviceAccountName.
  expected["Deployment/default/redis-cart"] = DemoDeployment({"cis-default-service-account"});
  // The init container frontend-check (busybox pinned by digest) sets no resources.
  expected["Deployment/default/loadgenerator"] = DemoDeployment({"resource-limits"});
  for (const char* name :
       {"frontend", "frontend-external", "adservice", "currencyservice", "cartservice",
        "redis-cart", "recommendationservice", "checkoutservice", "emailservice", "paymentservice",
        "shippingservice", "productcatalogservice"}) {
    expected[std::string("Service/default/") + name] = {{"cis-default-namespace", false}};
  }
  for (const char* name :
       {"frontend", "adservice", "currencyservice", "cartservice", "loadgenerator",
        "recommendationservice", "checkoutservice", "emailservice", "paymentservice",
        "shippingservice", "productcatalogservice"}) {
    expected[std::string("ServiceAccount/default/") + name] = {{"cis-default-namespace", false}};
  }
  expected["Namespace//default"] = {{"cis-network-policy", false}};
  return expected;
}

void ExpectVerdicts(const std::string& folder, const std::map<std::string, Verdicts>& expected) {
  if (!std::filesystem::exists(kSharedData + "/manifests")) {
    GTEST_SKIP() << "../shared/data is absent; the real manifests are not available";
  }
  auto set = LoadManifests(kSharedData + "/manifests/" + folder);
  ASSERT_TRUE(set.has_value()) << set.status().message();
  ASSERT_TRUE(set->errors.empty()) << set->errors[0].message;
  const ScanReport report = ScanManifests(*set);
  EXPECT_TRUE(report.warnings.empty()) << report.warnings[0];

  std::map<std::string, Verdicts> actual;
  for (const CheckResult& result : report.results) {
    actual[result.subject->resource_id][std::string(result.check->id)] = result.outcome.passed;
  }
  std::set<std::string> resources;
  for (const auto& [resource, verdicts] : expected) {
    resources.insert(resource);
  }
  for (const auto& [resource, verdicts] : actual) {
    EXPECT_TRUE(resources.count(resource) > 0) << "unexpected resource " << resource;
  }
  for (const auto& [resource, verdicts] : expected) {
    const auto found = actual.find(resource);
    ASSERT_NE(found, actual.end()) << "no results for " << resource;
    for (const auto& [check, passes] : verdicts) {
      const auto verdict = found->second.find(check);
      ASSERT_NE(verdict, found->second.end()) << resource << ": no result for " << check;
      EXPECT_EQ(verdict->second, passes) << resource << ": " << check;
    }
    EXPECT_EQ(found->second.size(), verdicts.size()) << resource << ": unexpected checks ran";
  }
}

TEST(RealManifests, BankOfAnthosVerdicts) {
  ExpectVerdicts("bank-of-anthos", BankOfAnthosExpectations());
}

TEST(RealManifests, MicroservicesDemoVerdicts) {
  ExpectVerdicts("microservices-demo", MicroservicesDemoExpectations());
}

TEST(RealManifests, RestrictedStandardLeavesOutReplacedChecks) {
  if (!std::filesystem::exists(kSharedData + "/manifests")) {
    GTEST_SKIP() << "../shared/data is absent; the real manifests are not available";
  }
  auto set = LoadManifests(kSharedData + "/manifests/microservices-demo");
  ASSERT_TRUE(set.has_value());
  ScanOptions options;
  options.standard = Standard::kPssRestricted;
  std::set<std::string> checks;
  for (const CheckResult& result : ScanManifests(*set, options).results) {
    checks.insert(std::string(result.check->id));
  }
  EXPECT_EQ(checks.count("pss-privileged"), 1u);
  EXPECT_EQ(checks.count("pss-run-as-non-root"), 1u);
  EXPECT_EQ(checks.count("pss-host-path-volumes"), 0u);
  EXPECT_EQ(checks.count("pss-capabilities-baseline"), 0u);
  EXPECT_EQ(checks.count("pss-seccomp-baseline"), 0u);
  EXPECT_EQ(checks.count("pss-proc-mount"), 0u);
  EXPECT_EQ(checks.count("cis-default-namespace"), 0u);
  EXPECT_EQ(checks.count("image-digest"), 0u);
}

}  // namespace
}  // namespace rampart::posture
