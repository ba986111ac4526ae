#include "oci/registry_client.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "oci/sbom_artifact.h"
#include "oci/testing/registry_server.h"

namespace rampart::oci {
namespace {

constexpr const char* kCycloneDx = "application/vnd.cyclonedx+json";
constexpr const char* kSpdx = "text/spdx+json";

std::string ReadShared(const std::string& relative) {
  std::ifstream in(std::string(RAMPART_SHARED_DATA) + "/" + relative, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(CheckRepositoryName, AcceptsDistributionGrammar) {
  for (const char* name : {"app", "team/app", "library/redis", "a.b_c__d--e/x-1", "0/9"}) {
    EXPECT_TRUE(CheckRepositoryName(name).ok()) << name;
  }
}

TEST(CheckRepositoryName, RejectsPathTricks) {
  for (const char* name : {"", "Team/app", "team//app", "/app", "app/", "../etc", "a/../b",
                           "app?x=1", "app%2f", "a___b", "a-/b", "team/app:1"}) {
    const Status status = CheckRepositoryName(name);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << name;
  }
}

TEST(IsSha256Digest, NeedsSixtyFourLowerHex) {
  EXPECT_TRUE(IsSha256Digest("sha256:" + std::string(64, 'a')));
  EXPECT_FALSE(IsSha256Digest("sha256:" + std::string(63, 'a')));
  EXPECT_FALSE(IsSha256Digest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(IsSha256Digest("sha512:" + std::string(64, 'a')));
  EXPECT_FALSE(IsSha256Digest("sha256:../" + std::string(61, 'a')));
}

TEST(IsSbomMediaType, CycloneDxAndSpdx) {
  EXPECT_TRUE(IsSbomMediaType("application/vnd.cyclonedx+json"));
  EXPECT_TRUE(IsSbomMediaType("application/spdx+json"));
  EXPECT_TRUE(IsSbomMediaType("text/spdx+json; charset=utf-8"));
  EXPECT_TRUE(IsSbomMediaType("text/spdx"));
  EXPECT_FALSE(IsSbomMediaType("application/vnd.in-toto+json"));
  EXPECT_FALSE(IsSbomMediaType("application/vnd.oci.image.layer.v1.tar+gzip"));
}

class RegistrySbomTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::RegistryAvailable()) {
      GTEST_SKIP() << "docker-registry is not installed; scripts/install-deps installs it";
    }
    ASSERT_TRUE(registry_.Start().ok());
    options_.base_url = registry_.url();
    options_.allowed_hosts = &allowed_;
  }

  std::vector<std::string> allowed_{"127.0.0.1"};
  testing::RegistryServer registry_;
  RegistryClientOptions options_;
};

TEST_F(RegistrySbomTest, ReferrerTagSchemaSbom) {
  const std::string sbom = ReadShared("vuln/sbom/osv-scanner_alpine-zlib-16.cdx.json");
  if (sbom.empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  auto image = registry_.PushImage("team/app", "1.0.0");
  ASSERT_TRUE(image.has_value()) << image.status().ToString();
  ASSERT_TRUE(registry_.AttachReferrerSbom("team/app", *image, sbom, kCycloneDx).ok());

  auto referrers = ListReferrers(options_, "team/app", image->digest);
  ASSERT_TRUE(referrers.has_value()) << referrers.status().ToString();
  ASSERT_EQ(referrers->size(), 1u);
  EXPECT_EQ((*referrers)[0].artifact_type, kCycloneDx);

  auto found = FetchAttachedSbom(options_, "team/app", "1.0.0", 1 << 20);
  ASSERT_TRUE(found.has_value()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->text, sbom);
  EXPECT_EQ((*found)->media_type, kCycloneDx);
  EXPECT_EQ((*found)->image_digest, image->digest);
  EXPECT_EQ((*found)->origin, "referrer " + (*referrers)[0].digest);
}

TEST_F(RegistrySbomTest, CosignAttachmentTag) {
  const std::string sbom = ReadShared("vuln/sbom/osv-scanner_only-unimportant.spdx.json");
  if (sbom.empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  auto digest = registry_.PushTag("team/app", "2.0.0");
  ASSERT_TRUE(digest.has_value()) << digest.status().ToString();
  ASSERT_TRUE(registry_.AttachCosignSbom("team/app", *digest, sbom, kSpdx).ok());

  auto found = FetchAttachedSbom(options_, "team/app", "2.0.0", 1 << 20);
  ASSERT_TRUE(found.has_value()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->text, sbom);
  EXPECT_EQ((*found)->origin, "cosign tag sha256-" + digest->substr(7) + ".sbom");
}

TEST_F(RegistrySbomTest, TagWithoutSbomIsEmpty) {
  ASSERT_TRUE(registry_.PushTag("team/app", "3.0.0").has_value());
  auto found = FetchAttachedSbom(options_, "team/app", "3.0.0", 1 << 20);
  ASSERT_TRUE(found.has_value()) << found.status().ToString();
  EXPECT_FALSE(found->has_value());
}

TEST_F(RegistrySbomTest, UnknownTagIsNotFound) {
  ASSERT_TRUE(registry_.PushTag("team/app", "3.0.0").has_value());
  auto found = FetchAttachedSbom(options_, "team/app", "9.9.9", 1 << 20);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.status().code(), StatusCode::kNotFound);
}

TEST_F(RegistrySbomTest, OversizedSbomIsRejected) {
  auto image = registry_.PushImage("team/app", "1.0.0");
  ASSERT_TRUE(image.has_value());
  ASSERT_TRUE(registry_.AttachReferrerSbom("team/app", *image, std::string(4096, ' '), kSpdx).ok());
  auto found = FetchAttachedSbom(options_, "team/app", "1.0.0", 1024);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.status().code(), StatusCode::kResourceExhausted);
}

TEST_F(RegistrySbomTest, HostOffAllowListIsDenied) {
  ASSERT_TRUE(registry_.PushTag("team/app", "1.0.0").has_value());
  allowed_ = {"registry.example.com"};
  auto tags = ListTags(options_, "team/app");
  ASSERT_FALSE(tags.has_value());
  EXPECT_EQ(tags.status().code(), StatusCode::kPermissionDenied);
  auto found = FetchAttachedSbom(options_, "team/app", "1.0.0", 1 << 20);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(RegistrySbomTest, StoppedRegistryIsUnavailable) {
  registry_.Stop();
  auto tags = ListTags(options_, "team/app");
  ASSERT_FALSE(tags.has_value());
  EXPECT_EQ(tags.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(tags.status().message().find("127.0.0.1"), std::string::npos)
      << tags.status().message();
}

TEST_F(RegistrySbomTest, ManifestByDigestIsVerified) {
  auto image = registry_.PushImage("team/app", "1.0.0");
  ASSERT_TRUE(image.has_value());
  auto manifest = FetchManifest(options_, "team/app", image->digest);
  ASSERT_TRUE(manifest.has_value()) << manifest.status().ToString();
  EXPECT_EQ(manifest->digest, image->digest);
  EXPECT_EQ(manifest->media_type, testing::kOciManifest);
  EXPECT_EQ(manifest->config.media_type, "application/vnd.oci.image.config.v1+json");
  auto bad = FetchManifest(options_, "team/app", "../secret");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rampart::oci
