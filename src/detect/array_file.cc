#include "detect/array_file.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "core/file.h"

namespace rampart::detect {
namespace {

constexpr std::size_t kMaxArrayBytes = std::size_t{1} << 30;

template <typename T>
T LoadLittle(const char* data) {
  T value{};
  std::memcpy(&value, data, sizeof(T));  // every platform Rampart targets is little-endian
  return value;
}

// Converts `count` elements of a numeric type named by its width and kind to doubles.
bool ConvertElements(const char* data, std::size_t count, char kind, std::size_t width,
                     std::vector<double>& out) {
  out.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const char* element = data + i * width;
    double value = 0.0;
    if (kind == 'f' && width == 8) {
      value = LoadLittle<double>(element);
    } else if (kind == 'f' && width == 4) {
      value = LoadLittle<float>(element);
    } else if (kind == 'i' && width == 1) {
      value = LoadLittle<std::int8_t>(element);
    } else if (kind == 'i' && width == 2) {
      value = LoadLittle<std::int16_t>(element);
    } else if (kind == 'i' && width == 4) {
      value = LoadLittle<std::int32_t>(element);
    } else if (kind == 'i' && width == 8) {
      value = static_cast<double>(LoadLittle<std::int64_t>(element));
    } else if ((kind == 'u' || kind == 'b') && width == 1) {
      value = LoadLittle<std::uint8_t>(element);
    } else if (kind == 'u' && width == 2) {
      value = LoadLittle<std::uint16_t>(element);
    } else if (kind == 'u' && width == 4) {
      value = LoadLittle<std::uint32_t>(element);
    } else if (kind == 'u' && width == 8) {
      value = static_cast<double>(LoadLittle<std::uint64_t>(element));
    } else {
      return false;
    }
    out[i] = value;
  }
  return true;
}

// Reorders column-major values of a 2-D shape into row-major order.
void FortranToC(const std::vector<std::size_t>& shape, std::vector<double>& values) {
  if (shape.size() != 2) {
    return;
  }
  std::vector<double> reordered(values.size());
  for (std::size_t r = 0; r < shape[0]; ++r) {
    for (std::size_t c = 0; c < shape[1]; ++c) {
      reordered[r * shape[1] + c] = values[c * shape[0] + r];
    }
  }
  values.swap(reordered);
}

// Returns the text after `key` up to the next comma or closing bracket of a Python dict
// literal such as {'descr': '<f8', 'fortran_order': True, 'shape': (768, 8), }.
std::string_view DictValue(std::string_view header, std::string_view key) {
  const std::size_t at = header.find(key);
  if (at == std::string_view::npos) {
    return {};
  }
  std::size_t start = header.find(':', at + key.size());
  if (start == std::string_view::npos) {
    return {};
  }
  ++start;
  while (start < header.size() && header[start] == ' ') {
    ++start;
  }
  if (start >= header.size()) {
    return {};
  }
  const char close = header[start] == '(' ? ')' : ',';
  const std::size_t end = header.find(close, start);
  if (end == std::string_view::npos) {
    return {};
  }
  return header.substr(start, end - start + (close == ')' ? 1 : 0));
}

Result<LabelledData> ToLabelledData(const NumericArray& x, const NumericArray& y,
                                    std::string_view source) {
  if (x.shape.size() != 2 || x.shape[0] == 0) {
    return InvalidArgument(fmt::format("{}: X must be a non-empty 2-D array", source));
  }
  if (y.values.size() != x.shape[0]) {
    return InvalidArgument(
        fmt::format("{}: y has {} values but X has {} rows", source, y.values.size(), x.shape[0]));
  }
  LabelledData data;
  data.features.rows = x.shape[0];
  data.features.cols = x.shape[1];
  data.features.values = x.values;
  data.labels.reserve(y.values.size());
  for (double label : y.values) {
    data.labels.push_back(label != 0.0 ? 1 : 0);
  }
  return data;
}

}  // namespace

Result<NumericArray> ParseNpy(std::string_view bytes, std::string_view source) {
  if (bytes.size() < 10 || bytes.substr(0, 6) != "\x93NUMPY") {
    return InvalidArgument(
        fmt::format("{}: not a .npy array (missing the \\x93NUMPY magic)", source));
  }
  const auto major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_length = 0;
  std::size_t header_start = 0;
  if (major == 1) {
    header_length = LoadLittle<std::uint16_t>(bytes.data() + 8);
    header_start = 10;
  } else if ((major == 2 || major == 3) && bytes.size() >= 12) {
    header_length = LoadLittle<std::uint32_t>(bytes.data() + 8);
    header_start = 12;
  } else {
    return InvalidArgument(fmt::format("{}: unsupported .npy format version {}", source, major));
  }
  if (header_start + header_length > bytes.size()) {
    return InvalidArgument(fmt::format("{}: .npy header runs past the end of the data", source));
  }
  const std::string_view header = bytes.substr(header_start, header_length);
  const std::string_view descr = DictValue(header, "'descr'");
  const std::string_view fortran = DictValue(header, "'fortran_order'");
  const std::string_view shape_text = DictValue(header, "'shape'");
  if (descr.size() < 5 || shape_text.empty() || (descr[1] != '<' && descr[1] != '|')) {
    return InvalidArgument(fmt::format("{}: unsupported .npy header {}", source, header));
  }
  const char kind = descr[2];
  const std::size_t width = static_cast<std::size_t>(descr[3] - '0');

  NumericArray array;
  std::size_t count = 1;
  std::size_t value = 0;
  bool in_number = false;
  for (char c : shape_text) {
    if (c >= '0' && c <= '9') {
      value = value * 10 + static_cast<std::size_t>(c - '0');
      in_number = true;
      if (value > kMaxArrayBytes) {
        return InvalidArgument(fmt::format("{}: .npy shape {} is too large", source, shape_text));
      }
    } else if (in_number) {
      array.shape.push_back(value);
      count *= value;
      value = 0;
      in_number = false;
      if (count > kMaxArrayBytes) {
        return InvalidArgument(fmt::format("{}: .npy shape {} is too large", source, shape_text));
      }
    }
  }
  const std::string_view data = bytes.substr(header_start + header_length);
  if (width == 0 || width > 8 || data.size() < count * width) {
    return InvalidArgument(fmt::format("{}: .npy data holds {} bytes, the header needs {}", source,
                                       data.size(), count * width));
  }
  if (!ConvertElements(data.data(), count, kind, width, array.values)) {
    return InvalidArgument(fmt::format("{}: unsupported .npy element type {}", source, descr));
  }
  if (fortran.substr(0, 4) == "True") {
    FortranToC(array.shape, array.values);
  }
  return array;
}

Result<LabelledData> ReadNpz(const std::string& path) {
  auto bytes = ReadFile(path, kMaxArrayBytes);
  if (!bytes) {
    return bytes.status();
  }
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                &archive_read_free);
  archive_read_support_format_zip(reader.get());
  if (archive_read_open_memory(reader.get(), bytes->data(), bytes->size()) != ARCHIVE_OK) {
    return InvalidArgument(
        fmt::format("{}: not a zip archive: {}", path, archive_error_string(reader.get())));
  }
  std::map<std::string, NumericArray> arrays;
  archive_entry* entry = nullptr;
  while (archive_read_next_header(reader.get(), &entry) == ARCHIVE_OK) {
    const std::string name = archive_entry_pathname(entry);
    std::string member;
    char buffer[1 << 16];
    la_ssize_t got = 0;
    while ((got = archive_read_data(reader.get(), buffer, sizeof(buffer))) > 0) {
      member.append(buffer, static_cast<std::size_t>(got));
      if (member.size() > kMaxArrayBytes) {
        return ResourceExhausted(fmt::format("{}: member {} is larger than 1 GiB", path, name));
      }
    }
    if (got < 0) {
      return InvalidArgument(fmt::format("{}: cannot read member {}: {}", path, name,
                                         archive_error_string(reader.get())));
    }
    auto array = ParseNpy(member, path + ":" + name);
    if (!array) {
      return array.status();
    }
    arrays[name] = std::move(*array);
  }
  if (arrays.count("X.npy") == 0 || arrays.count("y.npy") == 0) {
    return InvalidArgument(fmt::format("{}: the archive must hold X.npy and y.npy", path));
  }
  return ToLabelledData(arrays["X.npy"], arrays["y.npy"], path);
}

Result<LabelledData> ReadLabelledArrays(const std::string& path) {
  if (path.size() >= 4 && path.substr(path.size() - 4) == ".mat") {
    return ReadMatV5(path);
  }
  return ReadNpz(path);
}

}  // namespace rampart::detect
