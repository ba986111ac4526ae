#include "remediate/bump_image_action.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "remediate/testing/test_util.h"

namespace rampart::remediate {
namespace {

using testing::ReadText;
using testing::RunTool;
using testing::TempDir;
using testing::WriteText;

constexpr const char* kDeployment = R"(# Cache for the payments API.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
spec:
  template:
    spec:
      containers:
        - name: redis
          image: redis:6.0.5 # CVE-2021-32675 fixed in 6.0.14
          ports:
            - containerPort: 6379
)";

Json Finding(const std::string& image) {
  Json finding = Json::parse(R"({"SchemaVersion": "2018-10-08", "Id": "trivy/redis/CVE-2021-32675",
      "ProductArn": "arn:aws:securityhub:eu-west-1::product/aquasecurity/aquasecurity",
      "GeneratorId": "Trivy/CVE-2021-32675",
      "Vulnerabilities": [{"Id": "CVE-2021-32675"}, {"Id": "CVE-2021-32626"}]})");
  finding["Resources"] = Json::array({{{"Type", "Container"}, {"Id", image}}});
  return finding;
}

class BumpImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = dir_.path() + "/repo";
    WriteText(repo_ + "/k8s/cache.yaml", kDeployment);
    WriteText(repo_ + "/README.md", "manifests\n");
    ASSERT_TRUE(testing::InitGitRepository(repo_).ok());
    context_.allow.repositories = {dir_.path() + "/*"};
    context_.work_dir = dir_.path();
    context_.clock = &clock_;
  }

  ActionRequest Request(Json params, bool dry_run = false, std::string image = "redis:6.0.5") {
    ActionRequest request;
    request.finding = Finding(image);
    request.params = std::move(params);
    request.dry_run = dry_run;
    request.idempotency_key = "rule-1/target-0/finding-abc";
    return request;
  }

  std::string Git(std::vector<std::string> args, const std::string& dir = "") {
    args.insert(args.begin(), "git");
    auto out = RunTool(args, dir.empty() ? repo_ : dir);
    EXPECT_TRUE(out.has_value()) << out.status().ToString();
    return out.value_or("");
  }

  TempDir dir_;
  std::string repo_;
  FakeClock clock_{FromUnixMicros(1'780'000'000'000'000)};
  ActionContext context_;
  std::unique_ptr<Action> action_ = MakeBumpImageAction();
};

TEST_F(BumpImageTest, FixedTagCommitsOnOwnBranch) {
  auto result = action_->Run(Request({{"repository", repo_}, {"tag", "6.0.14"}}), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  const std::string branch = result->rollback["branch"];
  EXPECT_EQ(branch.rfind("rampart/bump-image/redis-", 0), 0u) << branch;

  std::string expected = kDeployment;
  expected.replace(expected.find("redis:6.0.5"), 11, "redis:6.0.14");
  EXPECT_EQ(Git({"show", branch + ":k8s/cache.yaml"}), expected);
  EXPECT_EQ(ReadText(repo_ + "/k8s/cache.yaml"), kDeployment) << "working tree must not change";
  EXPECT_EQ(Git({"rev-parse", "--abbrev-ref", "HEAD"}), "main\n");

  const std::string message = Git({"log", "-1", "--format=%B", branch});
  EXPECT_NE(message.find("Bump docker.io/library/redis to 6.0.14"), std::string::npos);
  EXPECT_NE(message.find("Finding: trivy/redis/CVE-2021-32675"), std::string::npos);
  EXPECT_NE(message.find("CVEs: CVE-2021-32626, CVE-2021-32675"), std::string::npos);
  EXPECT_NE(message.find("k8s/cache.yaml:11 Deployment/cache container redis"), std::string::npos);
  EXPECT_EQ(Git({"log", "-1", "--format=%at", branch}), "1780000000\n");
  EXPECT_NE(result->diff.find("-          image: redis:6.0.5 # CVE-2021-32675 fixed in 6.0.14\n"
                              "+          image: redis:6.0.14 # CVE-2021-32675 fixed in 6.0.14\n"),
            std::string::npos)
      << result->diff;
}

TEST_F(BumpImageTest, SameKeyTwiceChangesOnce) {
  const Json params = {{"repository", repo_}, {"tag", "6.0.14"}};
  auto first = action_->Run(Request(params), context_);
  ASSERT_TRUE(first.has_value());
  const std::string head = Git({"rev-parse", first->rollback["branch"].get<std::string>()});
  auto second = action_->Run(Request(params), context_);
  ASSERT_TRUE(second.has_value()) << second.status().ToString();
  EXPECT_FALSE(second->changed);
  EXPECT_NE(second->summary.find("already exists"), std::string::npos);
  EXPECT_EQ(Git({"rev-parse", first->rollback["branch"].get<std::string>()}), head);
}

TEST_F(BumpImageTest, DryRunShowsDiffWithoutBranch) {
  auto result = action_->Run(Request({{"repository", repo_}, {"tag", "6.0.14"}}, true), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_FALSE(result->changed);
  EXPECT_NE(result->diff.find("+          image: redis:6.0.14"), std::string::npos);
  EXPECT_EQ(Git({"branch", "--list", "rampart/*"}), "");
}

TEST_F(BumpImageTest, RollbackDeletesBranch) {
  auto result = action_->Run(Request({{"repository", repo_}, {"tag", "6.0.14"}}), context_);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(Git({"branch", "--list", "rampart/*"}), "");
  ASSERT_TRUE(action_->Rollback(*result, context_).ok());
  EXPECT_EQ(Git({"branch", "--list", "rampart/*"}), "");
}

TEST_F(BumpImageTest, RepositoryOffAllowListIsDenied) {
  context_.allow.repositories = {"/srv/other/*"};
  auto result = action_->Run(Request({{"repository", repo_}, {"tag", "6.0.14"}}), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(result.status().message().find(repo_), std::string::npos);
}

// Rules name the repository relative to the configuration file's folder, whatever folder
// the hub runs in; the allow-list entry "repo" names the same repository.
TEST_F(BumpImageTest, RelativeRepositoryIsReadFromBaseDir) {
  context_.base_dir = dir_.path();
  context_.allow.repositories = {"repo"};
  auto result = action_->Run(Request({{"repository", "repo"}, {"tag", "6.0.14"}}), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  EXPECT_EQ(result->rollback["repository"], repo_);
  const std::string branch = result->rollback["branch"];
  EXPECT_NE(Git({"show", branch + ":k8s/cache.yaml"}).find("image: redis:6.0.14"),
            std::string::npos);
  ASSERT_TRUE(action_->Rollback(*result, context_).ok());
  EXPECT_EQ(Git({"branch", "--list", "rampart/*"}), "");
}

TEST_F(BumpImageTest, RelativeAllowListEntryIsResolvedLikeRepository) {
  context_.base_dir = dir_.path();
  context_.allow.repositories = {"other"};
  auto denied = action_->Run(Request({{"repository", "repo"}, {"tag", "6.0.14"}}), context_);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.status().message().find("'" + repo_ + "'"), std::string::npos)
      << denied.status().message();

  context_.allow.repositories = {"repo"};
  auto missing = action_->Run(Request({{"repository", repo_ + "2"}, {"tag", "6.0.14"}}), context_);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(BumpImageTest, PathsStayInsideRepository) {
  WriteText(dir_.path() + "/outside/secret.yaml", kDeployment);
  std::filesystem::create_symlink("../../outside", repo_ + "/k8s/escape");
  std::filesystem::create_symlink("../outside/secret.yaml", repo_ + "/linked.yaml");
  Git({"add", "-A"});
  Git({"commit", "-q", "-m", "Add links"});

  auto dotdot = action_->Run(
      Request({{"repository", repo_}, {"tag", "6.0.14"}, {"paths", {"k8s/../../outside"}}}),
      context_);
  ASSERT_FALSE(dotdot.has_value());
  EXPECT_EQ(dotdot.status().code(), StatusCode::kInvalidArgument);

  auto through_link = action_->Run(
      Request({{"repository", repo_}, {"tag", "6.0.14"}, {"paths", {"k8s/escape"}}}), context_);
  ASSERT_FALSE(through_link.has_value());
  EXPECT_EQ(through_link.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(through_link.status().message().find("outside the repository root"), std::string::npos);

  auto whole = action_->Run(Request({{"repository", repo_}, {"tag", "6.0.14"}}), context_);
  ASSERT_TRUE(whole.has_value()) << whole.status().ToString();
  EXPECT_NE(whole->output.find("skipped: path 'linked.yaml' is a symbolic link"), std::string::npos)
      << whole->output;
  EXPECT_EQ(whole->diff.find("secret"), std::string::npos);
  EXPECT_EQ(ReadText(dir_.path() + "/outside/secret.yaml"), kDeployment);
}

TEST_F(BumpImageTest, ClonedUrlPushesBranchAndRollsBack) {
  const std::string bare = dir_.path() + "/origin.git";
  Git({"clone", "-q", "--bare", repo_, bare}, dir_.path());
  const std::string url = "file://" + bare;
  context_.allow.repositories.push_back("file://" + dir_.path() + "/*");
  auto result = action_->Run(Request({{"repository", url}, {"tag", "6.0.14"}}), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  const std::string branch = result->rollback["branch"];
  EXPECT_NE(Git({"--git-dir", bare, "show", branch + ":k8s/cache.yaml"}).find("redis:6.0.14"),
            std::string::npos);

  auto again = action_->Run(Request({{"repository", url}, {"tag", "6.0.14"}}), context_);
  ASSERT_TRUE(again.has_value()) << again.status().ToString();
  EXPECT_FALSE(again->changed);

  ASSERT_TRUE(action_->Rollback(*result, context_).ok());
  EXPECT_EQ(Git({"--git-dir", bare, "branch", "--list", "rampart/*"}), "");
}

TEST_F(BumpImageTest, TagFromFindingRecordedByScan) {
  ActionRequest request = Request({{"repository", repo_}, {"tag_from_finding", true}});
  request.finding["ProductFields"]["rampart/vuln/FixedImageTag"] = "6.0.14";
  auto result = action_->Run(request, context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  EXPECT_NE(result->output.find("fixed tag 6.0.14 from the finding's rampart/vuln/FixedImageTag"),
            std::string::npos)
      << result->output;
  EXPECT_NE(Git({"show", result->rollback["branch"].get<std::string>() + ":k8s/cache.yaml"})
                .find("image: redis:6.0.14 #"),
            std::string::npos);
}

TEST_F(BumpImageTest, TagFromFindingNeedsNewerTag) {
  ActionRequest missing = Request({{"repository", repo_}, {"tag_from_finding", true}});
  auto none = action_->Run(missing, context_);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("rampart/vuln/FixedImageTag"), std::string::npos);

  ActionRequest older = Request({{"repository", repo_}, {"tag_from_finding", true}});
  older.idempotency_key = "older";
  older.finding["ProductFields"]["rampart/vuln/FixedImageTag"] = "6.0.1";
  auto rejected = action_->Run(older, context_);
  ASSERT_FALSE(rejected.has_value());
  EXPECT_EQ(rejected.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(rejected.status().message().find("not newer"), std::string::npos);

  ActionRequest injected = Request({{"repository", repo_}, {"tag_from_finding", true}});
  injected.idempotency_key = "injected";
  injected.finding["ProductFields"]["rampart/vuln/FixedImageTag"] = "7.0.0\n  evil: true";
  auto invalid = action_->Run(injected, context_);
  ASSERT_FALSE(invalid.has_value());
  EXPECT_EQ(invalid.status().code(), StatusCode::kInvalidArgument);

  EXPECT_FALSE(
      action_->Validate({{"repository", repo_}, {"tag", "6.0.14"}, {"tag_from_finding", true}})
          .ok());
}

TEST_F(BumpImageTest, NewestPatchFromRegistry) {
  if (!testing::RegistryAvailable()) {
    GTEST_SKIP() << "docker-registry is not installed; scripts/install-deps installs it";
  }
  testing::RegistryServer registry;
  ASSERT_TRUE(registry.Start().ok());
  std::map<std::string, std::string> digests;
  for (const std::string tag : {"6.0.5", "6.0.9", "6.0.14", "6.2.0", "7.0.0", "latest"}) {
    auto digest = registry.PushTag("team/redis", tag);
    ASSERT_TRUE(digest.has_value()) << digest.status().ToString();
    digests[tag] = *digest;
  }
  const std::string host = registry.url().substr(7);
  const std::string old_digest = digests["6.0.5"];
  WriteText(repo_ + "/k8s/cache.yaml",
            "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: " + host +
                "/team/redis:6.0.5@" + old_digest + "\n  - name: b\n    image: " + host +
                "/team/redis:6.0.5\n");
  Git({"commit", "-qam", "Pin by digest"});
  context_.allow.hosts = {"127.0.0.1"};
  const Json params = {{"repository", repo_},
                       {"registry", {{"url", registry.url()}, {"page_size", 2}}}};
  auto result = action_->Run(Request(params, false, host + "/team/redis:6.0.5"), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_NE(result->output.find("lists 6 tags"), std::string::npos) << result->output;
  const std::string branch = result->rollback["branch"];
  EXPECT_EQ(Git({"show", branch + ":k8s/cache.yaml"}),
            "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: " + host +
                "/team/redis:6.0.14@" + digests["6.0.14"] + "\n  - name: b\n    image: " + host +
                "/team/redis:6.0.14\n");

  context_.allow.hosts = {"registry.example.com"};
  auto request = Request(params, false, host + "/team/redis:6.0.5");
  request.idempotency_key = "another-key";
  auto denied = action_->Run(request, context_);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(BumpImageTest, RealManifestsKeepEveryOtherByte) {
  const std::filesystem::path data = std::filesystem::path(RAMPART_SHARED_DATA) / "manifests";
  if (!std::filesystem::exists(data)) {
    GTEST_SKIP() << "../shared/data is absent, so the real manifests cannot be read";
  }
  const std::string real = dir_.path() + "/real";
  std::filesystem::copy(data, real, std::filesystem::copy_options::recursive);
  ASSERT_TRUE(testing::InitGitRepository(real).ok());

  const std::string frontend =
      "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/frontend:v0.10.6";
  auto result =
      action_->Run(Request({{"repository", real}, {"tag", "v0.10.7"}}, false, frontend), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  const std::string branch = result->rollback["branch"];
  const std::string before = ReadText(real + "/microservices-demo/kubernetes-manifests.yaml");
  const std::string after =
      Git({"show", branch + ":microservices-demo/kubernetes-manifests.yaml"}, real);
  std::string expected = before;
  expected.replace(expected.find(frontend), frontend.size(),
                   frontend.substr(0, frontend.size() - 7) + "v0.10.7");
  EXPECT_EQ(after, expected);
  EXPECT_EQ(Git({"diff", "--name-only", "main", branch}, real),
            "microservices-demo/kubernetes-manifests.yaml\n");
  const auto documents = YAML::LoadAll(after);
  int found = 0;
  for (const auto& document : documents) {
    if (document["kind"] && document["kind"].as<std::string>() == "Deployment" &&
        document["metadata"]["name"].as<std::string>() == "frontend") {
      EXPECT_EQ(document["spec"]["template"]["spec"]["containers"][0]["image"].as<std::string>(),
                frontend.substr(0, frontend.size() - 7) + "v0.10.7");
      ++found;
    }
  }
  EXPECT_EQ(found, 1);

  // bank-of-anthos pins tag and digest; a new tag alone is not enough.
  const std::string userservice =
      "us-central1-docker.pkg.dev/bank-of-anthos-ci/bank-of-anthos/userservice:v0.6.10";
  auto needs_digest = action_->Run(
      Request({{"repository", real}, {"tag", "v0.6.11"}}, false, userservice), context_);
  ASSERT_FALSE(needs_digest.has_value());
  EXPECT_EQ(needs_digest.status().code(), StatusCode::kFailedPrecondition);
  const std::string digest = "sha256:" + std::string(64, 'c');
  auto pinned = action_->Run(
      Request({{"repository", real}, {"tag", "v0.6.11"}, {"digest", digest}}, false, userservice),
      context_);
  ASSERT_TRUE(pinned.has_value()) << pinned.status().ToString();
  const std::string user_after = Git(
      {"show", pinned->rollback["branch"].get<std::string>() + ":bank-of-anthos/userservice.yaml"},
      real);
  EXPECT_NE(user_after.find("userservice:v0.6.11@" + digest + "\n"), std::string::npos);
  std::string user_expected = ReadText(real + "/bank-of-anthos/userservice.yaml");
  const std::string old_ref =
      userservice + "@sha256:d8c4412edc46ab105000f721788b73301651cc43b19cee7e7302739f81882dcc";
  ASSERT_NE(user_expected.find(old_ref), std::string::npos);
  user_expected.replace(user_expected.find(old_ref), old_ref.size(),
                        userservice.substr(0, userservice.size() - 7) + "v0.6.11@" + digest);
  EXPECT_EQ(user_after, user_expected);
}

}  // namespace
}  // namespace rampart::remediate
