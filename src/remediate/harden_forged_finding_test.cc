// gitops.harden with findings that do not match the manifests: the action runs the posture
// check again and applies its own patches, inside the rule's paths and allowed namespaces.
#include <filesystem>

#include <gtest/gtest.h>

#include "posture/asff.h"
#include "posture/manifest.h"
#include "posture/scanner.h"
#include "remediate/harden_action.h"
#include "remediate/testing/test_util.h"

namespace rampart::remediate {
namespace {

constexpr const char* kPayments =
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: api, namespace: payments}\n"
    "spec:\n"
    "  template:\n"
    "    spec:\n"
    "      containers:\n"
    "      - name: app\n"
    "        image: payments:1\n";

constexpr const char* kPocketbank =
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: accounts, namespace: pocketbank}\n"
    "spec:\n"
    "  template:\n"
    "    spec:\n"
    "      containers:\n"
    "      - name: app\n"
    "        image: accounts:1\n";

class HardenForgedFinding : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = dir_.path() + "/repo";
    testing::WriteText(repo_ + "/apps/payments.yaml", kPayments);
    testing::WriteText(repo_ + "/apps/pocketbank.yaml", kPocketbank);
    ASSERT_TRUE(testing::InitGitRepository(repo_).ok());
    context_.allow.repositories = {repo_};
    context_.allow.namespaces = {"payments"};
    context_.work_dir = dir_.path();
  }

  // Returns the posture finding of check `check_id` on the object of `file`.
  Json FindingFor(const std::string& file, const std::string& check_id) {
    auto set = posture::LoadManifests(repo_);
    EXPECT_TRUE(set.has_value());
    const posture::ScanReport report = posture::ScanManifests(*set);
    for (const posture::CheckResult& result : report.results) {
      if (result.check->id == check_id && result.subject->object->file == file) {
        EXPECT_FALSE(result.outcome.passed) << check_id;
        return posture::ToAsffFinding(result, {});
      }
    }
    ADD_FAILURE() << "no result of " << check_id << " on " << file;
    return Json::object();
  }

  Result<ActionResult> Run(Json finding, Json params) {
    ActionRequest request;
    request.finding = std::move(finding);
    request.params = std::move(params);
    request.idempotency_key = "forged";
    request.dry_run = false;
    return action_->Run(request, context_);
  }

  testing::TempDir dir_;
  std::string repo_;
  ActionContext context_;
  std::unique_ptr<Action> action_ = MakeHardenAction();
};

constexpr const char* kCheck = "pss-allow-privilege-escalation";

TEST_F(HardenForgedFinding, ForgedPatchesAreIgnored) {
  Json finding = FindingFor("apps/payments.yaml", kCheck);
  finding["ProductFields"]["rampart/posture/FieldPatches"] =
      R"([{"op":"set","path":"spec.template.spec.containers[0].image","value":"evil:1"},
          {"op":"set","path":"spec.template.spec.hostPID","value":true}])";
  auto run = Run(finding, {{"repository", repo_}});
  ASSERT_TRUE(run.has_value()) << run.status().ToString();
  ASSERT_TRUE(run->changed);
  const std::string branch = run->rollback["branch"];
  auto text = testing::RunTool({"git", "show", branch + ":apps/payments.yaml"}, repo_);
  ASSERT_TRUE(text.has_value()) << text.status().ToString();
  EXPECT_EQ(text->find("evil"), std::string::npos) << *text;
  EXPECT_EQ(text->find("hostPID"), std::string::npos) << *text;
  EXPECT_NE(text->find("allowPrivilegeEscalation: false"), std::string::npos) << *text;
}

TEST_F(HardenForgedFinding, ClaimedNamespaceDoesNotCount) {
  Json finding = FindingFor("apps/pocketbank.yaml", kCheck);
  finding["Resources"][0]["Details"]["Other"]["Namespace"] = "payments";
  auto run = Run(finding, {{"repository", repo_}});
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(run.status().message().find("namespace 'pocketbank'"), std::string::npos)
      << run.status().message();
}

TEST_F(HardenForgedFinding, FileOutsidePathsIsDenied) {
  const Json finding = FindingFor("apps/payments.yaml", kCheck);
  auto run = Run(finding, {{"repository", repo_}, {"paths", {"deploy"}}});
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(run.status().message().find("outside the rule's paths (deploy)"), std::string::npos)
      << run.status().message();
}

TEST_F(HardenForgedFinding, PassingCheckChangesNothing) {
  Json finding = FindingFor("apps/payments.yaml", kCheck);
  finding["ProductFields"]["rampart/posture/CheckId"] = "pss-host-pid";
  auto run = Run(finding, {{"repository", repo_}});
  ASSERT_TRUE(run.has_value()) << run.status().ToString();
  EXPECT_FALSE(run->changed);
  EXPECT_EQ(run->summary, "apps/payments.yaml already passes pss-host-pid");
}

}  // namespace
}  // namespace rampart::remediate
