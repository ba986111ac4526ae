// Readers for the array files that outlier benchmarks ship: NumPy .npz archives and
// MATLAB level 5 .mat files, each holding a feature matrix X and a label vector y.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/matrix.h"

namespace rampart::detect {

// A numeric array of any shape as doubles, in row-major (C) order.
struct NumericArray {
  std::vector<std::size_t> shape;
  std::vector<double> values;
};

// Parses one .npy file (format versions 1-3; little-endian or byte-sized integer, float
// and bool element types; C or Fortran order).
Result<NumericArray> ParseNpy(std::string_view bytes, std::string_view source);

// Reads arrays `X` (rows x features) and `y` (one label per row) from an .npz archive.
Result<LabelledData> ReadNpz(const std::string& path);

// Reads variables `X` and `y` from a MATLAB level 5 .mat file (compressed or not).
Result<LabelledData> ReadMatV5(const std::string& path);

// Picks ReadNpz or ReadMatV5 by the file's extension.
Result<LabelledData> ReadLabelledArrays(const std::string& path);

}  // namespace rampart::detect
