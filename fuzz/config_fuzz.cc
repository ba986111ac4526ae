// Fuzzes the configuration reader: rampart.yaml text (YAML or JSON) through ParseConfig.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/config.h"
#include "core/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto document = rampart::ParseJsonOrYaml(text, "rampart.yaml");
  if (document) {
    (void)rampart::ParseConfig(*document, "/etc/rampart/rampart.yaml");
  }
  return 0;
}
