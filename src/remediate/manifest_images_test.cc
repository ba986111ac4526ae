#include "remediate/manifest_images.h"

#include <gtest/gtest.h>

namespace rampart::remediate {
namespace {

std::string Apply(const std::string& text, const std::vector<ImageUse>& uses) {
  std::vector<TextEdit> edits;
  for (const ImageUse& use : uses) {
    edits.insert(edits.end(), use.edits.begin(), use.edits.end());
  }
  return *ApplyEdits(text, edits);
}

ImageMatch Match(const std::string& image) {
  const ImageRef ref = *ParseImageRef(image);
  return ImageMatch{ref, ref.tag, ref.digest};
}

constexpr const char* kWorkloads = R"(# payments stack
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: "docker.io/library/redis:6.0.5"   # keep in step with server
      containers:
        - name: server
          image: redis:6.0.5
        - name: other
          image: nginx:1.25.3
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {name: job, image: 'redis:6.0.5'}
---
apiVersion: v1
kind: Pod
metadata:
  name: newer
spec:
  containers:
  - name: c
    image: redis:7.2.1
)";

TEST(FindImageUses, EveryWorkloadKindAndQuoting) {
  std::vector<std::string> skipped;
  const auto uses =
      FindImageUses(kWorkloads, "app.yaml", Match("redis:6.0.5"), {"6.0.9", ""}, skipped);
  ASSERT_EQ(uses.size(), 3u);
  EXPECT_EQ(uses[0].where, "Deployment/api container migrate");
  EXPECT_EQ(uses[0].line, 10u);
  EXPECT_EQ(uses[1].where, "Deployment/api container server");
  EXPECT_EQ(uses[2].where, "CronJob/nightly container job");
  EXPECT_TRUE(skipped.empty());

  const std::string expected = [] {
    std::string text = kWorkloads;
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"\"docker.io/library/redis:6.0.5\"", "\"docker.io/library/redis:6.0.9\""},
             {"image: redis:6.0.5", "image: redis:6.0.9"},
             {"'redis:6.0.5'", "'redis:6.0.9'"}}) {
      text.replace(text.find(from), from.size(), to);
    }
    return text;
  }();
  EXPECT_EQ(Apply(kWorkloads, uses), expected);
}

TEST(FindImageUses, KustomizationSetsAndInsertsNewTag) {
  const std::string text =
      "apiVersion: kustomize.config.k8s.io/v1beta1\n"
      "kind: Kustomization\n"
      "images:\n"
      "  - name: redis   # cache\n"
      "    newTag: 6.0.5\n"
      "  - name: ghcr.io/acme/api\n"
      "    newName: ghcr.io/acme/api-mirror\n"
      "resources: [deploy.yaml]\n";
  std::vector<std::string> skipped;
  const auto redis =
      FindImageUses(text, "kustomization.yaml", Match("redis:6.0.5"), {"6.0.9", ""}, skipped);
  ASSERT_EQ(redis.size(), 1u);
  EXPECT_EQ(Apply(text, redis),
            "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            "kind: Kustomization\n"
            "images:\n"
            "  - name: redis   # cache\n"
            "    newTag: 6.0.9\n"
            "  - name: ghcr.io/acme/api\n"
            "    newName: ghcr.io/acme/api-mirror\n"
            "resources: [deploy.yaml]\n");
  const auto api = FindImageUses(text, "kustomization.yaml", Match("ghcr.io/acme/api:1.4.0"),
                                 {"1.4.2", ""}, skipped);
  ASSERT_EQ(api.size(), 1u);
  EXPECT_EQ(Apply(text, api),
            "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            "kind: Kustomization\n"
            "images:\n"
            "  - name: redis   # cache\n"
            "    newTag: 6.0.5\n"
            "  - name: ghcr.io/acme/api\n"
            "    newName: ghcr.io/acme/api-mirror\n"
            "    newTag: 1.4.2\n"
            "resources: [deploy.yaml]\n");
}

TEST(FindImageUses, HelmValuesRepositoryAndTag) {
  const std::string text =
      "replicaCount: 2\n"
      "image:\n"
      "  registry: ghcr.io\n"
      "  repository: acme/api\n"
      "  tag: \"1.4.0\"  # pinned\n"
      "sidecar:\n"
      "  image: {repository: redis, tag: 6.0.5}\n";
  std::vector<std::string> skipped;
  const auto api =
      FindImageUses(text, "values.yaml", Match("ghcr.io/acme/api:1.4.0"), {"1.4.2", ""}, skipped);
  ASSERT_EQ(api.size(), 1u);
  EXPECT_EQ(api[0].where, "values image.tag");
  const auto redis =
      FindImageUses(text, "values.yaml", Match("redis:6.0.5"), {"6.0.9", ""}, skipped);
  ASSERT_EQ(redis.size(), 1u);
  std::vector<ImageUse> both = api;
  both.push_back(redis[0]);
  EXPECT_EQ(Apply(text, both),
            "replicaCount: 2\n"
            "image:\n"
            "  registry: ghcr.io\n"
            "  repository: acme/api\n"
            "  tag: \"1.4.2\"  # pinned\n"
            "sidecar:\n"
            "  image: {repository: redis, tag: 6.0.9}\n");
}

TEST(FindImageUses, DigestPinNeedsNewDigest) {
  const std::string digest_old = "sha256:" + std::string(64, 'a');
  const std::string digest_new = "sha256:" + std::string(64, 'b');
  const std::string text = "kind: Pod\nspec:\n  containers:\n  - image: app:1.0.0@" + digest_old +
                           "\n  - image: app:1.0.0\n";
  std::vector<std::string> skipped;
  const auto without = FindImageUses(text, "pod.yaml", Match("app:1.0.0"), {"1.0.1", ""}, skipped);
  ASSERT_EQ(without.size(), 2u);
  EXPECT_TRUE(without[0].needs_digest);
  EXPECT_FALSE(without[1].needs_digest);
  const auto with =
      FindImageUses(text, "pod.yaml", Match("app:1.0.0"), {"1.0.1", digest_new}, skipped);
  EXPECT_EQ(Apply(text, with), "kind: Pod\nspec:\n  containers:\n  - image: app:1.0.1@" +
                                   digest_new + "\n  - image: app:1.0.1\n");
}

TEST(FindImageUses, InvalidYamlIsSkippedWithLine) {
  std::vector<std::string> skipped;
  const auto uses =
      FindImageUses("a: [\n", "bad.yaml", Match("redis:1.0.0"), {"1.0.1", ""}, skipped);
  EXPECT_TRUE(uses.empty());
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("bad.yaml: not valid YAML at line"), std::string::npos);
}

TEST(ImageFromFinding, AsffContainerAndTrivyName) {
  const Json asff = Json::parse(R"json({"Resources": [{"Type": "Container",
      "Id": "alpine:3.10.2 (alpine 3.10.2)",
      "Details": {"Container": {"ImageName": "alpine:3.10.2 (alpine 3.10.2)"}}}]})json");
  auto image = ImageFromFinding(asff);
  ASSERT_TRUE(image.has_value()) << image.status().ToString();
  EXPECT_EQ(image->ToString(), "alpine:3.10.2");
  auto trivy = ImageFromFinding(Json{{"ArtifactName", "ghcr.io/acme/api:1.4.0"}});
  ASSERT_TRUE(trivy.has_value());
  EXPECT_EQ(trivy->tag, "1.4.0");
  EXPECT_FALSE(ImageFromFinding(Json{{"Resources", Json::array()}}).has_value());
}

TEST(CvesFromFinding, SortedWithoutRepeats) {
  const Json finding = Json::parse(R"({"GeneratorId": "Trivy/CVE-2019-1549",
      "Vulnerabilities": [{"Id": "CVE-2021-3711"}, {"Id": "GHSA-xxxx"}],
      "Resources": [{"Details": {"Other": {"CVE ID": "CVE-2019-1549"}}}]})");
  EXPECT_EQ(CvesFromFinding(finding), (std::vector<std::string>{"CVE-2019-1549", "CVE-2021-3711"}));
}

}  // namespace
}  // namespace rampart::remediate
