#include "remediate/verifier.h"

#include <gtest/gtest.h>

namespace rampart::remediate {
namespace {

Json Finding(const std::string& id) {
  return Json{{"ProductArn", "arn:p"}, {"Id", id}, {"RecordState", "ACTIVE"}};
}

TEST(ProblemGone, AbsentFindingIsGone) { EXPECT_TRUE(ProblemGone(Finding("a"), {Finding("b")})); }

TEST(ProblemGone, PresentFindingIsNotGone) {
  EXPECT_FALSE(ProblemGone(Finding("a"), {Finding("a")}));
}

TEST(ProblemGone, PassedComplianceIsGone) {
  Json passed = Finding("a");
  passed["Compliance"] = {{"Status", "PASSED"}};
  EXPECT_TRUE(ProblemGone(Finding("a"), {passed}));
}

TEST(ProblemGone, ArchivedIsGone) {
  Json archived = Finding("a");
  archived["RecordState"] = "ARCHIVED";
  EXPECT_TRUE(ProblemGone(Finding("a"), {archived}));
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

TEST(Verifier, ReportUsesScanner) {
  Verifier verify = MakeVerifier([](const std::string& path) -> Result<std::vector<Json>> {
    EXPECT_EQ(path, "rescan.json");
    return std::vector<Json>{Finding("a")};
  });
  VerifySpec spec;
  spec.report = "rescan.json";
  auto still_there = verify(spec, Finding("a"), ActionContext{});
  ASSERT_TRUE(still_there.has_value());
  EXPECT_FALSE(*still_there);
}

}  // namespace
}  // namespace rampart::remediate
