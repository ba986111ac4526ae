// Fuzzes the Prometheus text-format reader.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "detect/prometheus.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)rampart::detect::ParsePrometheusText(text, "fuzz");
  return 0;
}
