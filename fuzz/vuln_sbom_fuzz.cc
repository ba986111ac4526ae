// Feeds arbitrary bytes to the SBOM readers (CycloneDX and SPDX JSON).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vuln/sbom.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)rampart::vuln::ReadSbom(text, "fuzz.json");
  return 0;
}
