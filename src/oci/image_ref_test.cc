#include "oci/image_ref.h"

#include <gtest/gtest.h>

namespace rampart::oci {
namespace {

TEST(ParseImageRef, RegistryTagAndDigest) {
  auto ref = ParseImageRef(
      "us-central1-docker.pkg.dev/bank-of-anthos-ci/bank-of-anthos/frontend:v0.6.10@sha256:"
      "076294ce717309f711743fa3b72a9809c7f156edf1c4fa58505fd9f436d65345");
  ASSERT_TRUE(ref.has_value()) << ref.status().ToString();
  EXPECT_EQ(ref->Registry(), "us-central1-docker.pkg.dev");
  EXPECT_EQ(ref->Repository(), "bank-of-anthos-ci/bank-of-anthos/frontend");
  EXPECT_EQ(ref->tag, "v0.6.10");
  EXPECT_EQ(ref->digest.substr(0, 14), "sha256:076294c");
}

TEST(ParseImageRef, DockerHubSpellingsAreOneImage) {
  const auto short_name = ParseImageRef("redis:alpine");
  const auto long_name = ParseImageRef("docker.io/library/redis");
  const auto registry_port = ParseImageRef("localhost:5000/redis:7");
  ASSERT_TRUE(short_name.has_value());
  ASSERT_TRUE(long_name.has_value());
  ASSERT_TRUE(registry_port.has_value());
  EXPECT_EQ(short_name->Canonical(), "docker.io/library/redis");
  EXPECT_EQ(long_name->Canonical(), "docker.io/library/redis");
  EXPECT_EQ(registry_port->Registry(), "localhost:5000");
  EXPECT_EQ(registry_port->tag, "7");
  EXPECT_NE(registry_port->Canonical(), short_name->Canonical());
}

TEST(ParseImageRef, RejectsMalformed) {
  EXPECT_FALSE(ParseImageRef("").has_value());
  EXPECT_FALSE(ParseImageRef("redis:6 ; rm").has_value());
  EXPECT_FALSE(ParseImageRef("redis@sha256:xyz").has_value());
  EXPECT_FALSE(ParseImageRef("Org/Redis:1").has_value());
  EXPECT_FALSE(ParseImageRef("redis:-bad").has_value());
}

TEST(SelectNewerTag, PatchStaysInMinor) {
  const std::vector<std::string> tags = {"6.0.5", "6.0.9",         "6.0.10", "6.1.0",
                                         "7.0.0", "6.0.11-alpine", "latest", "6.0.8"};
  auto newest = SelectNewerTag("6.0.5", tags, TagConstraint::kPatch);
  ASSERT_TRUE(newest.has_value());
  ASSERT_TRUE(newest->has_value());
  EXPECT_EQ(**newest, "6.0.10");
  auto minor = SelectNewerTag("6.0.5", tags, TagConstraint::kMinor);
  EXPECT_EQ(**minor, "6.1.0");
  auto major = SelectNewerTag("6.0.5", tags, TagConstraint::kMajor);
  EXPECT_EQ(**major, "7.0.0");
}

TEST(SelectNewerTag, KeepsPrefixAndSuffix) {
  const std::vector<std::string> tags = {"v0.10.6", "v0.10.7", "0.10.9", "v0.10.8-debug",
                                         "v0.11.0"};
  EXPECT_EQ(**SelectNewerTag("v0.10.6", tags, TagConstraint::kPatch), "v0.10.7");
  EXPECT_EQ(**SelectNewerTag("1.2.3-alpine", {"1.2.4", "1.2.5-alpine"}, TagConstraint::kPatch),
            "1.2.5-alpine");
}

TEST(SelectNewerTag, NoneNewerAndNotAVersion) {
  auto none = SelectNewerTag("6.0.10", {"6.0.5", "6.0.10"}, TagConstraint::kPatch);
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
  auto bad = SelectNewerTag("alpine", {"6.0.5"}, TagConstraint::kPatch);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.status().message().find("'alpine'"), std::string::npos);
}

TEST(CompareTags, OnlySameShape) {
  EXPECT_EQ(CompareTags("1.2.10", "1.2.9"), 1);
  EXPECT_EQ(CompareTags("v1.2.3", "v1.2.3"), 0);
  EXPECT_EQ(CompareTags("1.2.3", "v1.2.4"), std::nullopt);
  EXPECT_EQ(CompareTags("alpine", "1.2.3"), std::nullopt);
}

TEST(NewerTags, SmallestFirstWithinShape) {
  const std::vector<std::string> tags = {"1.4.10", "latest",      "1.4.2",  "1.3.9", "1.4.0",
                                         "1.5.0",  "1.4.2-debug", "v1.4.3", "1.4.1", "2.0"};
  auto newer = NewerTags("1.4.0", tags, TagConstraint::kMajor);
  ASSERT_TRUE(newer.has_value()) << newer.status().ToString();
  EXPECT_EQ(*newer, (std::vector<std::string>{"1.4.1", "1.4.2", "1.4.10", "1.5.0"}));
  auto patch = NewerTags("1.4.0", tags, TagConstraint::kPatch);
  ASSERT_TRUE(patch.has_value());
  EXPECT_EQ(*patch, (std::vector<std::string>{"1.4.1", "1.4.2", "1.4.10"}));
}

TEST(NewerTags, CurrentMustBeVersion) {
  auto none = NewerTags("1.5.0", {"1.4.0", "1.5.0", "latest"}, TagConstraint::kMajor);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  auto bad = NewerTags("latest", {"1.4.0"}, TagConstraint::kMajor);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'latest'"), std::string::npos);
}

TEST(IsValidTag, DistributionGrammar) {
  EXPECT_TRUE(IsValidTag("1.4.2-alpine_3"));
  EXPECT_TRUE(IsValidTag("_x"));
  EXPECT_FALSE(IsValidTag(".hidden"));
  EXPECT_FALSE(IsValidTag("-x"));
  EXPECT_FALSE(IsValidTag("a/b"));
  EXPECT_FALSE(IsValidTag(std::string(129, 'a')));
}

}  // namespace
}  // namespace rampart::oci
