// Reads the real SBOMs and hand-written package URLs into packages named as OSV names them.
#include "vuln/sbom.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "vuln/purl.h"
#include "vuln/test_util.h"

namespace rampart::vuln {
namespace {

using testing_util::SharedVulnData;

const Package* FindPackage(const Inventory& inventory, std::string_view name) {
  for (const Package& package : inventory.packages) {
    if (package.name == name) {
      return &package;
    }
  }
  return nullptr;
}

class RealSbomTest : public testing::Test {
 protected:
  void SetUp() override {
    if (SharedVulnData().empty()) {
      GTEST_SKIP() << "../shared/data/vuln is absent, so the real SBOMs cannot be read";
    }
  }

  Inventory Read(const std::string& file) {
    const std::filesystem::path path = SharedVulnData() / "sbom" / file;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto inventory = ReadSbom(text.str(), file);
    EXPECT_TRUE(inventory.has_value()) << inventory.status().message();
    return inventory.value_or(Inventory{});
  }
};

TEST_F(RealSbomTest, TrivyCentosCycloneDx) {
  const Inventory inventory = Read("trivy_centos-7-cyclonedx.json");
  EXPECT_EQ(inventory.format, "CycloneDX 1.5");
  EXPECT_EQ(inventory.artifact, "integration/testdata/fixtures/images/centos-7.tar.gz");
  ASSERT_EQ(inventory.packages.size(), 2u);
  const Package* openssl = FindPackage(inventory, "openssl-libs");
  ASSERT_NE(openssl, nullptr);
  EXPECT_EQ(openssl->ecosystem, "Red Hat");
  EXPECT_EQ(openssl->release, "7.6.1810");
  EXPECT_EQ(openssl->version, "1:1.0.2k-16.el7");
  EXPECT_EQ(openssl->source_name, "openssl");
  EXPECT_EQ(openssl->source_version, "");
  EXPECT_EQ(openssl->location, "$.components[1]");
  EXPECT_EQ(AdvisoryNames(*openssl), (std::vector<std::string>{"openssl", "openssl-libs"}));
}

TEST_F(RealSbomTest, TrivyCentosSpdx) {
  const Inventory inventory = Read("trivy_centos-7-spdx.json");
  EXPECT_EQ(inventory.format, "SPDX-2.2");
  ASSERT_EQ(inventory.packages.size(), 2u);
  const Package* bash = FindPackage(inventory, "bash");
  ASSERT_NE(bash, nullptr);
  EXPECT_EQ(bash->ecosystem, "Red Hat");
  EXPECT_EQ(bash->version, "4.2.46-31.el7");
  const Package* openssl = FindPackage(inventory, "openssl-libs");
  ASSERT_NE(openssl, nullptr);
  EXPECT_EQ(openssl->version, "1:1.0.2k-16.el7");
}

TEST_F(RealSbomTest, AlpineApkPurl) {
  const Inventory inventory = Read("osv-scanner_alpine-zlib-16.cdx.json");
  ASSERT_EQ(inventory.packages.size(), 1u);
  const Package& zlib = inventory.packages[0];
  EXPECT_EQ(zlib.ecosystem, "Alpine");
  EXPECT_EQ(zlib.name, "zlib");
  EXPECT_EQ(zlib.version, "1.2.12-r1");
  EXPECT_EQ(zlib.release, "3.22.0");
  EXPECT_TRUE(ReleaseMatches("Alpine", "v3.22", zlib.release));
  EXPECT_FALSE(ReleaseMatches("Alpine", "v3.21", zlib.release));
}

TEST_F(RealSbomTest, UbuntuSpdxWithEpochAndCodename) {
  const Inventory inventory = Read("osv-scanner_only-unimportant.spdx.json");
  EXPECT_EQ(inventory.format, "SPDX-2.3");
  ASSERT_EQ(inventory.packages.size(), 1u);
  const Package& pcre = inventory.packages[0];
  EXPECT_EQ(pcre.ecosystem, "Ubuntu");
  EXPECT_EQ(pcre.name, "pcre3");
  EXPECT_EQ(pcre.version, "2:8.39-12ubuntu0.1");
  EXPECT_EQ(pcre.release, "20.04");
  EXPECT_TRUE(ReleaseMatches("Ubuntu", "20.04:LTS", pcre.release));
}

TEST_F(RealSbomTest, DebianBinaryToSource) {
  const Inventory inventory = Read("trivy_fluentd-multiple-lockfiles-cyclonedx.json");
  ASSERT_EQ(inventory.packages.size(), 3u);
  const Package* libidn = FindPackage(inventory, "libidn2-0");
  ASSERT_NE(libidn, nullptr);
  EXPECT_EQ(libidn->ecosystem, "Debian");
  EXPECT_EQ(libidn->release, "10.2");
  EXPECT_EQ(libidn->source_name, "libidn2");
  EXPECT_EQ(AdvisoryNames(*libidn), std::vector<std::string>{"libidn2"});
  EXPECT_TRUE(ReleaseMatches("Debian", "10", libidn->release));
  const Package* gem = FindPackage(inventory, "activesupport");
  ASSERT_NE(gem, nullptr);
  EXPECT_EQ(gem->ecosystem, "RubyGems");
  EXPECT_EQ(gem->version, "6.0.2.1");
}

TEST_F(RealSbomTest, KubernetesBomSkipsWhatHasNoEcosystem) {
  const Inventory inventory = Read("trivy_minikube-kbom.json");
  ASSERT_EQ(inventory.packages.size(), 1u);
  EXPECT_EQ(inventory.packages[0].ecosystem, "Go");
  EXPECT_EQ(inventory.packages[0].name, "docker");
  EXPECT_EQ(inventory.skipped.size(), 11u);
  for (const SkippedPackage& skipped : inventory.skipped) {
    EXPECT_NE(skipped.reason.find("has no OSV ecosystem"), std::string::npos) << skipped.reason;
  }
}

TEST_F(RealSbomTest, MavenProject) {
  const Inventory inventory = Read("cyclonedx-examples_dropwizard-1.3.15.bom.json");
  EXPECT_EQ(inventory.packages.size(), 167u);
  const Package* guava = FindPackage(inventory, "com.google.guava:guava");
  ASSERT_NE(guava, nullptr);
  EXPECT_EQ(guava->ecosystem, "Maven");
  EXPECT_EQ(guava->version, "24.1.1-jre");
}

TEST_F(RealSbomTest, ComposerProject) {
  const Inventory inventory = Read("cyclonedx-examples_laravel-7.12.0.bom.1.4.json");
  EXPECT_EQ(inventory.format, "CycloneDX 1.4");
  EXPECT_EQ(inventory.packages.size(), 62u);
  const Package* cron = FindPackage(inventory, "dragonmantank/cron-expression");
  ASSERT_NE(cron, nullptr);
  EXPECT_EQ(cron->ecosystem, "Packagist");
  EXPECT_EQ(cron->version, "v2.3.1");
}

TEST(ReadSbom, RejectsOtherDocuments) {
  auto other = ReadSbom(R"({"Findings": []})", "report.json");
  ASSERT_FALSE(other.has_value());
  EXPECT_NE(other.status().message().find("report.json"), std::string::npos);
  auto old_spdx = ReadSbom(R"({"spdxVersion": "SPDX-2.1"})", "old.json");
  ASSERT_FALSE(old_spdx.has_value());
  EXPECT_NE(old_spdx.status().message().find("SPDX-2.1"), std::string::npos);
  auto broken = ReadSbom("{\"bomFormat\": ", "broken.json");
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.status().message().find("broken.json"), std::string::npos);
}

TEST(ReadSbom, CycloneDxNestedAndOperatingSystem) {
  auto inventory = ReadSbom(R"({
    "bomFormat": "CycloneDX", "specVersion": "1.6",
    "metadata": {"component": {"name": "registry.example/app", "version": "1.0"}},
    "components": [
      {"type": "operating-system", "name": "debian", "version": "12.5"},
      {"type": "library", "name": "openssl", "version": "3.0.11-1~deb12u2",
       "purl": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl",
       "components": [{"type": "library", "name": "left", "purl": "pkg:npm/left-pad@1.3.0"}]},
      {"type": "library", "name": "no-purl", "version": "1"}
    ]})",
                            "bom.json");
  ASSERT_TRUE(inventory.has_value()) << inventory.status().message();
  EXPECT_EQ(inventory->artifact, "registry.example/app:1.0");
  ASSERT_EQ(inventory->packages.size(), 2u);
  EXPECT_EQ(inventory->packages[0].source_name, "openssl");
  EXPECT_EQ(inventory->packages[0].release, "12.5");
  EXPECT_EQ(inventory->packages[1].location, "$.components[1].components[0]");
  ASSERT_EQ(inventory->skipped.size(), 1u);
  EXPECT_EQ(inventory->skipped[0].location, "$.components[2]");
}

TEST(PackageFromUrl, EpochQualifier) {
  auto rpm = PackageFromUrl("pkg:rpm/rocky/openssl@3.0.7-25.el9?epoch=1&distro=rocky-9.3");
  ASSERT_TRUE(rpm.has_value()) << rpm.status().message();
  EXPECT_EQ(rpm->ecosystem, "Rocky Linux");
  EXPECT_EQ(rpm->version, "1:3.0.7-25.el9");
  EXPECT_EQ(rpm->release, "9.3");
  EXPECT_TRUE(ReleaseMatches("Rocky Linux", "9", rpm->release));
}

TEST(PackageFromUrl, LanguageNames) {
  EXPECT_EQ(PackageFromUrl("pkg:npm/%40babel/core@7.0.0")->name, "@babel/core");
  EXPECT_EQ(PackageFromUrl("pkg:golang/github.com/gin-gonic/gin@v1.5.0")->name,
            "github.com/gin-gonic/gin");
  EXPECT_EQ(PackageFromUrl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")->name,
            "org.apache.logging.log4j:log4j-core");
  EXPECT_EQ(PackageFromUrl("pkg:pypi/requests@2.30.0")->ecosystem, "PyPI");
  EXPECT_EQ(PackageFromUrl("pkg:cargo/smallvec@1.6.0")->ecosystem, "crates.io");
}

TEST(PackageFromUrl, RejectsUnknownTypes) {
  auto unknown = PackageFromUrl("pkg:generic/thing@1.0");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.status().message().find("generic"), std::string::npos);
  auto fedora = PackageFromUrl("pkg:rpm/fedora/bash@5.2-1.fc39");
  ASSERT_FALSE(fedora.has_value());
  auto invalid = PackageFromUrl("npm/left-pad@1.0");
  ASSERT_FALSE(invalid.has_value());
  EXPECT_NE(invalid.status().message().find("\"npm/left-pad@1.0\""), std::string::npos);
}

TEST(ParsePackageUrl, AllParts) {
  auto purl = ParsePackageUrl(
      "pkg:deb/ubuntu/pcre3@2%3A8.39-12ubuntu0.1?arch=amd64&distro=focal&source=pcre3#sub/dir");
  ASSERT_TRUE(purl.has_value()) << purl.status().message();
  EXPECT_EQ(purl->type, "deb");
  EXPECT_EQ(purl->namespace_, "ubuntu");
  EXPECT_EQ(purl->name, "pcre3");
  EXPECT_EQ(purl->version, "2:8.39-12ubuntu0.1");
  EXPECT_EQ(purl->qualifiers.at("distro"), "focal");
  EXPECT_EQ(purl->subpath, "sub/dir");
  auto bad = ParsePackageUrl("pkg:npm/left-pad@1.0%2");
  ASSERT_FALSE(bad.has_value());
}

TEST(ReleaseMatches, Distributions) {
  EXPECT_TRUE(ReleaseMatches("Debian", "12", "12.4"));
  EXPECT_TRUE(ReleaseMatches("Debian", "12", "bookworm"));
  EXPECT_FALSE(ReleaseMatches("Debian", "11", "12.4"));
  EXPECT_TRUE(ReleaseMatches("Ubuntu", "Pro:18.04:LTS", "18.04"));
  EXPECT_FALSE(ReleaseMatches("Ubuntu", "22.04:LTS", "20.04"));
  EXPECT_TRUE(ReleaseMatches("Red Hat", "enterprise_linux:8::appstream", "8.9"));
  EXPECT_TRUE(ReleaseMatches("Red Hat", "rhel_aus:8.4::appstream", "8.4"));
  EXPECT_FALSE(ReleaseMatches("Red Hat", "enterprise_linux:9::baseos", "8.9"));
  EXPECT_TRUE(ReleaseMatches("Alpine", "", "3.18.4"));
  EXPECT_TRUE(ReleaseMatches("Alpine", "v3.18", ""));
}

}  // namespace
}  // namespace rampart::vuln
