#include "detect/byte_codec.h"

#include <cstring>

namespace rampart::detect {

void ByteWriter::PutU32(std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    bytes_.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void ByteWriter::PutU64(std::uint64_t value) {
  for (int shift = 0; shift < 64; shift += 8) {
    bytes_.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void ByteWriter::PutF32(float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof(bits));
  PutU32(bits);
}

void ByteWriter::PutF64(double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof(bits));
  PutU64(bits);
}

void ByteWriter::PutString(std::string_view text) {
  PutU32(static_cast<std::uint32_t>(text.size()));
  bytes_.append(text);
}

void ByteWriter::PutLongString(std::string_view text) {
  PutU64(text.size());
  bytes_.append(text);
}

void ByteWriter::PutF64Array(const std::vector<double>& values) {
  PutU64(values.size());
  for (double value : values) {
    PutF64(value);
  }
}

bool ByteReader::Take(std::size_t count, const char*& data) {
  if (!ok_ || count > remaining()) {
    ok_ = false;
    return false;
  }
  data = bytes_.data() + offset_;
  offset_ += count;
  return true;
}

bool ByteReader::GetU32(std::uint32_t& value) {
  const char* data = nullptr;
  if (!Take(4, data)) {
    return false;
  }
  value = 0;
  for (int i = 3; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(data[i]);
  }
  return true;
}

bool ByteReader::GetU64(std::uint64_t& value) {
  const char* data = nullptr;
  if (!Take(8, data)) {
    return false;
  }
  value = 0;
  for (int i = 7; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(data[i]);
  }
  return true;
}

bool ByteReader::GetI32(std::int32_t& value) {
  std::uint32_t bits = 0;
  if (!GetU32(bits)) {
    return false;
  }
  value = static_cast<std::int32_t>(bits);
  return true;
}

bool ByteReader::GetF32(float& value) {
  std::uint32_t bits = 0;
  if (!GetU32(bits)) {
    return false;
  }
  std::memcpy(&value, &bits, sizeof(value));
  return true;
}

bool ByteReader::GetF64(double& value) {
  std::uint64_t bits = 0;
  if (!GetU64(bits)) {
    return false;
  }
  std::memcpy(&value, &bits, sizeof(value));
  return true;
}

bool ByteReader::GetString(std::string& text, std::size_t max_length) {
  std::uint32_t length = 0;
  const char* data = nullptr;
  if (!GetU32(length) || length > max_length || !Take(length, data)) {
    ok_ = false;
    return false;
  }
  text.assign(data, length);
  return true;
}

bool ByteReader::GetF64Array(std::vector<double>& values, std::size_t max_count) {
  std::uint64_t count = 0;
  if (!GetU64(count) || count > max_count || count * 8 > remaining()) {
    ok_ = false;
    return false;
  }
  values.resize(count);
  for (double& value : values) {
    GetF64(value);
  }
  return ok_;
}

}  // namespace rampart::detect
