#include <gtest/gtest.h>

#include <filesystem>

#include "ingest/test_data.h"

namespace rampart::ingest {
namespace {

using testing::FindingsFolder;
using testing::ParseFindingsFile;
using testing::ReadFindingsFile;
using testing::ReadOk;

// Counts the findings an ASFF file carries in whichever wrapping it uses.
std::size_t CountAsffFindings(const Json& document) {
  if (document.is_array()) {
    return document.size();
  }
  if (document.contains("Findings")) {
    return document["Findings"].size();
  }
  if (document.contains("detail")) {
    return document["detail"]["findings"].size();
  }
  return 1;
}

TEST(AsffReaderTest, ReadsSecurityHubFindingsAndEvents) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(FindingsFolder() / "asr")) {
    const std::string name = "asr/" + entry.path().filename().string();
    if (name == "asr/asr-notifier-message.json") {
      continue;  // a remediation notification, covered by the corpus test
    }
    ++files;
    const ReadResult result = ReadOk(ReadFindingsFile(name), name);
    EXPECT_EQ(result.format, "asff") << name;
    EXPECT_EQ(result.findings.size(), CountAsffFindings(ParseFindingsFile(name))) << name;
    EXPECT_TRUE(result.rejected.empty()) << name << ": " << result.rejected.front().message;
  }
  EXPECT_EQ(files, 14u);
}

TEST(AsffReaderTest, KeepsFindingAsWritten) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const Json source = ParseFindingsFile("asr/afsbp-iam.8.finding.json");
  const ReadResult result = ReadOk(ReadFindingsFile("asr/afsbp-iam.8.finding.json"), "iam.8");
  ASSERT_EQ(result.findings.size(), 1u);
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding["Id"], source["Id"]);
  EXPECT_EQ(finding["ProductArn"], source["ProductArn"]);
  EXPECT_EQ(finding["Resources"], source["Resources"]);
  EXPECT_EQ(finding["ProductFields"], source["ProductFields"]);
  EXPECT_EQ(finding["Severity"]["Product"], source["Severity"]["Product"]);
  EXPECT_EQ(finding["WorkflowState"], source["WorkflowState"]);
}

TEST(AsffReaderTest, ReadsEventBridgeCustomAction) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const std::string name = "asr/eventbridge-custom-action-multi-finding.json";
  const Json event = ParseFindingsFile(name);
  ASSERT_EQ(event["detail-type"], "Security Hub Findings - Custom Action");
  const ReadResult result = ReadOk(ReadFindingsFile(name), name);
  ASSERT_EQ(result.findings.size(), event["detail"]["findings"].size());
  for (std::size_t i = 0; i < result.findings.size(); ++i) {
    EXPECT_EQ(result.findings[i]["Id"], event["detail"]["findings"][i]["Id"]);
  }
}

// An EventBridge archive or dead-letter queue keeps many events: as a JSON array, or one
// event per line.
TEST(AsffReaderTest, ReadsSeveralEvents) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const std::string name = "asr/eventbridge-custom-action-multi-finding.json";
  Json event = ParseFindingsFile(name);
  const std::size_t per_event = event["detail"]["findings"].size();
  Json other = event;
  for (Json& finding : other["detail"]["findings"]) {
    finding["Id"] = finding["Id"].get<std::string>() + "-other";
  }
  const ReadResult array = ReadOk(Json::array({event, other}).dump(), "events.json");
  EXPECT_EQ(array.format, "asff");
  ASSERT_EQ(array.findings.size(), 2 * per_event);
  EXPECT_EQ(array.findings[per_event]["Id"], other["detail"]["findings"][0]["Id"]);

  const ReadResult lines = ReadOk(event.dump() + "\n" + other.dump() + "\n", "events.jsonl");
  EXPECT_EQ(lines.format, "asff");
  EXPECT_EQ(lines.findings.size(), 2 * per_event);
  EXPECT_TRUE(lines.rejected.empty());
}

TEST(AsffReaderTest, ReadsTrivyAsffTemplateOutput) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  for (const char* name : {"trivy/alpine-310.asff.json", "trivy/secrets.asff.json"}) {
    const ReadResult result = ReadOk(ReadFindingsFile(name), name);
    EXPECT_EQ(result.format, "asff");
    EXPECT_EQ(result.findings.size(), ParseFindingsFile(name)["Findings"].size()) << name;
  }
}

TEST(AsffReaderTest, ProwlerFindingWithEmptyTypesIsRejected) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  // Security Hub requires one or more Types; Prowler's documented example has none.
  const ReadResult result = ReadOk(ReadFindingsFile("prowler/aws.asff.json"), "prowler");
  EXPECT_EQ(result.format, "asff");
  EXPECT_TRUE(result.findings.empty());
  ASSERT_EQ(result.rejected.size(), ParseFindingsFile("prowler/aws.asff.json").size());
  EXPECT_EQ(result.rejected[0].path, "$[0]");
  EXPECT_NE(result.rejected[0].message.find("$[0].Types"), std::string::npos);
}

TEST(AsffReaderTest, WorkflowStateFillsWorkflowStatus) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json finding = ParseFindingsFile("asr/afsbp-ec2.1.finding.json");
  finding.erase("Workflow");
  for (const auto& [state, status] :
       std::vector<std::pair<std::string, std::string>>{{"NEW", "NEW"},
                                                        {"ASSIGNED", "NOTIFIED"},
                                                        {"IN_PROGRESS", "NOTIFIED"},
                                                        {"DEFERRED", "SUPPRESSED"},
                                                        {"RESOLVED", "RESOLVED"}}) {
    finding["WorkflowState"] = state;
    const ReadResult result = ReadOk(finding.dump(), state);
    ASSERT_EQ(result.findings.size(), 1u);
    EXPECT_EQ(result.findings[0]["Workflow"]["Status"], status) << state;
  }
}

TEST(AsffReaderTest, ReadsJsonLines) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  std::string lines;
  for (const char* name : {"asr/afsbp-ec2.1.finding.json", "asr/afsbp-s3.2.finding.json",
                           "asr/pci-kms.1.finding.json"}) {
    lines += ParseFindingsFile(name).dump() + "\n";
  }
  lines += "{\"SchemaVersion\": \"2018-10-08\", \"Id\": \"broken\"\n";
  const ReadResult result = ReadOk(lines, "findings.jsonl");
  EXPECT_EQ(result.format, "asff");
  EXPECT_EQ(result.findings.size(), 3u);
  ASSERT_EQ(result.rejected.size(), 1u);
  EXPECT_EQ(result.rejected[0].path, "line 4");
  EXPECT_EQ(result.rejected[0].message.rfind("invalid JSON at line 4, column ", 0), 0u)
      << result.rejected[0].message;
}

// A finding on a line of JSON lines is validated at "line N $", so that its problems read
// "line N $.Title" and not "line N.Title".
TEST(AsffReaderTest, JsonLinesProblemsNameLineAndPath) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json finding = ParseFindingsFile("asr/afsbp-ec2.1.finding.json");
  const std::string first = finding.dump();
  finding["Title"] = "";
  const ReadResult result = ReadOk(first + "\n" + finding.dump() + "\n", "findings.jsonl");
  ASSERT_EQ(result.rejected.size(), 1u);
  EXPECT_EQ(result.rejected[0].path, "line 2 $");
  EXPECT_NE(result.rejected[0].message.find("line 2 $.Title: must not be empty"), std::string::npos)
      << result.rejected[0].message;
}

TEST(AsffReaderTest, EmptyFindingsArrayHasNote) {
  const ReadResult result = ReadOk(R"({"Findings": []})", "empty batch");
  EXPECT_EQ(result.format, "asff");
  EXPECT_TRUE(result.findings.empty());
  EXPECT_NE(result.note.find("no findings"), std::string::npos);
}

}  // namespace
}  // namespace rampart::ingest
