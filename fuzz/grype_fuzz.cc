// Fuzzes ReadReport with the grype reader forced, so every input reaches that reader's
// parsing; each finding it accepts must serialize (valid UTF-8, no invalid values).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rampart::ingest::ReadOptions options;
  options.source_name = "fuzz input";
  options.format = "grype";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = rampart::ingest::ReadReport(text, options);
  if (result) {
    for (const auto& finding : result->findings) {
      (void)finding.dump();
    }
  }
  return 0;
}
