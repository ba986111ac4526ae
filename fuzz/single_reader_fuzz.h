// The body shared by the libFuzzer targets of single readers: parse, detect, read, and
// serialize every finding, which throws on invalid UTF-8 and so reports it as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/clock.h"
#include "core/json.h"
#include "ingest/reader.h"

namespace rampart::ingest::fuzz {

inline int FuzzReader(const Reader& reader, const std::uint8_t* data, std::size_t size) {
  static const FakeClock clock(FromUnixMicros(1772359200LL * 1000000));
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto document = ParseJson(text, "fuzz input");
  const Input inputs[] = {{text, document ? &*document : nullptr}, {text, nullptr}};
  ReadOptions options;
  options.clock = &clock;
  for (const Input& input : inputs) {
    // Read runs also when Detect says no, so that its own rejection is exercised too.
    (void)reader.Detect(input);
    ReadResult result;
    (void)reader.Read(input, options, result);
    for (const Json& finding : result.findings) {
      (void)finding.dump();
    }
  }
  return 0;
}

}  // namespace rampart::ingest::fuzz
