// Fuzzes the kubeconfig parser with arbitrary YAML; file references resolve to nothing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "remediate/kubeconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const rampart::remediate::FileReader no_files = [](const std::string& path) {
    return rampart::Result<std::string>(rampart::NotFound("no file " + path));
  };
  auto connection = rampart::remediate::ParseKubeconfig(text, "fuzz", "", "/nonexistent", no_files);
  auto named = rampart::remediate::ParseKubeconfig(text, "fuzz", "dev", "", no_files);
  (void)connection;
  (void)named;
  return 0;
}
