// Fuzzes the Job template filler: the input is the YAML template, filled from a fixed finding
// whose values hold YAML and JSON syntax. A filled template must keep the template's shape:
// every object has the same keys and every array the same length, since finding values may
// only land inside strings.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "remediate/job_template.h"

namespace {

bool SameShape(const rampart::Json& a, const rampart::Json& b) {
  if (a.type() != b.type()) {
    return false;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (auto it = a.begin(); it != a.end(); ++it) {
      const auto other = b.find(it.key());
      if (other == b.end() || !SameShape(*it, *other)) {
        return false;
      }
    }
  }
  if (a.is_array()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!SameShape(a[i], b[i])) {
        return false;
      }
    }
  }
  return true;
}

const rampart::Json& Finding() {
  static const rampart::Json finding = {
      {"Id", "x\"}\n  injected: [1, {a: b}]\n- {{ Id }}"},
      {"Title", "{{ Title }}"},
      {"Severity", {{"Label", "HIGH"}, {"Normalized", 70}}},
      {"Resources", {{{"Id", "pod/ns/name"}, {"Type", "Container"}}}}};
  return finding;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = rampart::remediate::YamlToJson(text, "fuzz");
  auto filled = rampart::remediate::FillTemplate(text, Finding(), {{"detail-type", "t"}});
  // A template that does not parse cannot fill, and filling never changes the shape.
  if (filled.has_value() && (!parsed.has_value() || !SameShape(*parsed, *filled))) {
    std::abort();
  }
  return 0;
}
