#include "posture/compliance.h"

#include <gtest/gtest.h>

namespace rampart::posture {
namespace {

Json Finding(std::string_view status, std::vector<std::string> requirements,
             std::string_view record_state = "ACTIVE", std::string_view workflow = "NEW") {
  return {{"RecordState", record_state},
          {"Workflow", {{"Status", workflow}}},
          {"Compliance", {{"Status", status}, {"RelatedRequirements", requirements}}}};
}

const StandardSummary& For(const std::vector<StandardSummary>& summaries, Standard standard) {
  for (const StandardSummary& summary : summaries) {
    if (summary.standard == standard) {
      return summary;
    }
  }
  ADD_FAILURE() << "no summary for " << StandardName(standard);
  return summaries.front();
}

TEST(Compliance, AnyFailedFindingFailsControl) {
  const std::vector<Json> findings = {
      Finding("PASSED", {"PCI DSS v4.0.1/8.6.2"}), Finding("FAILED", {"PCI DSS v4.0.1/8.6.2"}),
      Finding("PASSED", {"PCI DSS v4.0.1/2.2.6"}), Finding("PASSED", {"PCI DSS v4.0.1/7.2.5"}),
      Finding("PASSED", {"PCI DSS v4.0.1/7.2.5"}),
  };
  const auto summaries = SummarizeCompliance(findings);
  const StandardSummary& pci = For(summaries, Standard::kPciDss);
  EXPECT_EQ(pci.passed, 2u);
  EXPECT_EQ(pci.failed, 1u);
  ASSERT_TRUE(pci.Score().has_value());
  EXPECT_NEAR(*pci.Score(), 2.0 / 3.0, 1e-9);
  ASSERT_EQ(pci.controls.size(), 3u);
  EXPECT_EQ(pci.controls[2].requirement, "PCI DSS v4.0.1/8.6.2");
  EXPECT_EQ(pci.controls[2].status, ControlStatus::kFailed);
  EXPECT_EQ(pci.controls[2].passed_findings, 1u);
  EXPECT_EQ(pci.controls[2].failed_findings, 1u);
}

TEST(Compliance, WarningsAloneGiveNoData) {
  const std::vector<Json> findings = {
      Finding("WARNING", {"cis-1.5 3.1.1"}),
      Finding("NOT_AVAILABLE", {"cis-1.5 3.1.2"}),
      Finding("PASSED", {"cis-1.5 1.1.1"}),
  };
  const auto summaries = SummarizeCompliance(findings);
  const StandardSummary& cis = For(summaries, Standard::kCisKubernetes);
  EXPECT_EQ(cis.passed, 1u);
  EXPECT_EQ(cis.failed, 0u);
  EXPECT_EQ(cis.no_data, 2u);
  EXPECT_EQ(cis.Score(), 1.0);
}

TEST(Compliance, SkipsArchivedAndSuppressed) {
  const std::vector<Json> findings = {
      Finding("FAILED", {"PSS baseline/privileged"}, "ARCHIVED"),
      Finding("FAILED", {"PSS baseline/privileged"}, "ACTIVE", "SUPPRESSED"),
      Finding("PASSED", {"PSS baseline/privileged"}),
  };
  const auto summaries = SummarizeCompliance(findings);
  const StandardSummary& baseline = For(summaries, Standard::kPssBaseline);
  EXPECT_EQ(baseline.passed, 1u);
  EXPECT_EQ(baseline.failed, 0u);
}

TEST(Compliance, RestrictedIncludesBaselineControls) {
  const std::vector<Json> findings = {
      Finding("FAILED", {"PSS baseline/privileged"}),
      Finding("PASSED", {"PSS restricted/runAsNonRoot"}),
  };
  const auto summaries = SummarizeCompliance(findings);
  EXPECT_EQ(For(summaries, Standard::kPssBaseline).failed, 1u);
  EXPECT_EQ(For(summaries, Standard::kPssBaseline).passed, 0u);
  EXPECT_EQ(For(summaries, Standard::kPssRestricted).failed, 1u);
  EXPECT_EQ(For(summaries, Standard::kPssRestricted).passed, 1u);
}

TEST(Compliance, EmptyStandardHasNoScore) {
  const auto summaries = SummarizeCompliance({Finding("FAILED", {"unknown/1"})});
  for (const StandardSummary& summary : summaries) {
    EXPECT_FALSE(summary.Score().has_value()) << StandardName(summary.standard);
  }
}

TEST(Requirements, ParseEveryForm) {
  const auto cis = ParseRequirement("CIS Kubernetes Benchmark v1.10.0/5.2.2");
  ASSERT_TRUE(cis.has_value());
  EXPECT_EQ(cis->standard, Standard::kCisKubernetes);
  EXPECT_EQ(cis->control, "5.2.2");
  const auto eks = ParseRequirement("eks-1.8.0 4.1.1");
  ASSERT_TRUE(eks.has_value());
  EXPECT_EQ(eks->standard, Standard::kCisEks);
  EXPECT_EQ(eks->standard_text, "eks-1.8.0");
  EXPECT_EQ(eks->control, "4.1.1");
  const auto bench = ParseRequirement("cis-1.5 1.1.1");
  ASSERT_TRUE(bench.has_value());
  EXPECT_EQ(bench->standard, Standard::kCisKubernetes);
  EXPECT_FALSE(ParseRequirement("NIST.800-53.r5 AC-3").has_value());
  EXPECT_FALSE(ParseRequirement("gke-1.2 4.1.1").has_value());
}

}  // namespace
}  // namespace rampart::posture
