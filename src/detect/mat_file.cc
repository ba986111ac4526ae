// MATLAB level 5 MAT-file reading: numeric matrices only, as outlier benchmarks store them.
#include <cstdint>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "core/file.h"
#include "detect/array_file.h"

namespace rampart::detect {
namespace {

constexpr std::size_t kMaxMatBytes = std::size_t{1} << 30;
constexpr std::uint32_t kMiInt32 = 5;
constexpr std::uint32_t kMiInt8 = 1;
constexpr std::uint32_t kMiMatrix = 14;
constexpr std::uint32_t kMiCompressed = 15;

std::uint32_t LoadU32(const char* data) {
  std::uint32_t value = 0;
  std::memcpy(&value, data, sizeof(value));
  return value;
}

// One data element: its type and its bytes.
struct Element {
  std::uint32_t type = 0;
  std::string_view data;
};

// Reads the element at `offset` and moves `offset` past it and its padding. Returns false
// when the element runs past the end of `bytes`.
bool NextElement(std::string_view bytes, std::size_t& offset, Element& element) {
  if (offset + 8 > bytes.size()) {
    return false;
  }
  const std::uint32_t first = LoadU32(bytes.data() + offset);
  if ((first >> 16) != 0) {  // small data element: type and size share the first word
    element.type = first & 0xffff;
    const std::size_t size = first >> 16;
    if (size > 4) {
      return false;
    }
    element.data = bytes.substr(offset + 4, size);
    offset += 8;
    return true;
  }
  element.type = first;
  const std::size_t size = LoadU32(bytes.data() + offset + 4);
  if (size > bytes.size() - offset - 8) {
    return false;
  }
  element.data = bytes.substr(offset + 8, size);
  const std::size_t padded = element.type == kMiCompressed ? size : (size + 7) / 8 * 8;
  offset += 8 + std::min(padded, bytes.size() - offset - 8);
  return true;
}

// Returns the element width and kind for a MAT numeric type, or width 0 when unsupported.
std::pair<std::size_t, char> NumericType(std::uint32_t type) {
  switch (type) {
    case 1:
      return {1, 'i'};
    case 2:
      return {1, 'u'};
    case 3:
      return {2, 'i'};
    case 4:
      return {2, 'u'};
    case 5:
      return {4, 'i'};
    case 6:
      return {4, 'u'};
    case 7:
      return {4, 'f'};
    case 9:
      return {8, 'f'};
    case 12:
      return {8, 'i'};
    case 13:
      return {8, 'u'};
    default:
      return {0, ' '};
  }
}

double LoadNumber(const char* data, std::size_t width, char kind) {
  if (kind == 'f') {
    if (width == 8) {
      double value = 0;
      std::memcpy(&value, data, 8);
      return value;
    }
    float value = 0;
    std::memcpy(&value, data, 4);
    return value;
  }
  std::uint64_t bits = 0;
  std::memcpy(&bits, data, width);
  if (kind == 'i' && width < 8 && (bits >> (8 * width - 1)) != 0) {
    bits |= ~std::uint64_t{0} << (8 * width);
  }
  return kind == 'i' ? static_cast<double>(static_cast<std::int64_t>(bits))
                     : static_cast<double>(bits);
}

// Parses the subelements of a miMATRIX element into a named 2-D array.
Status ParseMatrix(std::string_view body, std::string_view source,
                   std::map<std::string, NumericArray>& arrays) {
  std::size_t offset = 0;
  Element flags;
  Element dimensions;
  Element name;
  Element real;
  if (!NextElement(body, offset, flags) || !NextElement(body, offset, dimensions) ||
      !NextElement(body, offset, name) || !NextElement(body, offset, real)) {
    return InvalidArgument(fmt::format("{}: truncated matrix element", source));
  }
  if (dimensions.type != kMiInt32 || dimensions.data.size() != 8 || name.type != kMiInt8) {
    return Status::Ok();  // only 2-D numeric matrices are read; others are skipped
  }
  const auto [width, kind] = NumericType(real.type);
  if (width == 0) {
    return Status::Ok();
  }
  const std::size_t rows = LoadU32(dimensions.data.data());
  const std::size_t cols = LoadU32(dimensions.data.data() + 4);
  if (rows * cols * width != real.data.size()) {
    return InvalidArgument(fmt::format("{}: matrix {} is {}x{} but holds {} bytes", source,
                                       name.data, rows, cols, real.data.size()));
  }
  NumericArray array;
  array.shape = {rows, cols};
  array.values.resize(rows * cols);
  for (std::size_t c = 0; c < cols; ++c) {  // MAT files store columns one after another
    for (std::size_t r = 0; r < rows; ++r) {
      array.values[r * cols + c] =
          LoadNumber(real.data.data() + (c * rows + r) * width, width, kind);
    }
  }
  arrays[std::string(name.data)] = std::move(array);
  return Status::Ok();
}

}  // namespace

Result<LabelledData> ReadMatV5(const std::string& path) {
  auto bytes = ReadFile(path, kMaxMatBytes);
  if (!bytes) {
    return bytes.status();
  }
  if (bytes->size() < 128 || bytes->substr(126, 2) != "IM") {
    return InvalidArgument(fmt::format(
        "{}: not a little-endian MATLAB level 5 MAT-file (no \"IM\" at byte 126)", path));
  }
  std::map<std::string, NumericArray> arrays;
  const std::string_view all(*bytes);
  std::size_t offset = 128;
  Element element;
  while (offset < all.size() && NextElement(all, offset, element)) {
    std::string inflated;
    std::string_view matrix = element.data;
    std::uint32_t type = element.type;
    if (type == kMiCompressed) {
      auto unpacked = Gunzip(std::string(element.data), kMaxMatBytes);
      if (!unpacked) {
        return unpacked.status().WithContext(path);
      }
      inflated = std::move(*unpacked);
      std::size_t inner_offset = 0;
      Element inner;
      if (!NextElement(inflated, inner_offset, inner)) {
        return InvalidArgument(fmt::format("{}: truncated compressed element", path));
      }
      type = inner.type;
      matrix = inner.data;
    }
    if (type == kMiMatrix) {
      RAMPART_RETURN_IF_ERROR(ParseMatrix(matrix, path, arrays));
    }
  }
  if (arrays.count("X") == 0 || arrays.count("y") == 0) {
    return InvalidArgument(fmt::format("{}: the file must hold variables X and y", path));
  }
  NumericArray& x = arrays["X"];
  LabelledData data;
  data.features.rows = x.shape[0];
  data.features.cols = x.shape[1];
  data.features.values = std::move(x.values);
  if (arrays["y"].values.size() != data.features.rows) {
    return InvalidArgument(fmt::format("{}: y has {} values but X has {} rows", path,
                                       arrays["y"].values.size(), data.features.rows));
  }
  for (double label : arrays["y"].values) {
    data.labels.push_back(label != 0.0 ? 1 : 0);
  }
  return data;
}

}  // namespace rampart::detect
