// Helpers for the reader tests: paths into the shared reports, parsed inputs, fixed options.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/file.h"
#include "core/json.h"
#include "ingest/reader.h"

namespace rampart::ingest::testing {

inline std::filesystem::path FindingsDir() {
  return std::filesystem::path(RAMPART_SHARED_DATA) / "findings";
}

inline bool SharedDataPresent() { return std::filesystem::is_directory(FindingsDir()); }

#define RAMPART_SKIP_WITHOUT_SHARED_DATA()                                                \
  if (!::rampart::ingest::testing::SharedDataPresent()) {                                 \
    GTEST_SKIP() << "../shared/data is absent, so the tests on real reports cannot run; " \
                    "check out the shared data beside the repository";                    \
  }

// A report's text with its parsed document.
struct Report {
  std::string text;
  Json document;
  Input AsInput() const { return {text, &document}; }
};

inline Report LoadReport(const std::filesystem::path& path) {
  Report report;
  auto text = ReadFile(path.string());
  EXPECT_TRUE(text.has_value()) << text.error().ToString();
  if (!text) {
    return report;
  }
  report.text = std::move(*text);
  auto document = ParseJson(report.text, path.string());
  EXPECT_TRUE(document.has_value()) << document.error().ToString();
  if (document) {
    report.document = std::move(*document);
  }
  return report;
}

inline Report ReportFromJson(Json document) {
  Report report;
  report.text = document.dump();
  report.document = std::move(document);
  return report;
}

// 2026-03-01T10:00:00Z, the time readers use when a format carries none.
inline const FakeClock& TestClock() {
  static const FakeClock clock(FromUnixMicros(1772359200LL * 1000000));
  return clock;
}

inline ReadOptions TestOptions() {
  ReadOptions options;
  options.source_name = "test-report.json";
  options.aws_account_id = "111122223333";
  options.region = "eu-west-1";
  options.clock = &TestClock();
  return options;
}

// Reads `input` with `reader` and the test options; fails the test when Read fails.
inline ReadResult ReadAll(const Reader& reader, const Input& input,
                          const ReadOptions& options = TestOptions()) {
  ReadResult result;
  const Status status = reader.Read(input, options, result);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return result;
}

// Returns the finding whose `key` equals `value`, or nullptr.
inline const Json* FindBy(const ReadResult& result, const std::string& dotted_key,
                          const std::string& value) {
  for (const Json& finding : result.findings) {
    const Json* field = FindPath(finding, dotted_key);
    if (field != nullptr && field->is_string() && field->get<std::string>() == value) {
      return &finding;
    }
  }
  return nullptr;
}

// Joins the messages of rejected findings, for failure output.
inline std::string RejectedText(const ReadResult& result) {
  std::string text;
  for (const Rejected& rejected : result.rejected) {
    text += rejected.path + ": " + rejected.message + "\n";
  }
  return text;
}

}  // namespace rampart::ingest::testing
