// Evaluates installed versions against the ranges of real and hand-written OSV records.
#include "vuln/range_match.h"

#include <gtest/gtest.h>

#include "vuln/advisory_database.h"
#include "vuln/test_util.h"

namespace rampart::vuln {
namespace {

using testing_util::SharedVulnData;

struct Expectation {
  std::string installed;
  bool affected;
  std::string fixed;  // empty when no fix is expected
};

class RealRangesTest : public testing::Test {
 protected:
  void SetUp() override {
    if (SharedVulnData().empty()) {
      GTEST_SKIP() << "../shared/data/vuln is absent, so the real OSV records cannot be read";
    }
    auto loaded = AdvisoryDatabase::Load((SharedVulnData() / "osv-records").string());
    ASSERT_TRUE(loaded.has_value()) << loaded.status().message();
    database_ = std::move(*loaded);
  }

  // Checks each expectation against the union of the package's affected entries in the
  // given release (any when empty) of the given advisory (any when empty).
  void Check(std::string_view ecosystem, std::string_view package, std::string_view release,
             const std::vector<Expectation>& expectations, std::string_view advisory_id = "") {
    const auto scheme = ParseEcosystem(ecosystem)->scheme;
    for (const Expectation& expected : expectations) {
      bool affected = false;
      std::string fixed;
      for (const Candidate& candidate : database_.Candidates(ecosystem, package)) {
        const AffectedPackage& entry =
            database_.advisory(candidate.advisory).affected[candidate.affected];
        if (!release.empty() && ParseEcosystem(entry.ecosystem)->release != release) {
          continue;
        }
        if (!advisory_id.empty() && database_.advisory(candidate.advisory).id != advisory_id) {
          continue;
        }
        auto match = MatchAffectedPackage(entry, scheme, expected.installed);
        ASSERT_TRUE(match.has_value()) << match.status().message();
        if (match->affected) {
          affected = true;
          if (!match->fixed_versions.empty()) {
            fixed = match->fixed_versions.front();
          }
        }
      }
      EXPECT_EQ(affected, expected.affected) << package << " " << expected.installed;
      EXPECT_EQ(fixed, expected.fixed) << package << " " << expected.installed;
    }
  }

  AdvisoryDatabase database_;
};

TEST_F(RealRangesTest, Log4jCore) {
  Check("Maven", "org.apache.logging.log4j:log4j-core", "",
        {{"2.14.1", true, "2.15.0"},
         {"2.15.0", false, ""},
         {"2.13.0", true, "2.15.0"},
         {"2.12.1", true, "2.12.2"},
         {"2.12.2", false, ""},
         {"2.4", true, "2.12.2"},
         {"2.3", true, "2.3.1"},
         {"2.3.1", false, ""},
         {"2.0-beta9", true, "2.3.1"}});
}

TEST_F(RealRangesTest, Lodash) {
  Check("npm", "lodash", "", {{"4.17.20", true, "4.17.21"}, {"4.17.21", false, ""}});
}

TEST_F(RealRangesTest, GoStandardLibrary) {
  Check("Go", "stdlib", "",
        {{"1.21.2", true, "1.21.5"},
         {"1.20.11", true, "1.20.12"},
         {"1.20.12", false, ""},
         {"1.21.5", false, ""},
         {"1.21.0-0", true, "1.21.5"}},
        "GO-2023-2382");
  Check("Go", "stdlib", "",
        {{"1.21.11", true, "1.21.12"},
         {"1.21.12", false, ""},
         {"1.22.4", true, "1.22.5"},
         {"1.22.5", false, ""},
         {"v1.22.5", false, ""}},
        "GO-2024-2963");
}

TEST_F(RealRangesTest, DebianNginxForItsRelease) {
  Check("Debian", "nginx", "7",
        {{"1.2.1-2.2+wheezy2", true, "1.2.1-2.2+wheezy3"},
         {"1.2.1-2.2+wheezy3", false, ""},
         {"1.2.1-2.2+wheezy4", false, ""}});
}

TEST_F(RealRangesTest, AlpineMariadbPerRelease) {
  Check("Alpine", "mariadb", "v3.16", {{"10.6.7-r0", true, "10.6.8-r0"}, {"10.6.8-r0", false, ""}});
  Check("Alpine", "mariadb", "v3.12", {{"10.4.24-r0", true, "10.4.25-r0"}});
}

TEST_F(RealRangesTest, RequestsRangeAndVersions) {
  Check("PyPI", "requests", "",
        {{"2.30.0", true, "2.31.0"}, {"2.31.0", false, ""}, {"2.2.1", false, ""}});
}

TEST_F(RealRangesTest, VersionsListOnly) {
  Check("PyPI", "123bla", "", {{"0.0.1", true, ""}, {"0.0.2", false, ""}});
}

AffectedPackage Package(std::string ecosystem, std::vector<RangeEvent> events,
                        RangeType type = RangeType::kEcosystem) {
  AffectedPackage package;
  package.ecosystem = std::move(ecosystem);
  package.name = "example";
  package.ranges.push_back({type, "", std::move(events)});
  return package;
}

TEST(MatchAffectedPackage, FixedEqualToInstalledIsNotAffected) {
  const auto package =
      Package("Debian:12", {{EventKind::kIntroduced, "0"}, {EventKind::kFixed, "1.2-3"}});
  auto match = MatchAffectedPackage(package, VersionScheme::kDpkg, "1.2-3");
  ASSERT_TRUE(match.has_value());
  EXPECT_FALSE(match->affected);
}

TEST(MatchAffectedPackage, NpmRangeEndsAtFix) {
  const auto package =
      Package("npm", {{EventKind::kIntroduced, "16.0.0"}, {EventKind::kFixed, "16.1.5"}},
              RangeType::kSemVer);
  auto later = MatchAffectedPackage(package, VersionScheme::kSemVer, "16.2.2");
  ASSERT_TRUE(later.has_value());
  EXPECT_FALSE(later->affected);
  auto inside = MatchAffectedPackage(package, VersionScheme::kSemVer, "16.1.4");
  ASSERT_TRUE(inside.has_value());
  EXPECT_TRUE(inside->affected);
  auto before = MatchAffectedPackage(package, VersionScheme::kSemVer, "15.9.9");
  ASSERT_TRUE(before.has_value());
  EXPECT_FALSE(before->affected);
}

TEST(MatchAffectedPackage, AlpineReleaseCandidateFix) {
  const auto package =
      Package("Alpine:v3.18", {{EventKind::kIntroduced, "0"}, {EventKind::kFixed, "1.6_rc1-r0"}});
  auto release = MatchAffectedPackage(package, VersionScheme::kApk, "1.6-r0");
  ASSERT_TRUE(release.has_value());
  EXPECT_FALSE(release->affected);
  auto older = MatchAffectedPackage(package, VersionScheme::kApk, "1.5-r3");
  ASSERT_TRUE(older.has_value());
  EXPECT_TRUE(older->affected);
}

TEST(MatchAffectedPackage, LastAffectedAndLimit) {
  const auto last =
      Package("PyPI", {{EventKind::kIntroduced, "1.0"}, {EventKind::kLastAffected, "1.4"}});
  EXPECT_TRUE(MatchAffectedPackage(last, VersionScheme::kPep440, "1.4")->affected);
  EXPECT_FALSE(MatchAffectedPackage(last, VersionScheme::kPep440, "1.4.1")->affected);
  EXPECT_TRUE(MatchAffectedPackage(last, VersionScheme::kPep440, "1.2")->has_unfixed_range);

  const auto limited = Package("PyPI", {{EventKind::kIntroduced, "0"}, {EventKind::kLimit, "2.0"}});
  EXPECT_TRUE(MatchAffectedPackage(limited, VersionScheme::kPep440, "1.9")->affected);
  EXPECT_FALSE(MatchAffectedPackage(limited, VersionScheme::kPep440, "2.0")->affected);
}

TEST(MatchAffectedPackage, RpmEpochOnOneSide) {
  const auto package =
      Package("Rocky Linux:9", {{EventKind::kIntroduced, "0"}, {EventKind::kFixed, "1:1.0-2.el9"}});
  auto no_epoch = MatchAffectedPackage(package, VersionScheme::kRpm, "2.0-1.el9");
  ASSERT_TRUE(no_epoch.has_value());
  EXPECT_TRUE(no_epoch->affected);
  auto with_epoch = MatchAffectedPackage(package, VersionScheme::kRpm, "1:1.0-2.el9");
  ASSERT_TRUE(with_epoch.has_value());
  EXPECT_FALSE(with_epoch->affected);
}

TEST(MatchAffectedPackage, UnparsableFixIsError) {
  const auto package =
      Package("Alpine:v3.18", {{EventKind::kIntroduced, "0"}, {EventKind::kFixed, "1.18.-r2"}});
  auto match = MatchAffectedPackage(package, VersionScheme::kApk, "1.17-r0");
  ASSERT_FALSE(match.has_value());
  EXPECT_NE(match.status().message().find("fixed event"), std::string::npos);
  EXPECT_NE(match.status().message().find("\"1.18.-r2\""), std::string::npos);
}

TEST(MatchAffectedPackage, GitRangesAreSkipped) {
  auto package = Package("PyPI",
                         {{EventKind::kIntroduced, "0"},
                          {EventKind::kFixed, "74ea7cf7a6a27a4eeb2ae24e162bcc942a6706d5"}},
                         RangeType::kGit);
  package.versions = {"2.30.0"};
  auto listed = MatchAffectedPackage(package, VersionScheme::kPep440, "2.30.0");
  ASSERT_TRUE(listed.has_value()) << listed.status().message();
  EXPECT_TRUE(listed->affected);
  auto other = MatchAffectedPackage(package, VersionScheme::kPep440, "2.31.0");
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->affected);
}

}  // namespace
}  // namespace rampart::vuln
