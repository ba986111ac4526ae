#include "remediate/harden_action.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "remediate/testing/test_util.h"

namespace rampart::remediate {
namespace {

class HardenActionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::filesystem::path data = std::filesystem::path(RAMPART_SHARED_DATA) / "manifests";
    if (!std::filesystem::exists(data)) {
      GTEST_SKIP() << "../shared/data is absent, so the real manifests cannot be read";
    }
    repo_ = dir_.path() + "/repo";
    std::filesystem::copy(data, repo_, std::filesystem::copy_options::recursive);
    ASSERT_TRUE(testing::InitGitRepository(repo_).ok());
    context_.allow.repositories = {repo_};
    context_.allow.namespaces = {"default"};
    context_.work_dir = dir_.path();
  }

  ActionRequest Request(Json params, bool dry_run = false) {
    ActionRequest request;
    request.finding = Json::parse(R"({"Id": "posture/ledgerwriter/privilege-escalation",
        "ProductArn": "arn:aws:securityhub:eu-west-1::product/rampart/posture",
        "Resources": [{"Type": "Other", "Id": "Deployment/default/ledgerwriter",
                       "Details": {"Other": {"kind": "Deployment", "name": "ledgerwriter",
                                             "namespace": "default"}}}]})");
    request.params = std::move(params);
    request.dry_run = dry_run;
    request.idempotency_key = "harden-key";
    return request;
  }

  testing::TempDir dir_;
  std::string repo_;
  ActionContext context_;
  std::unique_ptr<Action> action_ = MakeHardenAction();
};

TEST_F(HardenActionTest, FixesOnlyTheFindingsWorkload) {
  auto result = action_->Run(Request({{"repository", repo_}}), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  ASSERT_TRUE(result->changed);
  const std::string branch = result->rollback["branch"];
  auto changed = testing::RunTool({"git", "diff", "--name-only", "main", branch}, repo_);
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(*changed, "bank-of-anthos/ledger-writer.yaml\n");

  auto after =
      testing::RunTool({"git", "show", branch + ":bank-of-anthos/ledger-writer.yaml"}, repo_);
  ASSERT_TRUE(after.has_value());
  bool found = false;
  for (const YAML::Node& document : YAML::LoadAll(*after)) {
    if (document["kind"].as<std::string>() != "Deployment") {
      continue;
    }
    found = true;
    const YAML::Node pod = document["spec"]["template"]["spec"];
    EXPECT_FALSE(pod["automountServiceAccountToken"].as<bool>());
    const YAML::Node context = pod["containers"][0]["securityContext"];
    EXPECT_FALSE(context["allowPrivilegeEscalation"].as<bool>());
    EXPECT_TRUE(context["readOnlyRootFilesystem"].as<bool>());
    // The file drops "all" in lower case, which the restricted profile does not accept.
    const YAML::Node drop = context["capabilities"]["drop"];
    ASSERT_EQ(drop.size(), 2u);
    EXPECT_EQ(drop[0].as<std::string>(), "all");
    EXPECT_EQ(drop[1].as<std::string>(), "ALL");
  }
  EXPECT_TRUE(found);
  EXPECT_NE(result->output.find("ledgerwriter"), std::string::npos) << result->output;
}

TEST_F(HardenActionTest, NamespaceOffAllowListIsDenied) {
  context_.allow.namespaces = {"payments"};
  auto result = action_->Run(Request({{"repository", repo_}}), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(HardenActionTest, UnknownWorkloadIsNotFound) {
  auto result = action_->Run(
      Request({{"repository", repo_}, {"workload", {{"name", "no-such-app"}}}}), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
}

TEST_F(HardenActionTest, DryRunDiffOnly) {
  auto result = action_->Run(
      Request({{"repository", repo_}, {"fixes", {"automountServiceAccountToken"}}}, true),
      context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_FALSE(result->changed);
  EXPECT_NE(result->diff.find("+      automountServiceAccountToken: false\n"), std::string::npos)
      << result->diff;
  auto branches = testing::RunTool({"git", "branch", "--list", "rampart/*"}, repo_);
  ASSERT_TRUE(branches.has_value());
  EXPECT_EQ(*branches, "");
}

TEST_F(HardenActionTest, ValidateRejectsUnknownFix) {
  const Status status = action_->Validate({{"repository", repo_}, {"fixes", {"privileged"}}});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'privileged'"), std::string::npos);
}

}  // namespace
}  // namespace rampart::remediate
