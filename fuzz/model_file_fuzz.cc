// Fuzzes the model file loader: the container, and both payload decoders on the raw bytes,
// since the checksum keeps random bytes from ever reaching a decoder through the container.
// A payload that decodes is scored once, so a decoder that accepts a broken tree shows up.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "detect/isolation_forest.h"
#include "detect/model_file.h"
#include "detect/random_cut_forest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)rampart::detect::DecodeModelFile(bytes, "fuzz");
  if (auto forest = rampart::detect::IsolationForest::Decode(bytes)) {
    const std::vector<double> point(forest->feature_count(), 0.5);
    (void)forest->Score(point.data());
  }
  if (auto forest = rampart::detect::RandomCutForest::Decode(bytes)) {
    const std::vector<double> point(forest->dimensions(), 0.5);
    (void)forest->Score(point.data());
    forest->Update(point.data());
    (void)forest->Attribute(point.data());
  }
  return 0;
}
