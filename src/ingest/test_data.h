// Access to the real scanner reports that the ingest tests read.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/file.h"
#include "core/json.h"
#include "ingest/reader.h"

namespace rampart::ingest::testing {

// Returns the folder of real findings files, or an empty path when it is absent.
inline std::filesystem::path FindingsFolder() {
  const std::filesystem::path folder = std::filesystem::path(RAMPART_SHARED_DATA) / "findings";
  return std::filesystem::is_directory(folder) ? folder : std::filesystem::path();
}

// Reads a file below the findings folder; the test fails with the path when it cannot.
inline std::string ReadFindingsFile(const std::string& relative) {
  auto text = ReadFile((FindingsFolder() / relative).string());
  EXPECT_TRUE(text) << relative << ": " << text.status().message();
  return text ? *text : std::string();
}

// Parses a file below the findings folder with nlohmann, independently of the readers.
inline Json ParseFindingsFile(const std::string& relative) {
  auto document = ParseJson(ReadFindingsFile(relative), relative);
  EXPECT_TRUE(document) << document.status().message();
  return document ? *document : Json();
}

// Reads a file of the source tree's testdata folder beside the ingest sources.
inline std::string ReadTestdataFile(const std::string& name) {
  const std::filesystem::path path =
      std::filesystem::path(RAMPART_SOURCE_DIR) / "src/ingest/testdata" / name;
  auto text = ReadFile(path.string());
  EXPECT_TRUE(text) << path << ": " << text.status().message();
  return text ? *text : std::string();
}

// Reads `text` with ReadReport under `name`; the test fails with the error when it fails.
inline ReadResult ReadOk(std::string_view text, const std::string& name,
                         const std::string& format = "") {
  ReadOptions options;
  options.source_name = name;
  options.format = format;
  auto result = ReadReport(text, options);
  EXPECT_TRUE(result) << name << ": " << result.status().message();
  return result ? *std::move(result) : ReadResult();
}

// Returns the error message of ReadReport on `text`; the test fails when it succeeds.
inline std::string ReadError(std::string_view text, const std::string& name = "input.json") {
  ReadOptions options;
  options.source_name = name;
  auto result = ReadReport(text, options);
  EXPECT_FALSE(result) << name << " was read as " << (result ? result->format : "");
  return result ? std::string() : result.status().message();
}

}  // namespace rampart::ingest::testing

// Skips the test when the folder of real reports is absent.
#define RAMPART_REQUIRE_FINDINGS_DATA()                                               \
  if (::rampart::ingest::testing::FindingsFolder().empty()) {                         \
    GTEST_SKIP() << "the real reports in ../shared/data/findings are absent, so the " \
                    "tests that read them are skipped";                               \
  }
