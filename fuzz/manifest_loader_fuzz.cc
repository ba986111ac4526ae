// Fuzz target for the manifest loader and the checks behind it: any bytes are read as a YAML
// stream, scanned, turned into findings, and every field patch is applied to a copy of its
// object. Nothing may crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "posture/asff.h"
#include "posture/scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rampart::posture;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  LoadOptions options;
  options.yaml.max_nodes = 100'000;  // keeps each input fast; the limit itself is tested
  ManifestSet set;
  LoadManifestText(text, "fuzz.yaml", set, options);
  const ScanReport report = ScanManifests(set);
  for (const CheckResult& result : report.results) {
    ToAsffFinding(result, FindingOptions{});
    if (result.outcome.patches.empty() || result.subject->object == nullptr) {
      continue;
    }
    YamlNode copy = *result.subject->object->root;
    for (const FieldPatch& patch : result.outcome.patches) {
      (void)ApplyPatch(copy, patch);
    }
  }
  return 0;
}
