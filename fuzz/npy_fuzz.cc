// Fuzzes the NumPy .npy array parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "detect/array_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)rampart::detect::ParseNpy(bytes, "fuzz");
  return 0;
}
