#include "vuln/image_fix.h"

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "finding/validate.h"
#include "oci/testing/registry_server.h"
#include "vuln/sbom.h"
#include "vuln/test_util.h"

namespace rampart::vuln {
namespace {

using testing_util::SharedVulnData;
using testing_util::TempDir;
using testing_util::WriteText;

constexpr const char* kRepository = "team/payments";
constexpr const char* kLog4j = "CVE-2021-44228";   // GHSA-jfh8-c2jp-5v3q, fixed in 2.15.0
constexpr const char* kLodash = "CVE-2021-23337";  // GHSA-35jh-r3h4-6jhm, fixed in 4.17.21

// A CycloneDX SBOM of the payments image with these log4j-core and lodash versions.
std::string CycloneDx(const std::string& log4j, const std::string& lodash) {
  return fmt::format(R"({{"bomFormat": "CycloneDX", "specVersion": "1.5",
    "metadata": {{"component": {{"type": "container", "name": "payments"}}}},
    "components": [
      {{"type": "library", "name": "log4j-core", "version": "{0}",
        "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@{0}"}},
      {{"type": "library", "name": "lodash", "version": "{1}", "purl": "pkg:npm/lodash@{1}"}}]}})",
                     log4j, lodash);
}

// The same packages as an SPDX 2.3 document.
std::string Spdx(const std::string& log4j, const std::string& lodash) {
  return fmt::format(R"({{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
    "name": "payments", "packages": [
      {{"SPDXID": "SPDXRef-log4j", "name": "log4j-core", "versionInfo": "{0}",
        "externalRefs": [{{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
          "referenceLocator": "pkg:maven/org.apache.logging.log4j/log4j-core@{0}"}}]}},
      {{"SPDXID": "SPDXRef-lodash", "name": "lodash", "versionInfo": "{1}",
        "externalRefs": [{{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
          "referenceLocator": "pkg:npm/lodash@{1}"}}]}}]}})",
                     log4j, lodash);
}

const Json* FindingFor(const std::vector<Json>& findings, const std::string& id) {
  for (const Json& finding : findings) {
    if (finding["Vulnerabilities"][0]["Id"] == id) {
      return &finding;
    }
  }
  return nullptr;
}

std::vector<std::string> CheckedTags(const ImageFix& fix) {
  std::vector<std::string> tags;
  for (const TagCheck& check : fix.checks) {
    tags.push_back(check.tag + " " + std::string(TagVerdictName(check.verdict)));
  }
  return tags;
}

class ImageFixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (SharedVulnData().empty()) {
      GTEST_SKIP() << "../shared/data is absent, so the OSV records are missing";
    }
    if (!oci::testing::RegistryAvailable()) {
      GTEST_SKIP() << "docker-registry is not installed; scripts/install-deps installs it";
    }
    auto database = AdvisoryDatabase::Load((SharedVulnData() / "osv-records").string());
    ASSERT_TRUE(database.has_value()) << database.status().ToString();
    database_.emplace(std::move(*database));
    ASSERT_TRUE(registry_.Start().ok());
    options_.base_url = registry_.url();
    options_.allowed_hosts = &allowed_;

    auto image = oci::ParseImageRef(registry_.host() + "/" + kRepository + ":1.4.0");
    ASSERT_TRUE(image.has_value());
    image_ = *image;
    auto inventory = ReadSbom(CycloneDx("2.14.1", "4.17.20"), "payments-1.4.0.cdx.json");
    ASSERT_TRUE(inventory.has_value()) << inventory.status().ToString();
    findings_ = Scan(*database_, *inventory, FindingOptions{}).findings;
    ASSERT_NE(FindingFor(findings_, kLog4j), nullptr);
    ASSERT_NE(FindingFor(findings_, kLodash), nullptr);
  }

  // Pushes `tag` with `sbom` attached as a referrer (`cosign` false) or a cosign tag.
  void PushWithSbom(const std::string& tag, const std::string& sbom, const std::string& media_type,
                    bool cosign = false) {
    auto image = registry_.PushImage(kRepository, tag);
    ASSERT_TRUE(image.has_value()) << image.status().ToString();
    const Status attached =
        cosign ? registry_.AttachCosignSbom(kRepository, image->digest, sbom, media_type)
               : registry_.AttachReferrerSbom(kRepository, *image, sbom, media_type);
    ASSERT_TRUE(attached.ok()) << attached.ToString();
  }

  Result<ImageFixFinder> Finder(RegistrySbomSource& source) {
    auto tags = oci::ListTags(options_, kRepository);
    if (!tags) {
      return tags.status();
    }
    ImageFixOptions options;
    options.image = image_;
    options.tags = *tags;
    return ImageFixFinder::Create(*database_, options, {&source});
  }

  RegistrySbomSource Source() {
    return RegistrySbomSource(options_, registry_.host(), kRepository, 1 << 20);
  }

  std::optional<AdvisoryDatabase> database_;
  std::vector<std::string> allowed_{"127.0.0.1"};
  oci::testing::RegistryServer registry_;
  oci::RegistryClientOptions options_;
  oci::ImageRef image_;
  std::vector<Json> findings_;
};

TEST_F(ImageFixTest, SmallestFixedTagWins) {
  PushWithSbom("1.3.9", CycloneDx("2.17.1", "4.17.21"), "application/vnd.cyclonedx+json");
  PushWithSbom("1.4.0", CycloneDx("2.14.1", "4.17.20"), "application/vnd.cyclonedx+json");
  PushWithSbom("1.4.1", CycloneDx("2.14.1", "4.17.21"), "application/vnd.cyclonedx+json", true);
  PushWithSbom("1.4.2", Spdx("2.15.0", "4.17.21"), "text/spdx+json");
  PushWithSbom("1.5.0", CycloneDx("2.17.1", "4.17.21"), "application/vnd.cyclonedx+json");
  PushWithSbom("latest", CycloneDx("2.17.1", "4.17.21"), "application/vnd.cyclonedx+json");

  RegistrySbomSource source = Source();
  auto finder = Finder(source);
  ASSERT_TRUE(finder.has_value()) << finder.status().ToString();
  EXPECT_EQ(finder->candidates(), (std::vector<std::string>{"1.4.1", "1.4.2", "1.5.0"}));

  auto log4j = finder->Find(*FindingFor(findings_, kLog4j));
  ASSERT_TRUE(log4j.has_value()) << log4j.status().ToString();
  ASSERT_TRUE(log4j->fixed_tag.has_value()) << log4j->Summary();
  EXPECT_EQ(*log4j->fixed_tag, "1.4.2");
  EXPECT_EQ(CheckedTags(*log4j), (std::vector<std::string>{"1.4.1 still affected", "1.4.2 fixed"}));
  EXPECT_EQ(log4j->url, registry_.url() + "/v2/team/payments/manifests/1.4.2");
  EXPECT_NE(log4j->checks[1].detail.find("referrer sha256:"), std::string::npos);

  auto lodash = finder->Find(*FindingFor(findings_, kLodash));
  ASSERT_TRUE(lodash.has_value()) << lodash.status().ToString();
  ASSERT_TRUE(lodash->fixed_tag.has_value());
  EXPECT_EQ(*lodash->fixed_tag, "1.4.1");
  EXPECT_NE(lodash->checks[0].detail.find("cosign tag sha256-"), std::string::npos);
}

TEST_F(ImageFixTest, NoFixedTagIsReported) {
  PushWithSbom("1.4.0", CycloneDx("2.14.1", "4.17.20"), "application/vnd.cyclonedx+json");
  PushWithSbom("1.4.1", CycloneDx("2.14.1", "4.17.21"), "application/vnd.cyclonedx+json");
  PushWithSbom("1.3.0", CycloneDx("2.17.1", "4.17.21"), "application/vnd.cyclonedx+json");

  RegistrySbomSource source = Source();
  auto finder = Finder(source);
  ASSERT_TRUE(finder.has_value()) << finder.status().ToString();
  auto fix = finder->Find(*FindingFor(findings_, kLog4j));
  ASSERT_TRUE(fix.has_value()) << fix.status().ToString();
  EXPECT_FALSE(fix->fixed_tag.has_value());
  EXPECT_EQ(CheckedTags(*fix), (std::vector<std::string>{"1.4.1 still affected"}));
  EXPECT_EQ(fix->Summary(),
            "no fixed tag found among 1 newer tags (1 tried): 1.4.1 still affected");
}

TEST_F(ImageFixTest, UnusableSbomsAreSkipped) {
  PushWithSbom("1.4.0", CycloneDx("2.14.1", "4.17.20"), "application/vnd.cyclonedx+json");
  ASSERT_TRUE(registry_.PushTag(kRepository, "1.4.1").has_value());  // no SBOM
  PushWithSbom("1.4.2", "{not json", "application/vnd.cyclonedx+json");
  PushWithSbom("1.4.3", CycloneDx("2.16.0", "4.17.21"), "application/vnd.cyclonedx+json");

  RegistrySbomSource source = Source();
  auto finder = Finder(source);
  ASSERT_TRUE(finder.has_value()) << finder.status().ToString();
  auto fix = finder->Find(*FindingFor(findings_, kLog4j));
  ASSERT_TRUE(fix.has_value()) << fix.status().ToString();
  ASSERT_TRUE(fix->fixed_tag.has_value());
  EXPECT_EQ(*fix->fixed_tag, "1.4.3");
  EXPECT_EQ(CheckedTags(*fix),
            (std::vector<std::string>{"1.4.1 no SBOM", "1.4.2 unreadable SBOM", "1.4.3 fixed"}));
}

TEST_F(ImageFixTest, StoppedRegistryFailsSearch) {
  PushWithSbom("1.4.1", CycloneDx("2.15.0", "4.17.21"), "application/vnd.cyclonedx+json");
  RegistrySbomSource source = Source();
  auto finder = Finder(source);
  ASSERT_TRUE(finder.has_value()) << finder.status().ToString();
  registry_.Stop();
  auto fix = finder->Find(*FindingFor(findings_, kLog4j));
  ASSERT_FALSE(fix.has_value());
  EXPECT_EQ(fix.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(fix.status().message().find("team/payments:1.4.1"), std::string::npos)
      << fix.status().message();
}

TEST_F(ImageFixTest, FolderSourceWithoutRegistry) {
  TempDir dir;
  WriteText(dir.path() / "1.4.0.cdx.json", CycloneDx("2.14.1", "4.17.20"));
  WriteText(dir.path() / "1.4.1.spdx.json", Spdx("2.14.1", "4.17.21"));
  WriteText(dir.path() / "1.4.2.json", CycloneDx("2.15.0", "4.17.21"));
  WriteText(dir.path() / "notes.txt", "not an SBOM");
  SbomFolderSource folder(dir.path().string());
  auto tags = folder.Tags();
  ASSERT_TRUE(tags.has_value()) << tags.status().ToString();
  EXPECT_EQ(*tags, (std::vector<std::string>{"1.4.0", "1.4.1", "1.4.2"}));
  auto escape = folder.Fetch("../1.4.0.cdx");
  ASSERT_TRUE(escape.has_value());
  EXPECT_FALSE(escape->has_value());

  ImageFixOptions options;
  options.image = image_;
  options.tags = *tags;
  auto finder = ImageFixFinder::Create(*database_, options, {&folder});
  ASSERT_TRUE(finder.has_value()) << finder.status().ToString();
  auto fix = finder->Find(*FindingFor(findings_, kLog4j));
  ASSERT_TRUE(fix.has_value()) << fix.status().ToString();
  ASSERT_TRUE(fix->fixed_tag.has_value());
  EXPECT_EQ(*fix->fixed_tag, "1.4.2");
  EXPECT_EQ(fix->checks[1].detail, (dir.path() / "1.4.2.json").string());
  EXPECT_TRUE(fix->url.empty());
}

TEST_F(ImageFixTest, CurrentTagMustBeVersion) {
  SbomFolderSource folder("/nonexistent");
  ImageFixOptions options;
  options.image = *oci::ParseImageRef("registry.example.com/team/payments:latest");
  auto latest = ImageFixFinder::Create(*database_, options, {&folder});
  ASSERT_FALSE(latest.has_value());
  EXPECT_NE(latest.status().message().find("'latest'"), std::string::npos);
  options.image = *oci::ParseImageRef("registry.example.com/team/payments");
  auto untagged = ImageFixFinder::Create(*database_, options, {&folder});
  ASSERT_FALSE(untagged.has_value());
  EXPECT_NE(untagged.status().message().find("has no tag"), std::string::npos);
}

TEST_F(ImageFixTest, RecordedFixIsValidAsff) {
  Json finding = *FindingFor(findings_, kLog4j);
  ImageFix fix;
  fix.fixed_tag = "1.4.2";
  fix.url = registry_.url() + "/v2/team/payments/manifests/1.4.2";
  fix.newer_tags = 2;
  fix.checks = {{"1.4.1", TagVerdict::kAffected, "x"}, {"1.4.2", TagVerdict::kFixed, "y"}};
  RecordImage(finding, image_);
  RecordImageFix(finding, image_, fix);

  const Json& fields = finding["ProductFields"];
  EXPECT_EQ(fields["rampart/vuln/Image"], image_.ToString());
  EXPECT_EQ(fields["rampart/vuln/FixedImageTag"], "1.4.2");
  EXPECT_EQ(fields["rampart/vuln/FixedImage"], image_.name + ":1.4.2");
  EXPECT_EQ(fields["rampart/vuln/FixedImageSearch"],
            "fixed tag 1.4.2: 1.4.1 still affected; 1.4.2 fixed (y)");
  const std::string text = finding["Remediation"]["Recommendation"]["Text"];
  EXPECT_EQ(text.rfind("Upgrade image " + image_.name + " from 1.4.0 to 1.4.2: ", 0), 0u) << text;
  EXPECT_NE(text.find("Upgrade org.apache.logging.log4j:log4j-core from 2.14.1 to 2.15.0"),
            std::string::npos)
      << text;
  EXPECT_EQ(finding["Remediation"]["Recommendation"]["Url"], fix.url);
  const Json& container = finding["Resources"].back();
  EXPECT_EQ(container["Type"], "Container");
  EXPECT_EQ(container["Details"]["Container"]["ImageName"], image_.ToString());
  const auto problems = finding::ValidateFinding(finding);
  EXPECT_TRUE(problems.empty()) << finding::DescribeProblems(finding, problems);

  RecordImage(finding, image_);
  EXPECT_EQ(finding["Resources"].size(), 2u) << "the container resource is added once";
}

}  // namespace
}  // namespace rampart::vuln
