// Fuzzes the CSV reader and the extraction of numeric feature columns.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "detect/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = rampart::detect::ParseCsv(text, "fuzz");
  if (table) {
    std::vector<std::string> names;
    (void)rampart::detect::CsvFeatures(*table, {}, "fuzz", names);
  }
  return 0;
}
