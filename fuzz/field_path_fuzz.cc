// Fuzz target: the field paths of rule enrich blocks and the feature values they read. A
// parsed path's canonical form must parse back to the same path.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pattern/enrichment.h"
#include "pattern/field_path.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  double value = 0;
  (void)rampart::pattern::FeatureValue(rampart::Json(std::string(text)), value);

  auto path = rampart::pattern::ParseFieldPath(text);
  if (!path) {
    return 0;
  }
  const std::string canonical = path->ToString();
  auto again = rampart::pattern::ParseFieldPath(canonical);
  if (!again || again->ToString() != canonical) {
    std::abort();
  }
  static const rampart::Json event = rampart::Json::parse(
      R"({"detail": {"findings": [{"Severity": {"Normalized": 40},
          "ProductFields": {"rampart/detect/Count": "6", "a.b": "x"}}]}})");
  (void)rampart::pattern::ResolveFieldPath(event, *path);
  return 0;
}
