#include <set>
#include <string>

#include <gtest/gtest.h>

#include "finding/validate.h"
#include "ingest/more_readers_test_util.h"
#include "ingest/readers.h"

namespace rampart::ingest {
namespace {

using testing::FindBy;
using testing::LoadReport;
using testing::ReadAll;
using testing::RejectedText;
using testing::ReportFromJson;

// Counts check results the way kube-bench nests them: controls -> tests -> results.
std::size_t CountResults(const Json& document) {
  const Json& controls = document.is_array() ? document : document.at("Controls");
  std::size_t count = 0;
  for (const Json& control : controls) {
    for (const Json& group : control.at("tests")) {
      count += group.at("results").size();
    }
  }
  return count;
}

Json OneCheck(const std::string& status, bool scored, const std::string& remediation = "Fix it.") {
  return {{"Controls",
           {{{"id", "4"},
             {"version", "cis-1.8"},
             {"text", "Worker Node Security Configuration"},
             {"node_type", "node"},
             {"tests",
              {{{"section", "4.2"},
                {"desc", "Kubelet"},
                {"results",
                 {{{"test_number", "4.2.1"},
                   {"test_desc", "Ensure that the --anonymous-auth argument is set to false"},
                   {"remediation", remediation},
                   {"status", status},
                   {"scored", scored}}}}}}}}}},
          {"Totals", {{"total_pass", 0}}}};
}

TEST(KubeBenchReader, RealReportsGiveOneFindingPerResult) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const auto reader = MakeKubeBenchReader();
  for (const char* name :
       {"result.json", "controlsCollection.json", "passedControlsCollection.json"}) {
    SCOPED_TRACE(name);
    const auto report = LoadReport(testing::FindingsDir() / "kube-bench" / name);
    ASSERT_TRUE(reader->Detect(report.AsInput()));
    const ReadResult result = ReadAll(*reader, report.AsInput());
    EXPECT_EQ(result.findings.size(), CountResults(report.document));
    EXPECT_TRUE(result.rejected.empty()) << RejectedText(result);
    std::set<std::string> ids;
    for (const Json& finding : result.findings) {
      EXPECT_TRUE(finding::ValidateFinding(finding).empty());
      ids.insert(finding.at("Id").get<std::string>());
    }
    EXPECT_EQ(ids.size(), result.findings.size());
  }
}

TEST(KubeBenchReader, PassedCheckMapsToPassedInformational) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const auto report = LoadReport(testing::FindingsDir() / "kube-bench" / "result.json");
  const ReadResult result = ReadAll(*MakeKubeBenchReader(), report.AsInput());
  const Json* finding = FindBy(result, "GeneratorId", "kube-bench/cis-1.5/1.1.1");
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(finding->at("Compliance").at("Status"), "PASSED");
  EXPECT_EQ(finding->at("Compliance").at("RelatedRequirements")[0], "cis-1.5 1.1.1");
  EXPECT_EQ(finding->at("Severity").at("Label"), "INFORMATIONAL");
  EXPECT_EQ(finding->at("Severity").at("Original"), "PASS");
  EXPECT_EQ(finding->at("ProductArn"),
            "arn:aws:securityhub:eu-west-1::product/aqua-security/kube-bench");
  EXPECT_EQ(finding->at("Title"),
            "1.1.1 Ensure that the API server pod specification file permissions are set to 644 "
            "or more restrictive (Scored)");
  EXPECT_EQ(finding->at("Resources")[0].at("Id"), "kubernetes-node-type/master");
  EXPECT_EQ(finding->at("Remediation").at("Recommendation").at("Text"),
            "Run the below command (based on the file location on your system) on the\nmaster "
            "node.\nFor example, chmod 644 /etc/kubernetes/manifests/kube-apiserver.yaml");
  EXPECT_EQ(finding->at("ProductFields").at("kube-bench/ActualValue"), "permissions=600");
  EXPECT_EQ(finding->at("ProductFields").at("kube-bench/Subsection"),
            "1.1 Master Node Configuration Files");
  EXPECT_EQ(finding->at("CreatedAt"), "2026-03-01T10:00:00.000Z");
}

TEST(KubeBenchReader, ManualCheckMapsToWarningWithReason) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const auto report = LoadReport(testing::FindingsDir() / "kube-bench" / "result.json");
  const ReadResult result = ReadAll(*MakeKubeBenchReader(), report.AsInput());
  const Json* finding = FindBy(result, "GeneratorId", "kube-bench/cis-1.5/3.1.1");
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(finding->at("Compliance").at("Status"), "WARNING");
  EXPECT_EQ(finding->at("Severity").at("Label"), "LOW");
  EXPECT_NE(finding->at("Description").get<std::string>().find("Test marked as a manual test"),
            std::string::npos);
  EXPECT_EQ(finding->at("Id"), "kube-bench/cis-1.5/controlplane/3.1.1");
}

TEST(KubeBenchReader, StatusMapping) {
  struct Case {
    std::string status;
    bool scored;
    std::string compliance;
    std::string label;
  };
  const Case cases[] = {{"FAIL", true, "FAILED", "HIGH"},
                        {"FAIL", false, "FAILED", "MEDIUM"},
                        {"WARN", true, "WARNING", "LOW"},
                        {"INFO", false, "NOT_AVAILABLE", "INFORMATIONAL"},
                        {"PASS", true, "PASSED", "INFORMATIONAL"}};
  const auto reader = MakeKubeBenchReader();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.status + (c.scored ? " scored" : " not scored"));
    const auto report = ReportFromJson(OneCheck(c.status, c.scored));
    const ReadResult result = ReadAll(*reader, report.AsInput());
    ASSERT_EQ(result.findings.size(), 1u) << RejectedText(result);
    EXPECT_EQ(result.findings[0].at("Compliance").at("Status"), c.compliance);
    EXPECT_EQ(result.findings[0].at("Severity").at("Label"), c.label);
    EXPECT_EQ(result.findings[0].at("GeneratorId"), "kube-bench/cis-1.8/4.2.1");
  }
}

TEST(KubeBenchReader, UnknownStatusIsRejectedWithPath) {
  const auto report = ReportFromJson(OneCheck("SKIPPED", true));
  const ReadResult result = ReadAll(*MakeKubeBenchReader(), report.AsInput());
  EXPECT_TRUE(result.findings.empty());
  ASSERT_EQ(result.rejected.size(), 1u);
  EXPECT_EQ(result.rejected[0].path, "$.Controls[0].tests[0].results[0]");
  EXPECT_NE(result.rejected[0].message.find("\"SKIPPED\""), std::string::npos);
  EXPECT_NE(result.rejected[0].message.find("4.2.1"), std::string::npos);
}

TEST(KubeBenchReader, LongRemediationIsCutAtCharacterBoundary) {
  std::string remediation;
  while (remediation.size() < 600) {
    remediation += "Setze «anonymous» auf false. ";  // two-byte characters near every cut
  }
  const auto report = ReportFromJson(OneCheck("FAIL", true, remediation));
  const ReadResult result = ReadAll(*MakeKubeBenchReader(), report.AsInput());
  ASSERT_EQ(result.findings.size(), 1u);
  const std::string text =
      result.findings[0].at("Remediation").at("Recommendation").at("Text").get<std::string>();
  EXPECT_LE(text.size(), 512u);
  EXPECT_EQ(text.substr(text.size() - 3), "...");
  EXPECT_EQ(remediation.substr(0, text.size() - 3), text.substr(0, text.size() - 3));
  EXPECT_NO_THROW(result.findings[0].dump());
}

TEST(KubeBenchReader, IdsStayTheSameAcrossReads) {
  const auto report = ReportFromJson(OneCheck("FAIL", true));
  const ReadResult first = ReadAll(*MakeKubeBenchReader(), report.AsInput());
  FakeClock later(FromUnixMicros(1800000000LL * 1000000));
  ReadOptions options = testing::TestOptions();
  options.clock = &later;
  const ReadResult second = ReadAll(*MakeKubeBenchReader(), report.AsInput(), options);
  ASSERT_EQ(first.findings.size(), 1u);
  ASSERT_EQ(second.findings.size(), 1u);
  EXPECT_EQ(first.findings[0].at("Id"), second.findings[0].at("Id"));
  EXPECT_NE(first.findings[0].at("UpdatedAt"), second.findings[0].at("UpdatedAt"));
}

// kube-bench does not name its node, so the same check on two nodes needs the node given.
TEST(KubeBenchReader, NodeGivesEachNodeItsFindings) {
  const auto report = ReportFromJson(OneCheck("FAIL", true));
  ReadOptions options = testing::TestOptions();
  options.node = "master-a";
  const ReadResult a = ReadAll(*MakeKubeBenchReader(), report.AsInput(), options);
  options.node = "master-b";
  const ReadResult b = ReadAll(*MakeKubeBenchReader(), report.AsInput(), options);
  const ReadResult unnamed = ReadAll(*MakeKubeBenchReader(), report.AsInput());
  ASSERT_EQ(a.findings.size(), 1u);
  ASSERT_EQ(b.findings.size(), 1u);
  ASSERT_EQ(unnamed.findings.size(), 1u);
  EXPECT_NE(a.findings[0].at("Id"), b.findings[0].at("Id"));
  EXPECT_NE(a.findings[0].at("Id"), unnamed.findings[0].at("Id"));
  EXPECT_EQ(a.findings[0]["Resources"][0]["Id"], "kubernetes-node/master-a");
  EXPECT_EQ(a.findings[0]["Resources"][0]["Details"]["Other"]["NodeName"], "master-a");
  EXPECT_EQ(unnamed.findings[0]["Resources"][0]["Details"]["Other"].count("NodeName"), 0u);
}

TEST(KubeBenchReader, BenchmarkNameFromVersion) {
  Json document = OneCheck("FAIL", true);
  document["Controls"][0]["version"] = "1.6";
  auto report = ReportFromJson(document);
  ReadResult result = ReadAll(*MakeKubeBenchReader(), report.AsInput());
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].at("GeneratorId"), "kube-bench/cis-1.6/4.2.1");

  document["Controls"][0]["version"] = "eks-1.2.0";
  report = ReportFromJson(document);
  result = ReadAll(*MakeKubeBenchReader(), report.AsInput());
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].at("GeneratorId"), "kube-bench/eks-1.2.0/4.2.1");
}

TEST(KubeBenchReader, SingleControlsObjectIsRead) {
  const auto report = ReportFromJson(OneCheck("WARN", false).at("Controls")[0]);
  const auto reader = MakeKubeBenchReader();
  ASSERT_TRUE(reader->Detect(report.AsInput()));
  EXPECT_EQ(ReadAll(*reader, report.AsInput()).findings.size(), 1u);
}

TEST(KubeBenchReader, ReportWithoutResultsSaysSo) {
  const auto report = ReportFromJson(
      {{"Controls", {{{"id", "1"}, {"node_type", "master"}, {"tests", Json::array()}}}},
       {"Totals", Json::object()}});
  const ReadResult result = ReadAll(*MakeKubeBenchReader(), report.AsInput());
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.note, "the kube-bench report holds no check results");
}

TEST(KubeBenchReader, OtherDocumentIsNotKubeBench) {
  const auto reader = MakeKubeBenchReader();
  const auto report = ReportFromJson({{"SchemaVersion", 2}, {"Results", Json::array()}});
  EXPECT_FALSE(reader->Detect(report.AsInput()));
  ReadResult result;
  const Status status = reader->Read(report.AsInput(), testing::TestOptions(), result);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("test-report.json"), std::string::npos);
  EXPECT_FALSE(reader->Detect({"{}", nullptr}));
}

}  // namespace
}  // namespace rampart::ingest
