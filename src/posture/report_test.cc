#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "finding/validate.h"
#include "posture/asff.h"
#include "posture/report.h"

namespace rampart::posture {
namespace {

const std::string kSharedData = RAMPART_SHARED_DATA;

constexpr std::string_view kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.25
        securityContext:
          allowPrivilegeEscalation: true
)";

constexpr std::string_view kFixedDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.25
        securityContext:
          allowPrivilegeEscalation: false
)";

FakeClock& TestClock() {
  static FakeClock clock(FromUnixMicros(1'780'000'000'000'000));
  return clock;
}

FindingOptions TestOptions() {
  FindingOptions options;
  options.aws_account_id = "123456789012";
  options.region = "eu-west-1";
  options.clock = &TestClock();
  return options;
}

const Json* FindingFor(const std::vector<Json>& findings, std::string_view check) {
  for (const Json& finding : findings) {
    if (finding["Compliance"]["SecurityControlId"] == check) {
      return &finding;
    }
  }
  return nullptr;
}

std::vector<Json> ScanText(std::string_view text, ManifestSet& set) {
  LoadManifestText(text, "apps/web.yaml", set);
  return ToAsffFindings(ScanManifests(set), TestOptions());
}

TEST(AsffFindings, DescribeWorkloadAndCompliance) {
  ManifestSet set;
  const std::vector<Json> findings = ScanText(kDeployment, set);
  const Json* finding = FindingFor(findings, "pss-allow-privilege-escalation");
  ASSERT_NE(finding, nullptr);
  EXPECT_TRUE(finding::ValidateFinding(*finding).empty())
      << finding::DescribeProblems(*finding, finding::ValidateFinding(*finding));
  EXPECT_EQ((*finding)["Id"], "rampart/posture/pss-allow-privilege-escalation/Deployment/shop/web");
  EXPECT_EQ((*finding)["ProductArn"], "arn:aws:securityhub:eu-west-1::product/rampart/posture");
  EXPECT_EQ((*finding)["AwsAccountId"], "123456789012");
  EXPECT_EQ((*finding)["Compliance"]["Status"], "FAILED");
  EXPECT_EQ((*finding)["Severity"]["Label"], "MEDIUM");
  const Json& requirements = (*finding)["Compliance"]["RelatedRequirements"];
  EXPECT_NE(
      std::find(requirements.begin(), requirements.end(), "CIS Kubernetes Benchmark v1.10.0/5.2.6"),
      requirements.end());
  EXPECT_NE(
      std::find(requirements.begin(), requirements.end(), "CIS Amazon EKS Benchmark v1.8.0/4.2.5"),
      requirements.end());
  const Json& resource = (*finding)["Resources"][0];
  EXPECT_EQ(resource["Type"], "Other");
  EXPECT_EQ(resource["Id"], "Deployment/shop/web");
  EXPECT_EQ(resource["Details"]["Other"]["File"], "apps/web.yaml");
  EXPECT_EQ(resource["Details"]["Other"]["Line"], "1");
  EXPECT_EQ((*finding)["ProductFields"]["rampart/posture/Line"], "13");
  EXPECT_EQ((*finding)["ProductFields"]["rampart/posture/Fix"], "automatic");
}

TEST(AsffFindings, CarryFieldPatchesAsJson) {
  ManifestSet set;
  const std::vector<Json> findings = ScanText(kDeployment, set);
  const Json* finding = FindingFor(findings, "pss-allow-privilege-escalation");
  ASSERT_NE(finding, nullptr);
  const Json patches =
      Json::parse((*finding)["ProductFields"]["rampart/posture/FieldPatches"].get<std::string>());
  ASSERT_EQ(patches.size(), 1u);
  auto patch = FieldPatch::FromJson(patches[0]);
  ASSERT_TRUE(patch.has_value());
  EXPECT_EQ(patch->ToString(),
            "spec.template.spec.containers[name=app].securityContext.allowPrivilegeEscalation = "
            "false");
}

TEST(AsffFindings, FixedManifestFlipsSameIdToPassed) {
  ManifestSet before_set;
  ManifestSet after_set;
  const std::vector<Json> before = ScanText(kDeployment, before_set);
  const std::vector<Json> after = ScanText(kFixedDeployment, after_set);
  ASSERT_EQ(before.size(), after.size());
  const Json* failed = FindingFor(before, "pss-allow-privilege-escalation");
  const Json* passed = FindingFor(after, "pss-allow-privilege-escalation");
  ASSERT_NE(failed, nullptr);
  ASSERT_NE(passed, nullptr);
  EXPECT_EQ((*failed)["Id"], (*passed)["Id"]);
  EXPECT_EQ((*passed)["Compliance"]["Status"], "PASSED");
  EXPECT_EQ((*passed)["Severity"]["Label"], "INFORMATIONAL");
  EXPECT_EQ((*passed)["Severity"]["Original"], "MEDIUM");
  EXPECT_FALSE((*passed)["ProductFields"].contains("rampart/posture/FieldPatches"));
}

TEST(AsffFindings, IdsUniquePerCheckAndResource) {
  if (!std::filesystem::exists(kSharedData + "/manifests")) {
    GTEST_SKIP() << "../shared/data is absent; the real manifests are not available";
  }
  auto set = LoadManifests(kSharedData + "/manifests");
  ASSERT_TRUE(set.has_value());
  const std::vector<Json> findings = ToAsffFindings(ScanManifests(*set), TestOptions());
  std::set<std::string> ids;
  for (const Json& finding : findings) {
    const auto problems = finding::ValidateFinding(finding);
    EXPECT_TRUE(problems.empty()) << finding::DescribeProblems(finding, problems);
    EXPECT_TRUE(ids.insert(finding["Id"].get<std::string>()).second) << finding["Id"];
  }
  EXPECT_GT(findings.size(), 500u);
}

TEST(Sarif, ListsFailuresWithRulesAndLines) {
  ManifestSet set;
  LoadManifestText(kDeployment, "apps/web.yaml", set);
  LoadManifestText("apiVersion: v1\nkind: Pod\nmetadata: [\n", "apps/broken.yaml", set);
  const ScanReport report = ScanManifests(set);
  const Json sarif = ToSarif(report, set, "0.1.0");
  EXPECT_EQ(sarif["version"], "2.1.0");
  const Json& run = sarif["runs"][0];
  std::size_t failed = 0;
  for (const CheckResult& result : report.results) {
    failed += result.outcome.passed ? 0 : 1;
  }
  ASSERT_EQ(run["results"].size(), failed);
  for (const Json& result : run["results"]) {
    const Json& rule = run["tool"]["driver"]["rules"][result["ruleIndex"].get<std::size_t>()];
    EXPECT_EQ(rule["id"], result["ruleId"]);
    EXPECT_EQ(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              "apps/web.yaml");
  }
  const Json& notification = run["invocations"][0]["toolExecutionNotifications"][0];
  EXPECT_EQ(notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "apps/broken.yaml");
  EXPECT_FALSE(run["invocations"][0]["executionSuccessful"].get<bool>());
}

TEST(Table, ShowsFailuresAndSummary) {
  ManifestSet set;
  LoadManifestText(kDeployment, "apps/web.yaml", set);
  const ScanReport report = ScanManifests(set);
  const std::string table = FormatTable(report, set);
  EXPECT_NE(table.find("pss-allow-privilege-escalation"), std::string::npos);
  EXPECT_NE(table.find("apps/web.yaml:13"), std::string::npos);
  EXPECT_NE(table.find("failed"), std::string::npos);
  EXPECT_EQ(table.find("PASSED"), std::string::npos);
}

TEST(Table, ListsKindsNotChecked) {
  ManifestSet set;
  LoadManifestText(std::string(kDeployment) +
                       "---\napiVersion: v1\nKind: Deployment\nmetadata: {name: typo}\n---\n"
                       "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\n",
                   "apps/web.yaml", set);
  const std::string table = FormatTable(ScanManifests(set), set);
  EXPECT_NE(table.find("not checked: 2 documents of kinds no check reads: (no kind) (1), "
                       "Ingress (1)\n"),
            std::string::npos)
      << table;
  EXPECT_EQ(table.find("nothing was checked"), std::string::npos) << table;
}

TEST(Table, WarnsWhenNothingChecked) {
  ManifestSet set;
  LoadManifestText("[1, 2, 3]\n", "arr.json", set);
  const std::string table = FormatTable(ScanManifests(set), set);
  EXPECT_NE(table.find("warning: no Kubernetes object of a kind the checks read was found in 0 "
                       "files (1 document), so nothing was checked"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("not checked: 1 document of kinds no check reads: (no kind) (1)"),
            std::string::npos)
      << table;
}

}  // namespace
}  // namespace rampart::posture
