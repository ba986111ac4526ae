// Access to the real scanner reports that the ingest tests read.
#pragma once

#include <filesystem>
#include <string>

#include "core/file.h"

namespace rampart::ingest::testing {

// Returns the folder of real findings files, or an empty path when it is absent.
inline std::filesystem::path FindingsFolder() {
  const std::filesystem::path folder = std::filesystem::path(RAMPART_SHARED_DATA) / "findings";
  return std::filesystem::is_directory(folder) ? folder : std::filesystem::path();
}

// Reads a file below the findings folder; the test fails with the path when it cannot.
inline std::string ReadFindingsFile(const std::string& relative) {
  auto text = ReadFile((FindingsFolder() / relative).string());
  return text ? *text : std::string();
}

}  // namespace rampart::ingest::testing

// Skips the test when the folder of real reports is absent.
#define RAMPART_REQUIRE_FINDINGS_DATA()                                               \
  if (::rampart::ingest::testing::FindingsFolder().empty()) {                         \
    GTEST_SKIP() << "the real reports in ../shared/data/findings are absent, so the " \
                    "tests that read them are skipped";                               \
  }
