// Fuzzes ReadReport with format detection: JSON, JSON lines and the recognition of files
// that hold no findings. Each accepted finding must serialize.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rampart::ingest::ReadOptions options;
  options.source_name = "fuzz input";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = rampart::ingest::ReadReport(text, options);
  if (result) {
    for (const auto& finding : result->findings) {
      (void)finding.dump();
    }
  }
  return 0;
}
