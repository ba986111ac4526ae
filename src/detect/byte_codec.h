// Little-endian encoding of the numbers and strings inside model files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::detect {

// Appends fixed-width little-endian values to a byte string.
class ByteWriter {
 public:
  void PutU32(std::uint32_t value);
  void PutU64(std::uint64_t value);
  void PutI32(std::int32_t value) { PutU32(static_cast<std::uint32_t>(value)); }
  void PutF32(float value);
  void PutF64(double value);
  void PutString(std::string_view text);                // a u32 length, then the bytes
  void PutLongString(std::string_view text);            // a u64 length, then the bytes
  void PutF64Array(const std::vector<double>& values);  // a u64 count, then the values

  const std::string& bytes() const { return bytes_; }
  std::string Take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

// Reads what ByteWriter wrote. Every getter returns false once the input runs short (and
// stays false), so a caller checks ok() after a group of reads.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  bool GetU32(std::uint32_t& value);
  bool GetU64(std::uint64_t& value);
  bool GetI32(std::int32_t& value);
  bool GetF32(float& value);
  bool GetF64(double& value);
  bool GetString(std::string& text, std::size_t max_length);
  bool GetF64Array(std::vector<double>& values, std::size_t max_count);

  bool ok() const { return ok_; }
  std::size_t remaining() const { return bytes_.size() - offset_; }
  std::size_t offset() const { return offset_; }

 private:
  bool Take(std::size_t count, const char*& data);

  std::string_view bytes_;
  std::size_t offset_ = 0;
  bool ok_ = true;
};

}  // namespace rampart::detect
