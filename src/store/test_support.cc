#include "store/test_support.h"

#include <unistd.h>

#include <cstdlib>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/file.h"

namespace rampart::store::testing {
namespace {

std::filesystem::path FindingsFolder() {
  return std::filesystem::path(RAMPART_SHARED_DATA) / "findings";
}

}  // namespace

bool SharedDataPresent() { return std::filesystem::is_directory(FindingsFolder()); }

Json ReadFindingsFile(std::string_view relative) {
  const std::string path = (FindingsFolder() / relative).string();
  auto text = ReadFile(path);
  if (!text) {
    ADD_FAILURE() << text.status().ToString();
    return Json();
  }
  auto json = ParseJson(*text, path);
  if (!json) {
    ADD_FAILURE() << json.status().ToString();
    return Json();
  }
  return *json;
}

std::vector<Json> TrivyAlpineFindings() {
  const Json report = ReadFindingsFile("trivy/alpine-310.asff.json");
  return report.value("Findings", Json::array()).get<std::vector<Json>>();
}

Json AsrFinding(std::string_view file) {
  return ReadFindingsFile(std::string("asr/") + std::string(file));
}

std::vector<Json> AllAsrFindings() {
  std::vector<Json> findings;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(FindingsFolder() / "asr")) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const Json json = ReadFindingsFile(std::string("asr/") + file.filename().string());
    if (json.contains("SchemaVersion")) {
      findings.push_back(json);
    } else if (json.contains("detail")) {
      for (const Json& finding : json["detail"]["findings"]) {
        findings.push_back(finding);
      }
    } else if (json.contains("Finding")) {
      findings.push_back(json["Finding"]);
    }
  }
  return findings;
}

std::vector<Json> UniqueByKey(const std::vector<Json>& findings) {
  std::vector<Json> unique;
  std::set<std::pair<std::string, std::string>> seen;
  for (const Json& finding : findings) {
    const FindingKey key = KeyOf(finding);
    if (seen.emplace(key.product_arn, key.id).second) {
      unique.push_back(finding);
    }
  }
  return unique;
}

FindingKey KeyOf(const Json& finding) {
  return {StringOr(finding, "ProductArn", ""), StringOr(finding, "Id", "")};
}

Json Later(Json finding, int seconds) {
  auto updated = ParseTimestamp(finding.at("UpdatedAt").get<std::string>());
  EXPECT_TRUE(updated.has_value());
  finding["UpdatedAt"] = FormatTimestamp(*updated + std::chrono::seconds(seconds));
  return finding;
}

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("rampart-store-test-" + std::to_string(getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code error;
  std::filesystem::remove_all(path_, error);
}

}  // namespace rampart::store::testing
