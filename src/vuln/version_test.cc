// Hand-written cases for version parsing and ordering.
#include "vuln/version.h"

#include <gtest/gtest.h>

namespace rampart::vuln {
namespace {

int Order(VersionScheme scheme, std::string_view a, std::string_view b) {
  auto order = CompareVersionTexts(scheme, a, b);
  EXPECT_TRUE(order.has_value()) << order.status().message();
  return order.value_or(99);
}

TEST(ApkOrder, ReleaseCandidateBeforeRelease) {
  EXPECT_EQ(Order(VersionScheme::kApk, "1.6_rc1-r0", "1.6-r0"), -1);
  EXPECT_EQ(Order(VersionScheme::kApk, "1.6-r0", "1.6_rc1-r0"), 1);
}

TEST(RpmOrder, MissingEpochIsZero) {
  EXPECT_EQ(Order(VersionScheme::kRpm, "0:1.2-3", "1.2-3"), 0);
  EXPECT_EQ(Order(VersionScheme::kRpm, "1.2-3", "1:1.0-1"), -1);
  EXPECT_EQ(Order(VersionScheme::kRpm, "1:1.0-1", "2.0-1"), 1);
}

TEST(RpmOrder, TildeAndCaret) {
  EXPECT_EQ(Order(VersionScheme::kRpm, "1.0~rc1-1", "1.0-1"), -1);
  EXPECT_EQ(Order(VersionScheme::kRpm, "1.0^git1-1", "1.0-1"), 1);
  EXPECT_EQ(Order(VersionScheme::kRpm, "1.0^git1-1", "1.0.1-1"), -1);
}

TEST(DpkgOrder, TildeSortsFirst) {
  EXPECT_EQ(Order(VersionScheme::kDpkg, "1.2.3-1~deb12u1", "1.2.3-1"), -1);
  EXPECT_EQ(Order(VersionScheme::kDpkg, "1:1.0-1", "2.0-1"), 1);
}

TEST(SemVerOrder, GoPseudoVersionsAndIncompatible) {
  EXPECT_EQ(Order(VersionScheme::kSemVer, "v0.0.0-20210101000000-0123456789ab",
                  "v0.0.0-20220101000000-0123456789ab"),
            -1);
  EXPECT_EQ(Order(VersionScheme::kSemVer, "v1.2.4-0.20210101000000-0123456789ab", "v1.2.3"), 1);
  EXPECT_EQ(Order(VersionScheme::kSemVer, "v1.2.4-0.20210101000000-0123456789ab", "v1.2.4"), -1);
  EXPECT_EQ(Order(VersionScheme::kSemVer, "v2.0.0+incompatible", "v2.0.0"), 0);
  EXPECT_EQ(Order(VersionScheme::kSemVer, "16.2.2", "16.1.5"), 1);
}

TEST(Pep440Order, DevPreAndPost) {
  EXPECT_EQ(Order(VersionScheme::kPep440, "1.0.dev0", "1.0a1"), -1);
  EXPECT_EQ(Order(VersionScheme::kPep440, "1.0rc1", "1.0"), -1);
  EXPECT_EQ(Order(VersionScheme::kPep440, "1.0.post1", "1.0"), 1);
  EXPECT_EQ(Order(VersionScheme::kPep440, "1.0", "1.0.0"), 0);
  EXPECT_EQ(Order(VersionScheme::kPep440, "1!0.1", "2.0"), 1);
}

TEST(InvalidVersion, ErrorNamesTheVersion) {
  struct Case {
    VersionScheme scheme;
    std::string text;
  };
  const std::vector<Case> cases = {
      {VersionScheme::kDpkg, "1:"},        {VersionScheme::kDpkg, "1.0-"},
      {VersionScheme::kDpkg, "abc"},       {VersionScheme::kApk, "1.18.-r2"},
      {VersionScheme::kApk, "57-1-r2"},    {VersionScheme::kSemVer, "1.2.3-"},
      {VersionScheme::kSemVer, "one"},     {VersionScheme::kSemVer, "1.2.3.4"},
      {VersionScheme::kPep440, "1.0-foo"}, {VersionScheme::kNuGet, "1.2.3.4.5"},
      {VersionScheme::kCran, "1.a"},       {VersionScheme::kHackage, "1..2"},
      {VersionScheme::kRubyGems, "1beta"}, {VersionScheme::kPub, "1.2"},
      {VersionScheme::kPackagist, "1.0#"}, {VersionScheme::kRpm, ""},
      {VersionScheme::kMaven, "1.0 beta"}, {VersionScheme::kRpm, "1.0\n"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseVersion(c.scheme, c.text);
    ASSERT_FALSE(parsed.has_value()) << SchemeName(c.scheme) << " accepted \"" << c.text << "\"";
    EXPECT_NE(parsed.status().message().find("\"" + c.text + "\""), std::string::npos)
        << parsed.status().message();
  }
}

TEST(ParseEcosystem, SplitsRelease) {
  auto debian = ParseEcosystem("Debian:12");
  ASSERT_TRUE(debian.has_value());
  EXPECT_EQ(debian->name, "Debian");
  EXPECT_EQ(debian->release, "12");
  EXPECT_EQ(debian->scheme, VersionScheme::kDpkg);

  auto alpine = ParseEcosystem("Alpine:v3.18");
  ASSERT_TRUE(alpine.has_value());
  EXPECT_EQ(alpine->release, "v3.18");
  EXPECT_EQ(alpine->scheme, VersionScheme::kApk);

  auto red_hat = ParseEcosystem("Red Hat:enterprise_linux:8::appstream");
  ASSERT_TRUE(red_hat.has_value());
  EXPECT_EQ(red_hat->name, "Red Hat");
  EXPECT_EQ(red_hat->release, "enterprise_linux:8::appstream");
}

TEST(ParseEcosystem, RejectsUnknown) {
  auto unknown = ParseEcosystem("Cobol");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.status().message().find("\"Cobol\""), std::string::npos);
}

}  // namespace
}  // namespace rampart::vuln
