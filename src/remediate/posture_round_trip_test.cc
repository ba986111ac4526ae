// The posture round trip on the real manifests: scan, fix each failed check with gitops.harden
// in a git repository using the finding's own field patches, and scan the fixed file again.
#include <filesystem>

#include <gtest/gtest.h>

#include "posture/asff.h"
#include "posture/manifest.h"
#include "posture/scanner.h"
#include "posture/yaml_tree.h"
#include "remediate/harden_action.h"
#include "remediate/testing/test_util.h"

namespace rampart::remediate {
namespace {

using posture::CheckResult;
using posture::ManifestObject;
using posture::ManifestSet;
using posture::YamlNode;

const ManifestObject* FindObject(const ManifestSet& set, const ManifestObject& like) {
  for (const ManifestObject& object : set.objects) {
    if (object.file == like.file && object.document == like.document &&
        object.list_path == like.list_path) {
      return &object;
    }
  }
  return nullptr;
}

bool CheckPasses(const ManifestSet& set, const CheckResult& before, const ManifestObject* object) {
  const posture::ScanReport report = posture::ScanManifests(set);
  for (const CheckResult& after : report.results) {
    if (after.check == before.check && after.subject->object == object) {
      return after.outcome.passed;
    }
  }
  return false;
}

class PostureRoundTrip : public ::testing::Test {
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
    context_.allow.namespaces = {"*"};
    context_.work_dir = dir_.path();
  }

  // Runs gitops.harden for the finding of `result` and returns the fixed file's text.
  std::string Harden(const CheckResult& result, const std::string& key) {
    ActionRequest request;
    request.finding = posture::ToAsffFinding(result, {});
    request.params = {{"repository", repo_}};
    request.idempotency_key = key;
    request.dry_run = false;
    auto run = action_->Run(request, context_);
    EXPECT_TRUE(run.has_value()) << key << ": " << run.status().ToString();
    if (!run.has_value()) {
      return "";
    }
    EXPECT_TRUE(run->changed) << key;
    const std::string branch = run->rollback["branch"];
    const std::string& file = result.subject->object->file;
    auto names = testing::RunTool({"git", "diff", "--name-only", "main", branch}, repo_);
    EXPECT_EQ(names.value_or(""), file + "\n") << key;
    auto text = testing::RunTool({"git", "show", branch + ":" + file}, repo_);
    EXPECT_TRUE(text.has_value()) << key;
    return text.value_or("");
  }

  testing::TempDir dir_;
  std::string repo_;
  ActionContext context_;
  std::unique_ptr<Action> action_ = MakeHardenAction();
};

TEST_F(PostureRoundTrip, FixedChecksPassAndOnlyFixedFieldsChange) {
  auto set = posture::LoadManifests(repo_);
  ASSERT_TRUE(set.has_value()) << set.status().ToString();
  const posture::ScanReport report = posture::ScanManifests(*set);
  std::size_t fixed = 0;
  for (const CheckResult& result : report.results) {
    if (result.outcome.passed || result.outcome.patches.empty()) {
      continue;
    }
    const ManifestObject& object = *result.subject->object;
    const std::string key = std::string(result.check->id) + "/" + result.subject->resource_id;
    const std::string text = Harden(result, key);
    ManifestSet rescanned;
    posture::LoadManifestText(text, object.file, rescanned);
    ASSERT_TRUE(rescanned.errors.empty()) << key << ": " << rescanned.errors[0].message;

    // The fixed object is the original with the patches applied, and nothing else moved.
    YamlNode expected = *object.root;
    for (const posture::FieldPatch& patch : result.outcome.patches) {
      ASSERT_TRUE(posture::ApplyPatch(expected, patch).ok()) << key;
    }
    const ManifestObject* same = FindObject(rescanned, object);
    ASSERT_NE(same, nullptr) << key;
    EXPECT_TRUE(SameContent(*same->root, expected)) << key << "\n" << text;
    for (const ManifestObject& other : rescanned.objects) {
      if (&other == same) {
        continue;
      }
      const ManifestObject* original = FindObject(*set, other);
      ASSERT_NE(original, nullptr) << key << ": " << other.kind << "/" << other.name;
      EXPECT_TRUE(SameContent(*other.root, *original->root)) << key << ": " << other.name;
    }
    EXPECT_TRUE(CheckPasses(rescanned, result, same)) << key;
    ++fixed;
  }
  // Both demo applications run containers without the restricted settings, so many checks fail
  // with a fix. The count keeps the loop from passing by doing nothing.
  EXPECT_GT(fixed, 40u);
}

TEST_F(PostureRoundTrip, RuleFixesOverrideFindingPatches) {
  auto set = posture::LoadManifests(repo_);
  ASSERT_TRUE(set.has_value());
  const posture::ScanReport report = posture::ScanManifests(*set);
  for (const CheckResult& result : report.results) {
    if (result.outcome.passed || result.outcome.patches.empty() ||
        result.subject->object->file != "bank-of-anthos/ledger-writer.yaml") {
      continue;
    }
    ActionRequest request;
    request.finding = posture::ToAsffFinding(result, {});
    request.params = {{"repository", repo_},
                      {"fixes", {"automountServiceAccountToken"}},
                      {"workload", {{"name", "ledgerwriter"}}}};
    request.idempotency_key = "override";
    request.dry_run = false;
    auto run = action_->Run(request, context_);
    ASSERT_TRUE(run.has_value()) << run.status().ToString();
    EXPECT_NE(run->output.find("automountServiceAccountToken"), std::string::npos) << run->output;
    return;
  }
  FAIL() << "no failed check with a fix in bank-of-anthos/ledger-writer.yaml";
}

TEST_F(PostureRoundTrip, FileOutsideRepositoryIsRejected) {
  ActionRequest request;
  request.finding = {
      {"Id", "rampart/posture/x"},
      {"ProductFields",
       {{"rampart/posture/CheckId", "pss-restricted-run-as-non-root"},
        {"rampart/posture/FieldPatches",
         R"([{"op":"set","path":"spec.securityContext.runAsNonRoot","value":true}])"}}},
      {"Resources",
       {{{"Type", "Other"},
         {"Id", "Pod/default/x"},
         {"Details", {{"Other", {{"File", "../outside.yaml"}, {"Document", "0"}}}}}}}}};
  request.params = {{"repository", repo_}};
  request.idempotency_key = "outside";
  auto run = action_->Run(request, context_);
  ASSERT_FALSE(run.has_value());
  EXPECT_NE(run.status().message().find(".."), std::string::npos) << run.status().message();
}

}  // namespace
}  // namespace rampart::remediate
