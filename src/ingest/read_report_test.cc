#include <gtest/gtest.h>

#include "ingest/json_lines.h"
#include "ingest/test_data.h"

namespace rampart::ingest {
namespace {

using testing::ReadError;
using testing::ReadOk;

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(ReadReportTest, EmptyInputIsRejected) {
  auto result = ReadReport("  \n", {});
  ASSERT_FALSE(result);
  EXPECT_TRUE(Contains(result.status().message(), "empty"));
}

TEST(ReadReportTest, FindsReadersByName) {
  for (const char* name : {"asff", "trivy", "cyclonedx", "sarif", "grype"}) {
    const Reader* reader = FindReader(name);
    ASSERT_NE(reader, nullptr) << name;
    EXPECT_EQ(reader->Name(), name);
  }
  EXPECT_EQ(FindReader("nessus"), nullptr);
}

TEST(ReadReportTest, PrettyJsonIsNotJsonLines) {
  EXPECT_FALSE(LooksLikeJsonLines("{\n  \"a\": 1\n}\n"));
  EXPECT_FALSE(LooksLikeJsonLines("{\"a\": 1}\n"));
  EXPECT_TRUE(LooksLikeJsonLines("{\"a\": 1}\r\n\n{\"a\": 2}\r\n"));
}

TEST(ReadReportTest, NonBlankLinesKeepNumbers) {
  const auto lines = NonBlankLines("a\n\n  \nb\r\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].number, 1u);
  EXPECT_EQ(lines[1].number, 4u);
  EXPECT_EQ(lines[1].text, "b");
}

TEST(ReadReportTest, SpdxIsAnSbom) {
  const std::string message =
      ReadError(R"({"spdxVersion": "SPDX-2.3", "packages": []})", "sbom.spdx.json");
  EXPECT_TRUE(Contains(message, "sbom.spdx.json: an SPDX SBOM")) << message;
  EXPECT_TRUE(Contains(message, "rampart scan sbom")) << message;
}

TEST(ReadReportTest, OtherEventBridgeEventIsNamed) {
  const std::string message = ReadError(
      R"({"version": "0", "source": "aws.securityhub", "detail-type":
          "Security Hub Insight Results", "detail": {"insightName": "x"}})",
      "event.json");
  EXPECT_TRUE(Contains(message, "\"Security Hub Insight Results\"")) << message;
  EXPECT_TRUE(Contains(message, "no reader takes this detail-type")) << message;
}

TEST(ReadReportTest, KubernetesManifestIsNamed) {
  const std::string message =
      ReadError("apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n", "pod.yaml");
  EXPECT_TRUE(Contains(message, "pod.yaml: a Kubernetes manifest")) << message;
}

TEST(ReadReportTest, FalcoRulesFileIsNamed) {
  const std::string message = ReadError(
      "- rule: Shell in container\n  desc: shell\n  condition: spawned_process\n"
      "  output: shell (user=%user.name)\n  priority: WARNING\n",
      "falco_rules.yaml");
  EXPECT_TRUE(Contains(message, "a Falco rules file")) << message;
}

TEST(ReadReportTest, EmptyArrayIsAnEmptyBatch) {
  const ReadResult result = ReadOk("[]", "empty.json");
  EXPECT_EQ(result.format, "asff");
  EXPECT_TRUE(result.findings.empty());
  EXPECT_FALSE(result.note.empty());
}

TEST(ReadReportTest, RepeatedReadsGiveSameResult) {
  const std::string text =
      R"({"SchemaVersion": 2, "ArtifactName": "api", "CreatedAt": "2024-05-01T10:00:00Z", "Results": [
      {"Target": "go.mod", "Type": "gomod", "Vulnerabilities": [
        {"VulnerabilityID": "CVE-2024-1", "PkgName": "a", "InstalledVersion": "1",
         "Severity": "LOW"}]}]})";
  const ReadResult first = ReadOk(text, "first");
  ReadOk(std::string(300000, ' ') + "[]", "a larger report in between");
  const ReadResult second = ReadOk(text, "second");
  ASSERT_EQ(first.findings.size(), 1u);
  ASSERT_EQ(second.findings.size(), 1u);
  EXPECT_EQ(first.findings[0], second.findings[0]);
}

}  // namespace
}  // namespace rampart::ingest
