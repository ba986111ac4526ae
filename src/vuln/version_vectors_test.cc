// Checks every comparison in the version vector files (from osv-scalibr, go-apk-version,
// go-rpm-version and osv.dev) against the ordering code.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vuln/version.h"

namespace rampart::vuln {
namespace {

namespace fs = std::filesystem;

const fs::path kVectors = fs::path(RAMPART_SHARED_DATA) / "vuln" / "version-vectors";

struct VectorFile {
  std::string name;  // test name
  std::string path;  // below version-vectors/
  VersionScheme scheme;
};

struct Comparison {
  int line = 0;
  std::string left;
  int expected = 0;
  std::string right;
};

int ParseOperator(std::string_view op) {
  if (op == "<") {
    return -1;
  }
  if (op == ">") {
    return 1;
  }
  if (op == "=") {
    return 0;
  }
  return 2;
}

// Reads "A op B" lines; '#' and '//' lines and blank lines are comments, and a '#' after
// the three fields starts a trailing comment. With `tabs`, the fields are TAB-separated
// and may be empty.
std::vector<Comparison> ReadComparisons(const fs::path& path, bool tabs) {
  std::ifstream in(path);
  std::vector<Comparison> comparisons;
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.empty() || text.rfind("#", 0) == 0 || text.rfind("//", 0) == 0) {
      continue;
    }
    Comparison comparison;
    comparison.line = number;
    std::string op;
    if (tabs) {
      const auto first = text.find('\t');
      const auto second = text.find('\t', first + 1);
      comparison.left = text.substr(0, first);
      op = text.substr(first + 1, second - first - 1);
      comparison.right = text.substr(second + 1);
    } else {
      std::istringstream fields(text);
      fields >> comparison.left >> op >> comparison.right;
    }
    comparison.expected = ParseOperator(op);
    comparisons.push_back(comparison);
  }
  return comparisons;
}

std::string Symbol(int order) { return order < 0 ? "<" : (order > 0 ? ">" : "="); }

class VersionVectorTest : public testing::TestWithParam<VectorFile> {};

TEST_P(VersionVectorTest, EveryLineAgrees) {
  const VectorFile& file = GetParam();
  const fs::path path = kVectors / file.path;
  if (!fs::exists(path)) {
    GTEST_SKIP() << path << " is absent (the ../shared/data folder is not checked out)";
  }
  const std::vector<Comparison> comparisons = ReadComparisons(path, false);
  ASSERT_FALSE(comparisons.empty()) << "no comparisons read from " << path;

  int failures = 0;
  int lenient_lines = 0;
  for (const Comparison& c : comparisons) {
    ASSERT_NE(c.expected, 2) << path << ":" << c.line << " has no valid operator";
    auto left = ParseVersion(file.scheme, c.left);
    auto right = ParseVersion(file.scheme, c.right);
    if (!left || !right) {
      ++lenient_lines;
      left = ParseVersion(file.scheme, c.left, VersionSyntax::kLenient);
      right = ParseVersion(file.scheme, c.right, VersionSyntax::kLenient);
    }
    if (!left || !right) {
      ADD_FAILURE() << path << ":" << c.line << ": "
                    << (!left ? left.status() : right.status()).message();
      ++failures;
      continue;
    }
    const int forward = CompareVersions(*left, *right);
    const int backward = CompareVersions(*right, *left);
    if (forward != c.expected || backward != -c.expected) {
      if (++failures <= 20) {
        ADD_FAILURE() << path << ":" << c.line << ": expected " << c.left << " "
                      << Symbol(c.expected) << " " << c.right << ", got " << Symbol(forward)
                      << " (reverse " << Symbol(backward) << ")";
      }
    }
  }
  EXPECT_EQ(failures, 0) << failures << " of " << comparisons.size() << " lines disagree";
  RecordProperty("lines", static_cast<int>(comparisons.size()));
  RecordProperty("lenient_lines", lenient_lines);
}

INSTANTIATE_TEST_SUITE_P(
    Files, VersionVectorTest,
    testing::Values(
        VectorFile{"alpine", "osv-scalibr/alpine-versions.txt", VersionScheme::kApk},
        VectorFile{"alpine_generated", "osv-scalibr/alpine-versions-generated.txt",
                   VersionScheme::kApk},
        VectorFile{"apk_tools", "go-apk-version/version.data", VersionScheme::kApk},
        VectorFile{"cran", "osv-scalibr/cran-versions.txt", VersionScheme::kCran},
        VectorFile{"cran_generated", "osv-scalibr/cran-versions-generated.txt",
                   VersionScheme::kCran},
        VectorFile{"debian", "osv-scalibr/debian-versions.txt", VersionScheme::kDpkg},
        VectorFile{"debian_generated", "osv-scalibr/debian-versions-generated.txt",
                   VersionScheme::kDpkg},
        VectorFile{"hackage", "osv-scalibr/hackage-versions.txt", VersionScheme::kHackage},
        VectorFile{"maven", "osv-scalibr/maven-versions.txt", VersionScheme::kMaven},
        VectorFile{"maven_generated", "osv-scalibr/maven-versions-generated.txt",
                   VersionScheme::kMaven},
        VectorFile{"nuget", "osv-scalibr/nuget-versions.txt", VersionScheme::kNuGet},
        VectorFile{"packagist", "osv-scalibr/packagist-versions.txt", VersionScheme::kPackagist},
        VectorFile{"packagist_generated", "osv-scalibr/packagist-versions-generated.txt",
                   VersionScheme::kPackagist},
        VectorFile{"pub", "osv-scalibr/pub-versions.txt", VersionScheme::kPub},
        VectorFile{"pypi", "osv-scalibr/pypi-versions.txt", VersionScheme::kPep440},
        VectorFile{"pypi_generated", "osv-scalibr/pypi-versions-generated.txt",
                   VersionScheme::kPep440},
        VectorFile{"redhat", "osv-scalibr/redhat-versions.txt", VersionScheme::kRpm},
        VectorFile{"rubygems", "osv-scalibr/rubygems-versions.txt", VersionScheme::kRubyGems},
        VectorFile{"rubygems_generated", "osv-scalibr/rubygems-versions-generated.txt",
                   VersionScheme::kRubyGems},
        VectorFile{"semver", "osv-scalibr/semver-versions.txt", VersionScheme::kSemVer}),
    [](const testing::TestParamInfo<VectorFile>& info) { return info.param.name; });

TEST(RpmVerCmpVectors, EveryLineAgrees) {
  const fs::path path = kVectors / "go-rpm-version" / "rpmvercmp-cases.tsv";
  if (!fs::exists(path)) {
    GTEST_SKIP() << path << " is absent (the ../shared/data folder is not checked out)";
  }
  const std::vector<Comparison> comparisons = ReadComparisons(path, true);
  ASSERT_EQ(comparisons.size(), 4489u);
  int failures = 0;
  for (const Comparison& c : comparisons) {
    const int forward = RpmVerCmp(c.left, c.right);
    const int backward = RpmVerCmp(c.right, c.left);
    if (forward != c.expected || backward != -c.expected) {
      if (++failures <= 20) {
        ADD_FAILURE() << path << ":" << c.line << ": expected '" << c.left << "' "
                      << Symbol(c.expected) << " '" << c.right << "', got " << Symbol(forward);
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

std::vector<std::string> ReadVersionList(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> versions;
  std::string text;
  while (std::getline(in, text)) {
    if (!text.empty() && text.front() != '#') {
      versions.push_back(text);
    }
  }
  return versions;
}

TEST(AlpineVersionLists, ValidVersionsParse) {
  const fs::path path = kVectors / "osv.dev-alpine" / "valid_versions.txt";
  if (!fs::exists(path)) {
    GTEST_SKIP() << path << " is absent (the ../shared/data folder is not checked out)";
  }
  const std::vector<std::string> versions = ReadVersionList(path);
  ASSERT_EQ(versions.size(), 185u);
  for (const std::string& version : versions) {
    auto parsed = ParseVersion(VersionScheme::kApk, version);
    EXPECT_TRUE(parsed.has_value()) << parsed.status().message();
  }
}

TEST(AlpineVersionLists, InvalidVersionsFail) {
  const fs::path path = kVectors / "osv.dev-alpine" / "invalid_versions.txt";
  if (!fs::exists(path)) {
    GTEST_SKIP() << path << " is absent (the ../shared/data folder is not checked out)";
  }
  const std::vector<std::string> versions = ReadVersionList(path);
  ASSERT_EQ(versions.size(), 11u);
  for (const std::string& version : versions) {
    auto parsed = ParseVersion(VersionScheme::kApk, version);
    ASSERT_FALSE(parsed.has_value()) << version << " was accepted";
    EXPECT_NE(parsed.status().message().find(version), std::string::npos);
  }
}

}  // namespace
}  // namespace rampart::vuln
