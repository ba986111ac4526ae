// A dense row-major matrix of doubles: the training and scoring input of the models.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace rampart::detect {

struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> values;  // rows * cols, row after row

  Matrix() = default;
  Matrix(std::size_t row_count, std::size_t col_count)
      : rows(row_count), cols(col_count), values(row_count * col_count, 0.0) {}

  const double* Row(std::size_t row) const { return values.data() + row * cols; }
  double* Row(std::size_t row) { return values.data() + row * cols; }
  double& At(std::size_t row, std::size_t col) { return values[row * cols + col]; }
  double At(std::size_t row, std::size_t col) const { return values[row * cols + col]; }
};

// A matrix of features with one label per row (0 normal, 1 anomaly), as benchmark data
// sets ship them.
struct LabelledData {
  Matrix features;
  std::vector<int> labels;
  std::vector<std::string> feature_names;  // empty when the source names none
};

}  // namespace rampart::detect
