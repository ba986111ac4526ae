// Fuzzes the benchmark array readers: the first byte picks NumPy .npz (a zip of .npy
// arrays) or MATLAB level 5 .mat, and the rest is written to a file that the reader opens,
// since both read by path.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "detect/array_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const bool npz = data[0] % 2 == 0;
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     (npz ? "rampart-arrays-fuzz.npz" : "rampart-arrays-fuzz.mat");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data) + 1, static_cast<std::streamsize>(size - 1));
  }
  if (npz) {
    (void)rampart::detect::ReadNpz(path.string());
  } else {
    (void)rampart::detect::ReadMatV5(path.string());
  }
  return 0;
}
