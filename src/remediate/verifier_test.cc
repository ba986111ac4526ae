#include "remediate/verifier.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace rampart::remediate {
namespace {

Json Finding(const std::string& id) {
  return Json{{"ProductArn", "arn:p"},
              {"Id", id},
              {"GeneratorId", "trivy/CVE-2023-38545"},
              {"RecordState", "ACTIVE"},
              {"Resources", {{{"Type", "Container"}, {"Id", "registry.bank:5000/payments:2.4.1"}}}},
              {"Vulnerabilities", {{{"VulnerablePackages", {{{"Name", "curl"}}}}}}}};
}

// A finding of the same problem in another scan of the image, under another Id.
Json Rescanned(const std::string& id, const std::string& image) {
  Json finding = Finding(id);
  finding["Resources"][0]["Id"] = image;
  return finding;
}

bool IsFixed(const Json& finding, const VerifyScan& scan) {
  auto fixed = ProblemGone(finding, scan);
  EXPECT_TRUE(fixed.has_value()) << fixed.status().ToString();
  return fixed.value_or(false);
}

TEST(ProblemGone, PresentFindingIsNotGone) {
  EXPECT_FALSE(IsFixed(Finding("a"), {{Finding("a")}, {}}));
}

TEST(ProblemGone, PassedComplianceIsGone) {
  Json passed = Finding("a");
  passed["Compliance"] = {{"Status", "PASSED"}};
  EXPECT_TRUE(IsFixed(Finding("a"), {{passed}, {}}));
}

TEST(ProblemGone, ArchivedIsGone) {
  Json archived = Finding("a");
  archived["RecordState"] = "ARCHIVED";
  EXPECT_TRUE(IsFixed(Finding("a"), {{archived}, {}}));
}

TEST(ProblemGone, CleanScanOfSameImageIsGone) {
  EXPECT_TRUE(IsFixed(Finding("a"), {{}, {"registry.bank:5000/payments:2.4.1"}}));
}

TEST(ProblemGone, CleanScanOfBumpedImageIsGone) {
  EXPECT_TRUE(IsFixed(Finding("a"), {{}, {"registry.bank:5000/payments:2.4.2"}}));
  Json other = Rescanned("b", "registry.bank:5000/payments@sha256:0123");
  other["GeneratorId"] = "trivy/CVE-2024-0001";
  EXPECT_TRUE(IsFixed(Finding("a"), {{other}, {}}));
}

TEST(ProblemGone, BumpedImageStillVulnerable) {
  const Json again = Rescanned("b", "registry.bank:5000/payments:2.4.2");
  EXPECT_FALSE(IsFixed(Finding("a"), {{again}, {"registry.bank:5000/payments:2.4.2"}}));
}

TEST(ProblemGone, ScanOfOtherImageIsError) {
  const Json other = Rescanned("b", "registry.bank:5000/accounts:1.0");
  auto verdict = ProblemGone(Finding("a"), {{other}, {"registry.bank:5000/accounts:1.0"}});
  ASSERT_FALSE(verdict.has_value());
  EXPECT_EQ(verdict.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(verdict.status().message().find("does not scan registry.bank:5000/payments"),
            std::string::npos)
      << verdict.status().message();
}

TEST(Verifier, CommandExitStatusDecides) {
  Verifier verify = MakeVerifier(nullptr);
  VerifySpec fixed;
  fixed.command = {"/bin/sh", "-c", "exit 0"};
  VerifySpec broken;
  broken.command = {"/bin/sh", "-c", "exit 1"};
  VerifySpec failing;
  failing.command = {"/bin/sh", "-c", "exit 7"};
  auto yes = verify(fixed, Finding("a"), ActionContext{});
  auto no = verify(broken, Finding("a"), ActionContext{});
  auto error = verify(failing, Finding("a"), ActionContext{});
  ASSERT_TRUE(yes.has_value());
  EXPECT_TRUE(*yes);
  ASSERT_TRUE(no.has_value());
  EXPECT_FALSE(*no);
  EXPECT_FALSE(error.has_value());
}

TEST(Verifier, CommandReadsFindingOnStandardInput) {
  Verifier verify = MakeVerifier(nullptr);
  VerifySpec spec;
  spec.command = {"/bin/grep", "-q", "\"Id\":\"wanted\""};
  auto found = verify(spec, Finding("wanted"), ActionContext{});
  auto missing = verify(spec, Finding("other"), ActionContext{});
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(*found);
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(*missing);
}

// A relative program path with a slash is read from the configuration file's folder.
TEST(Verifier, RelativeCommandIsReadFromBaseDir) {
  const std::string dir = ::testing::TempDir() + "verifier_relative_command";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/bin");
  std::ofstream(dir + "/bin/fixed") << "#!/bin/sh\nexit 0\n";
  std::filesystem::permissions(dir + "/bin/fixed", std::filesystem::perms::owner_all);
  Verifier verify = MakeVerifier(nullptr);
  VerifySpec spec;
  spec.command = {"bin/fixed"};
  ActionContext context;
  context.base_dir = dir;
  auto fixed = verify(spec, Finding("a"), context);
  ASSERT_TRUE(fixed.has_value()) << fixed.status().ToString();
  EXPECT_TRUE(*fixed);

  context.base_dir = dir + "/elsewhere";
  auto missing = verify(spec, Finding("a"), context);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.status().message().find(dir + "/elsewhere/bin/fixed"), std::string::npos)
      << missing.status().message();
}

TEST(Verifier, ReportUsesScanner) {
  Verifier verify = MakeVerifier([](const std::string& path) -> Result<VerifyScan> {
    EXPECT_EQ(path, "rescan.json");
    return VerifyScan{{Finding("a")}, {}};
  });
  VerifySpec spec;
  spec.report = "rescan.json";
  auto still_there = verify(spec, Finding("a"), ActionContext{});
  ASSERT_TRUE(still_there.has_value());
  EXPECT_FALSE(*still_there);
}

}  // namespace
}  // namespace rampart::remediate
