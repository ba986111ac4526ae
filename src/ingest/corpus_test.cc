// Every real file in the findings folder either ingests with the number of findings its own
// structure lists, or is rejected with a message saying what it is and why it contains none.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "ingest/test_data.h"

namespace rampart::ingest {
namespace {

using testing::FindingsFolder;
using testing::ReadFindingsFile;

// Files whose readers are tested with them elsewhere.
bool TestedElsewhere(const std::string& name) {
  const bool json = name.ends_with(".json");
  return (name.starts_with("kube-bench/") && json) || (name.starts_with("guardduty/") && json) ||
         name.ends_with(".ocsf.json");
}

// Counts the findings a JSON document lists, from the structure of its format.
std::size_t CountListed(const Json& document) {
  if (document.contains("Results")) {  // Trivy
    std::size_t count = 0;
    for (const Json& result : document["Results"]) {
      count += result.value("Vulnerabilities", Json::array()).size();
      count += result.value("Secrets", Json::array()).size();
      for (const Json& misconfiguration : result.value("Misconfigurations", Json::array())) {
        count += misconfiguration.value("Status", "") == "FAIL" ? 1 : 0;
      }
    }
    return count;
  }
  if (document.contains("bomFormat")) {  // CycloneDX
    std::size_t count = 0;
    for (const Json& vulnerability : document["vulnerabilities"]) {
      count += vulnerability["affects"].size();
    }
    return count;
  }
  if (document.contains("runs")) {  // SARIF
    std::size_t count = 0;
    for (const Json& run : document["runs"]) {
      count += run["results"].size();
    }
    return count;
  }
  if (document.is_array()) {  // ASFF, an array of findings
    return document.size();
  }
  if (document.contains("Findings")) {  // ASFF, a BatchImportFindings body
    return document["Findings"].size();
  }
  if (document.contains("detail")) {  // ASFF in an EventBridge event
    return document["detail"]["findings"].size();
  }
  return 1;  // one ASFF finding
}

// What the message for each file that contains no findings must name.
const std::map<std::string, std::vector<std::string>>& ExpectedRejections() {
  static const std::map<std::string, std::vector<std::string>> rejections = {
      {"asr/asr-notifier-message.json", {"notification", "remediation", "no new findings"}},
      {"falco-talon/talon-rules.yaml", {"Falco Talon rules file", "contains no findings"}},
      {"kube-bench/cis-eks-1.8.0-managedservices.yaml",
       {"kube-bench check definitions", "contains no findings", "--json"}},
      {"kube-bench/cis-eks-1.8.0-node.yaml",
       {"kube-bench check definitions", "contains no findings", "--json"}},
      {"kube-bench/cis-eks-1.8.0-policies.yaml",
       {"kube-bench check definitions", "contains no findings", "--json"}},
      {"kube-bench/expected_output.txt", {"kube-bench plain-text console output", "--json"}},
      {"prowler/aws.csv", {"Prowler CSV export", "json-ocsf"}},
  };
  return rejections;
}

TEST(CorpusTest, EveryFileIngestsOrSaysWhyNot) {
  RAMPART_REQUIRE_FINDINGS_DATA();
  std::size_t ingested = 0;
  std::size_t rejected = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(FindingsFolder())) {
    const std::string name =
        std::filesystem::relative(entry.path(), FindingsFolder()).generic_string();
    if (!entry.is_regular_file() || name.find('/') == std::string::npos || TestedElsewhere(name)) {
      continue;  // SOURCES.md and the manifest sit at the top
    }
    const std::string text = ReadFindingsFile(name);
    ReadOptions options;
    options.source_name = name;
    auto result = ReadReport(text, options);

    const auto expected = ExpectedRejections().find(name);
    if (expected != ExpectedRejections().end()) {
      ++rejected;
      ASSERT_FALSE(result) << name << " was read as " << result->format;
      const std::string& message = result.status().message();
      EXPECT_TRUE(message.starts_with(name + ": ")) << message;
      for (const std::string& words : expected->second) {
        EXPECT_NE(message.find(words), std::string::npos) << name << ": " << message;
      }
      continue;
    }
    ++ingested;
    ASSERT_TRUE(result) << name << ": " << result.status().message();
    auto document = ParseJson(text, name);
    ASSERT_TRUE(document) << document.status().message();
    EXPECT_EQ(result->findings.size() + result->rejected.size(), CountListed(*document)) << name;
    for (const Rejected& rejection : result->rejected) {
      // Only Prowler's example is known to break ASFF (its Types array is empty).
      EXPECT_EQ(name, "prowler/aws.asff.json") << rejection.path << ": " << rejection.message;
    }
  }
  EXPECT_EQ(rejected, ExpectedRejections().size());
  EXPECT_GE(ingested, 29u);
}

}  // namespace
}  // namespace rampart::ingest
