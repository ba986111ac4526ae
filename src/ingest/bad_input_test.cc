// Malformed and hostile input: each gets an error naming the file and the position or
// JSON path, good findings next to bad ones are kept, and nothing crashes.
#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

#include "ingest/test_data.h"

namespace rampart::ingest {
namespace {

using testing::ParseFindingsFile;
using testing::ReadError;
using testing::ReadFindingsFile;
using testing::ReadOk;

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(BadInputTest, MalformedJsonNamesFileAndPosition) {
  const std::string message =
      ReadError("{\n  \"Findings\": [\n    {\"Id\": 1,,}\n  ]\n}", "bad.json");
  EXPECT_TRUE(message.starts_with("bad.json: ")) << message;
  EXPECT_TRUE(Contains(message, "line 3, column 14: syntax error")) << message;
}

TEST(BadInputTest, TruncatedReportNamesPosition) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const std::string text = ReadFindingsFile("trivy/alpine-310.json");
  const std::string cut = text.substr(0, text.size() / 2);
  const std::string message = ReadError(cut, "alpine-310.json");
  const auto last_line = std::count(cut.begin(), cut.end(), '\n') + 1;
  EXPECT_TRUE(message.starts_with(
      fmt::format("alpine-310.json: invalid JSON at line {}, column ", last_line)))
      << message;
}

TEST(BadInputTest, InvalidUtf8NamesPosition) {
  std::string text = R"({"Findings": [{"Title": "caf)";
  text += "\xC3\x28";  // a lead byte followed by a byte that cannot continue it
  text += R"("}]})";
  const std::string message = ReadError(text, "latin1.json");
  EXPECT_TRUE(message.starts_with("latin1.json: invalid JSON at line 1, column ")) << message;
  EXPECT_TRUE(Contains(message, "UTF-8")) << message;
  EXPECT_FALSE(Contains(message, "\xC3\x28")) << "the message repeats the invalid bytes";
}

TEST(BadInputTest, UnterminatedHugeStringGivesShortMessage) {
  const std::string text = R"({"Findings": [{"Title": ")" + std::string(100 << 20, 'A');
  const std::string message = ReadError(text, "unterminated.json");
  EXPECT_TRUE(message.starts_with("unterminated.json: invalid JSON at line 1, column ")) << message;
  EXPECT_LT(message.size(), 300u);
}

TEST(BadInputTest, DeepNestingIsRejected) {
  const std::string text = std::string(10000, '[') + std::string(10000, ']');
  const std::string message = ReadError(text, "deep.json");
  EXPECT_TRUE(message.starts_with("deep.json: JSON nesting deeper than")) << message;
  EXPECT_TRUE(Contains(message, "line 1, column")) << message;
}

TEST(BadInputTest, DeepNestingInsideFindingIsRejected) {
  const std::string text = R"({"Findings": [{"ProductFields": )" + std::string(10000, '{') +
                           std::string(10000, '}') + "}]}";
  const std::string message = ReadError(text, "deep-finding.json");
  EXPECT_TRUE(Contains(message, "nesting")) << message;
}

TEST(BadInputTest, HugeStringInTitleIsRejectedBriefly) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json finding = ParseFindingsFile("asr/afsbp-ec2.1.finding.json");
  const Json good = finding;
  finding["Title"] = std::string(100 << 20, 'A');
  finding["Id"] = std::string(1 << 20, 'B');
  const Json batch = {{"Findings", Json::array({good, finding})}};
  const ReadResult result = ReadOk(batch.dump(), "huge.json");
  EXPECT_EQ(result.findings.size(), 1u);
  ASSERT_EQ(result.rejected.size(), 1u);
  EXPECT_EQ(result.rejected[0].path, "$.Findings[1]");
  EXPECT_TRUE(Contains(result.rejected[0].message, "$.Findings[1].Title")) << "missing path";
  EXPECT_TRUE(Contains(result.rejected[0].message, "the maximum is 256"));
  EXPECT_LT(result.rejected[0].message.size(), 5000u);
}

TEST(BadInputTest, HugeStringInTrivyDescriptionIsCut) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json report = ParseFindingsFile("trivy/alpine-310.json");
  report["Results"][0]["Vulnerabilities"][0]["Description"] = std::string(100 << 20, 'x');
  const ReadResult result = ReadOk(report.dump(), "huge-description.json");
  ASSERT_FALSE(result.findings.empty());
  EXPECT_TRUE(result.rejected.empty());
  EXPECT_EQ(result.findings[0]["Description"].get<std::string>().size(), 1024u);
}

TEST(BadInputTest, FindingWithoutRequiredFieldsKeepsOthers) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  Json batch = ParseFindingsFile("trivy/alpine-310.asff.json");
  const std::size_t total = batch["Findings"].size();
  batch["Findings"][1].erase("Title");
  batch["Findings"][1].erase("Resources");
  const ReadResult result = ReadOk(batch.dump(), "batch.json");
  EXPECT_EQ(result.findings.size(), total - 1);
  ASSERT_EQ(result.rejected.size(), 1u);
  const Rejected& rejected = result.rejected[0];
  EXPECT_EQ(rejected.path, "$.Findings[1]");
  EXPECT_TRUE(Contains(rejected.message, "$.Findings[1].Title")) << rejected.message;
  EXPECT_TRUE(Contains(rejected.message, "$.Findings[1].Resources")) << rejected.message;
  EXPECT_TRUE(Contains(rejected.message, batch["Findings"][1]["Id"].get<std::string>()));
}

TEST(BadInputTest, UnknownJsonListsTriedFormats) {
  const std::string message = ReadError(R"({"hello": "world", "items": [1, 2]})", "other.json");
  EXPECT_TRUE(message.starts_with("other.json: ")) << message;
  EXPECT_TRUE(Contains(message, "\"hello\", \"items\"")) << message;
  for (const char* format : {"asff", "trivy", "cyclonedx", "sarif", "grype"}) {
    EXPECT_TRUE(Contains(message, format)) << format << " missing from: " << message;
  }
}

TEST(BadInputTest, UnknownFormatNameIsRejected) {
  ReadOptions options;
  options.format = "nessus";
  auto result = ReadReport("{}", options);
  ASSERT_FALSE(result);
  EXPECT_TRUE(Contains(result.status().message(), "unknown format \"nessus\""));
  EXPECT_TRUE(Contains(result.status().message(), "trivy"));
}

TEST(BadInputTest, ForcedFormatOnOtherJsonFails) {
  ReadOptions options;
  options.source_name = "x.json";
  options.format = "grype";
  auto result = ReadReport(R"({"SchemaVersion": 2, "Results": []})", options);
  ASSERT_FALSE(result);
  EXPECT_TRUE(Contains(result.status().message(), "$.matches")) << result.status().message();
}

TEST(BadInputTest, UnknownJsonLinesAreRejected) {
  const std::string message = ReadError("{\"a\": 1}\n{\"a\": 2}\n", "events.jsonl");
  EXPECT_TRUE(Contains(message, "JSON lines")) << message;
}

TEST(BadInputTest, EmptyAndPlainTextAreRejected) {
  EXPECT_TRUE(Contains(ReadError("", "empty.json"), "empty.json: the input is empty"));
  const std::string message = ReadError("hello world\n", "notes.txt");
  EXPECT_TRUE(message.starts_with("notes.txt: invalid JSON at line 1, column 1")) << message;
}

TEST(BadInputTest, ByteOrderMarkIsSkipped) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  const std::string text = "\xEF\xBB\xBF" + ReadFindingsFile("asr/afsbp-ec2.1.finding.json");
  EXPECT_EQ(ReadOk(text, "bom.json").findings.size(), 1u);
}

TEST(BadInputTest, WrongTypesInsideReportDoNotCrash) {
  for (const char* text : {
           R"({"SchemaVersion": 2, "Results": {"Vulnerabilities": 3}})",
           R"({"SchemaVersion": 2, "Results": [{"Vulnerabilities": [1, "x", null, []]}]})",
           R"({"bomFormat": "CycloneDX", "vulnerabilities": [{"id": 5, "affects": "x"}]})",
           R"({"version": "2.1.0", "runs": [{"results": [{"ruleIndex": 99}], "tool": 1}]})",
           R"({"matches": [{"vulnerability": [], "artifact": 7}], "source": {}})",
           R"({"Findings": [1, "two", null, {"SchemaVersion": 3}]})",
           R"([{"SchemaVersion": "2018-10-08", "ProductArn": ["x"]}])",
       }) {
    ReadOptions options;
    auto result = ReadReport(text, options);
    if (result) {
      EXPECT_TRUE(result->findings.empty()) << text;
    }
  }
}

}  // namespace
}  // namespace rampart::ingest
