#include "store/import_rules.h"

#include <gtest/gtest.h>

#include "store/test_support.h"

namespace rampart::store {
namespace {

using testing::AsrFinding;
using testing::TrivyAlpineFindings;

const TimePoint kNow = FromUnixMicros(1'800'000'000'000'000);

Json StoredWith(Json finding, std::string_view workflow, std::string_view compliance,
                std::string_view record_state) {
  finding["Workflow"] = {{"Status", workflow}};
  finding["Compliance"] = {{"Status", compliance}};
  finding["RecordState"] = record_state;
  return finding;
}

std::string WorkflowAfter(std::string_view workflow, std::string_view old_compliance,
                          std::string_view new_compliance, std::string_view old_record,
                          std::string_view new_record) {
  const Json base = AsrFinding("afsbp-s3.2.finding.json");
  const Json stored = StoredWith(base, workflow, old_compliance, old_record);
  Json incoming = StoredWith(base, "NEW", new_compliance, new_record);
  const Json merged = MergeProviderUpdate(stored, incoming, 0, kNow);
  return merged["Workflow"]["Status"].get<std::string>();
}

TEST(LayerProviderFields, CopiesTopLevelIntoProviderFields) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json finding = TrivyAlpineFindings().at(0);
  ASSERT_FALSE(finding.contains("FindingProviderFields"));
  LayerProviderFields(finding, true);
  EXPECT_EQ(finding["FindingProviderFields"]["Severity"], finding["Severity"]);
  EXPECT_EQ(finding["FindingProviderFields"]["Types"], finding["Types"]);
  EXPECT_FALSE(finding["FindingProviderFields"].contains("Confidence"));
}

TEST(LayerProviderFields, NewnessMattersOnlyForDifferentValues) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json finding = TrivyAlpineFindings().at(0);
  EXPECT_FALSE(LayeringDependsOnNewness(finding));
  finding["FindingProviderFields"]["Severity"] = finding["Severity"];
  EXPECT_FALSE(LayeringDependsOnNewness(finding));
  finding["FindingProviderFields"]["Severity"]["Label"] = "LOW";
  EXPECT_TRUE(LayeringDependsOnNewness(finding));
  finding.erase("Severity");
  EXPECT_FALSE(LayeringDependsOnNewness(finding));
}

TEST(LayerProviderFields, FillsTopLevelFromProviderFields) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json finding = AsrFinding("cis-1.3.finding.json");
  ASSERT_TRUE(finding.contains("FindingProviderFields"));
  finding.erase("Severity");
  finding.erase("Types");
  LayerProviderFields(finding, true);
  EXPECT_EQ(finding["Severity"], finding["FindingProviderFields"]["Severity"]);
  EXPECT_EQ(finding["Types"], finding["FindingProviderFields"]["Types"]);
}

TEST(LayerProviderFields, NewFindingTakesProviderValueForBoth) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json finding = TrivyAlpineFindings().at(0);
  finding["Confidence"] = 10;
  finding["FindingProviderFields"] = {{"Confidence", 80}};
  LayerProviderFields(finding, true);
  EXPECT_EQ(finding["Confidence"], 80);
  EXPECT_EQ(finding["FindingProviderFields"]["Confidence"], 80);
}

TEST(LayerProviderFields, UpdateKeepsBothValuesAsGiven) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json finding = TrivyAlpineFindings().at(0);
  finding["Confidence"] = 10;
  finding["FindingProviderFields"] = {{"Confidence", 80}};
  LayerProviderFields(finding, false);
  EXPECT_EQ(finding["Confidence"], 10);
  EXPECT_EQ(finding["FindingProviderFields"]["Confidence"], 80);
}

TEST(CompleteNewFinding, DerivesProductAttributes) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json trivy = TrivyAlpineFindings().at(0);
  CompleteNewFinding(trivy, kNow);
  EXPECT_EQ(trivy["ProductName"], "Trivy");
  EXPECT_EQ(trivy["CompanyName"], "aquasecurity");
  EXPECT_EQ(trivy["Region"], "test-region");
  EXPECT_EQ(trivy["Workflow"]["Status"], "NEW");
  EXPECT_EQ(trivy["Severity"]["Normalized"], 40);
  EXPECT_EQ(trivy["ProcessedAt"], FormatTimestamp(kNow));

  Json control = AsrFinding("afsbp-ec2.1.finding.json");
  ASSERT_FALSE(control.contains("ProductName"));
  CompleteNewFinding(control, kNow);
  EXPECT_EQ(control["ProductName"], "Security Hub");
  EXPECT_EQ(control["CompanyName"], "AWS");
  EXPECT_EQ(control["Region"], "us-east-1");
}

TEST(MergeProviderUpdate, KeepsCustomerOwnedFields) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json stored = AsrFinding("afsbp-ec2.1.finding.json");
  stored["Workflow"] = {{"Status", "NOTIFIED"}};
  stored["Note"] = {
      {"Text", "ticket SEC-42"}, {"UpdatedBy", "alice"}, {"UpdatedAt", "2026-01-01T00:00:00Z"}};
  stored["UserDefinedFields"] = {{"owner", "payments"}};
  stored["VerificationState"] = "TRUE_POSITIVE";
  Json incoming = testing::Later(AsrFinding("afsbp-ec2.1.finding.json"), 60);
  incoming["Workflow"] = {{"Status", "SUPPRESSED"}};
  incoming["Note"] = {{"Text", "provider note"}, {"UpdatedBy", "scanner"}};
  incoming["UserDefinedFields"] = {{"owner", "someone-else"}};
  incoming["VerificationState"] = "FALSE_POSITIVE";

  const Json merged = MergeProviderUpdate(stored, incoming, 0, kNow);
  EXPECT_EQ(merged["Workflow"], stored["Workflow"]);
  EXPECT_EQ(merged["Note"], stored["Note"]);
  EXPECT_EQ(merged["UserDefinedFields"], stored["UserDefinedFields"]);
  EXPECT_EQ(merged["VerificationState"], stored["VerificationState"]);
  EXPECT_EQ(merged["UpdatedAt"], incoming["UpdatedAt"]);
}

TEST(MergeProviderUpdate, DropsProviderNoteWhenStoredHasNone) {
  RAMPART_REQUIRE_SHARED_DATA();
  const Json stored = AsrFinding("afsbp-ec2.1.finding.json");
  Json incoming = testing::Later(stored, 60);
  incoming["Note"] = {{"Text", "provider note"}, {"UpdatedBy", "scanner"}};
  const Json merged = MergeProviderUpdate(stored, incoming, 0, kNow);
  EXPECT_FALSE(merged.contains("Note"));
}

TEST(MergeProviderUpdate, RescanKeepsFirstCreatedAt) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json stored = TrivyAlpineFindings().at(0);
  stored["CreatedAt"] = "2026-01-01T00:00:00.000Z";
  stored["UpdatedAt"] = "2026-01-01T00:00:00.000Z";
  stored["FirstObservedAt"] = "2026-01-01T00:00:00.000Z";
  Json rescan = testing::Later(stored, 86'400);
  rescan["CreatedAt"] = rescan["UpdatedAt"];
  rescan.erase("FirstObservedAt");
  const Json merged = MergeProviderUpdate(stored, rescan, 0, kNow);
  EXPECT_EQ(merged["CreatedAt"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(merged["FirstObservedAt"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(merged["UpdatedAt"], rescan["UpdatedAt"]);
}

TEST(MergeProviderUpdate, EarlierCreatedAtReplacesStored) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json stored = TrivyAlpineFindings().at(0);
  stored["CreatedAt"] = "2026-03-01T00:00:00.000Z";
  stored["UpdatedAt"] = "2026-03-01T00:00:00.000Z";
  Json incoming = testing::Later(stored, 60);
  incoming["CreatedAt"] = "2026-02-01T00:00:00.000Z";
  incoming["FirstObservedAt"] = "2026-02-01T00:00:00.000Z";
  const Json merged = MergeProviderUpdate(stored, incoming, 0, kNow);
  EXPECT_EQ(merged["CreatedAt"], "2026-02-01T00:00:00.000Z");
  EXPECT_EQ(merged["FirstObservedAt"], "2026-02-01T00:00:00.000Z");
}

TEST(MergeProviderUpdate, CustomerSeverityKeepsTopLevel) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json stored = TrivyAlpineFindings().at(0);
  LayerProviderFields(stored, true);
  stored["Severity"] = {{"Label", "LOW"}, {"Normalized", 1}};
  Json incoming = testing::Later(TrivyAlpineFindings().at(0), 60);
  incoming["Severity"] = {{"Label", "CRITICAL"}};
  LayerProviderFields(incoming, false);

  const Json merged = MergeProviderUpdate(stored, incoming, kCustomerSeverity, kNow);
  EXPECT_EQ(merged["Severity"]["Label"], "LOW");
  EXPECT_EQ(merged["FindingProviderFields"]["Severity"]["Label"], "CRITICAL");
}

TEST(MergeProviderUpdate, ProviderSeverityFollowsWithoutCustomerChange) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json stored = TrivyAlpineFindings().at(0);
  LayerProviderFields(stored, true);
  Json incoming = testing::Later(TrivyAlpineFindings().at(0), 60);
  incoming["Severity"] = {{"Label", "CRITICAL"}};
  LayerProviderFields(incoming, false);

  const Json merged = MergeProviderUpdate(stored, incoming, 0, kNow);
  EXPECT_EQ(merged["Severity"]["Label"], "CRITICAL");
  EXPECT_EQ(merged["Severity"]["Normalized"], 90);
  EXPECT_EQ(merged["FindingProviderFields"]["Severity"]["Label"], "CRITICAL");
}

TEST(MergeProviderUpdate, WorkflowResetsWhenComplianceFailsAgain) {
  RAMPART_REQUIRE_SHARED_DATA();
  EXPECT_EQ(WorkflowAfter("RESOLVED", "PASSED", "FAILED", "ACTIVE", "ACTIVE"), "NEW");
  EXPECT_EQ(WorkflowAfter("NOTIFIED", "PASSED", "WARNING", "ACTIVE", "ACTIVE"), "NEW");
  EXPECT_EQ(WorkflowAfter("RESOLVED", "PASSED", "NOT_AVAILABLE", "ACTIVE", "ACTIVE"), "NEW");
}

TEST(MergeProviderUpdate, WorkflowResetsWhenUnarchived) {
  RAMPART_REQUIRE_SHARED_DATA();
  EXPECT_EQ(WorkflowAfter("RESOLVED", "FAILED", "FAILED", "ARCHIVED", "ACTIVE"), "NEW");
  EXPECT_EQ(WorkflowAfter("NOTIFIED", "FAILED", "FAILED", "ARCHIVED", "ACTIVE"), "NEW");
}

TEST(MergeProviderUpdate, WorkflowStaysWithoutReopening) {
  RAMPART_REQUIRE_SHARED_DATA();
  EXPECT_EQ(WorkflowAfter("RESOLVED", "FAILED", "FAILED", "ACTIVE", "ACTIVE"), "RESOLVED");
  EXPECT_EQ(WorkflowAfter("RESOLVED", "PASSED", "PASSED", "ACTIVE", "ACTIVE"), "RESOLVED");
  EXPECT_EQ(WorkflowAfter("NOTIFIED", "FAILED", "PASSED", "ACTIVE", "ARCHIVED"), "NOTIFIED");
}

TEST(MergeProviderUpdate, SuppressedNeverResets) {
  RAMPART_REQUIRE_SHARED_DATA();
  EXPECT_EQ(WorkflowAfter("SUPPRESSED", "PASSED", "FAILED", "ACTIVE", "ACTIVE"), "SUPPRESSED");
  EXPECT_EQ(WorkflowAfter("SUPPRESSED", "FAILED", "FAILED", "ARCHIVED", "ACTIVE"), "SUPPRESSED");
}

TEST(ApplyCustomerUpdate, SetsFieldsAndReportsCustomerBits) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json finding = AsrFinding("afsbp-ec2.1.finding.json");
  const Json before = finding;
  FindingUpdate update;
  update.finding_identifiers = {{finding["Id"], finding["ProductArn"]}};
  update.workflow_status = "NOTIFIED";
  update.note = NoteUpdate{"owner paged", "alice"};
  update.severity = SeverityUpdate{"LOW", std::nullopt, std::nullopt};
  update.confidence = 70;
  update.user_defined_fields = std::map<std::string, std::string>{{"ticket", "SEC-1"}};
  update.verification_state = "TRUE_POSITIVE";

  const std::uint32_t bits = ApplyCustomerUpdate(finding, update, kNow);
  EXPECT_EQ(bits, kCustomerSeverity | kCustomerConfidence);
  EXPECT_EQ(finding["Workflow"]["Status"], "NOTIFIED");
  EXPECT_EQ(finding["Note"]["Text"], "owner paged");
  EXPECT_EQ(finding["Note"]["UpdatedBy"], "alice");
  EXPECT_EQ(finding["Note"]["UpdatedAt"], FormatTimestamp(kNow));
  EXPECT_EQ(finding["Severity"]["Label"], "LOW");
  EXPECT_EQ(finding["Severity"]["Normalized"], 1);
  EXPECT_EQ(finding["Confidence"], 70);
  EXPECT_EQ(finding["UserDefinedFields"]["ticket"], "SEC-1");
  EXPECT_EQ(finding["VerificationState"], "TRUE_POSITIVE");
  EXPECT_EQ(finding["UpdatedAt"], before["UpdatedAt"]);
}

TEST(ApplyCustomerUpdate, MergesUserDefinedFields) {
  RAMPART_REQUIRE_SHARED_DATA();
  Json finding = AsrFinding("afsbp-ec2.1.finding.json");
  finding["UserDefinedFields"] = {{"owner", "payments"}, {"ticket", "SEC-1"}};
  FindingUpdate update;
  update.user_defined_fields = std::map<std::string, std::string>{{"ticket", "SEC-2"}};
  EXPECT_EQ(ApplyCustomerUpdate(finding, update, kNow), 0u);
  EXPECT_EQ(finding["UserDefinedFields"]["owner"], "payments");
  EXPECT_EQ(finding["UserDefinedFields"]["ticket"], "SEC-2");
}

TEST(DiffFindings, ListsChangedLeavesWithoutProcessedAt) {
  RAMPART_REQUIRE_SHARED_DATA();
  const Json before = AsrFinding("afsbp-ec2.1.finding.json");
  Json after = before;
  after["Workflow"]["Status"] = "RESOLVED";
  after["Note"] = {{"Text", "fixed"}};
  after["ProcessedAt"] = "2030-01-01T00:00:00Z";
  const auto changes = DiffFindings(before, after);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].field, "Note");
  EXPECT_TRUE(changes[0].old_value.is_null());
  EXPECT_EQ(changes[0].new_value["Text"], "fixed");
  EXPECT_EQ(changes[1].field, "Workflow.Status");
  EXPECT_EQ(changes[1].old_value, "NEW");
  EXPECT_EQ(changes[1].new_value, "RESOLVED");
}

TEST(EventSource, SecurityHubProductOnly) {
  EXPECT_EQ(EventSource("arn:aws:securityhub:us-east-1::product/aws/securityhub"),
            "aws.securityhub");
  EXPECT_EQ(EventSource("arn:aws:securityhub:us-east-1::product/aws/guardduty"), "rampart");
  EXPECT_EQ(EventSource("arn:aws:securityhub:test-region::product/aquasecurity/aquasecurity"),
            "rampart");
  EXPECT_EQ(EventSource("not an arn"), "rampart");
}

}  // namespace
}  // namespace rampart::store
