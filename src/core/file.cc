#include "core/file.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace rampart {

namespace {

// Decompresses gzip data. Data that ends before the gzip stream does is an error, unless
// `truncated` is given: then the function returns what was unpacked and sets *truncated.
Result<std::string> Inflate(const std::string& data, std::size_t max_bytes, bool* truncated) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) {
    return Internal("zlib inflateInit2 failed");
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[1 << 16];
  int code = Z_OK;
  while (true) {
    if (code == Z_STREAM_END) {
      // Files joined with cat, or appended to with gzip >>, hold several members one after
      // another; gzip -d reads them all.
      if (stream.avail_in < 2 || stream.next_in[0] != 0x1f || stream.next_in[1] != 0x8b ||
          inflateReset(&stream) != Z_OK) {
        break;
      }
    }
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    code = inflate(&stream, Z_NO_FLUSH);
    const bool ran_out =
        stream.avail_in == 0 && (code == Z_BUF_ERROR || (code == Z_OK && stream.avail_out != 0));
    if (code != Z_OK && code != Z_STREAM_END && !ran_out) {
      inflateEnd(&stream);
      return InvalidArgument(fmt::format("corrupt or truncated gzip data ({})",
                                         stream.msg != nullptr ? stream.msg : "no detail"));
    }
    out.append(buffer, sizeof(buffer) - stream.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      return ResourceExhausted(fmt::format("gzip data expands past {} bytes", max_bytes));
    }
    if (ran_out) {
      inflateEnd(&stream);
      if (truncated == nullptr) {
        return InvalidArgument("truncated gzip data");
      }
      *truncated = true;
      return out;
    }
  }
  inflateEnd(&stream);
  return out;
}

Result<std::string> ReadWholeFile(const std::string& path, std::size_t max_bytes, bool* truncated) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return InvalidArgument(fmt::format("{}: is a directory, expected a file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return IoError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  }
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > max_bytes) {
    return ResourceExhausted(
        fmt::format("{}: file has {} bytes, more than the limit of {}", path, size, max_bytes));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string data = std::move(buffer).str();
  if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
      static_cast<unsigned char>(data[1]) == 0x8b) {
    auto unpacked = Inflate(data, max_bytes, truncated);
    if (!unpacked) {
      return unpacked.status().WithContext(path);
    }
    return std::move(*unpacked);
  }
  return data;
}

}  // namespace

Result<std::string> Gunzip(const std::string& data, std::size_t max_bytes) {
  return Inflate(data, max_bytes, nullptr);
}

Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) {
  return ReadWholeFile(path, max_bytes, nullptr);
}

Result<std::string> ReadFileUpToCut(const std::string& path, bool& truncated,
                                    std::size_t max_bytes) {
  truncated = false;
  return ReadWholeFile(path, max_bytes, &truncated);
}

Status WriteFileAtomic(const std::string& path, const std::string& data) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      return IoError(fmt::format("{}: cannot write: {}", temporary, std::strerror(errno)));
    }
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) {
      out.close();
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      return IoError(fmt::format("{}: write failed", temporary));
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);  // leave nothing beside the target
    return IoError(
        fmt::format("{}: cannot replace it with the new file: {}", path, error.message()));
  }
  return Status::Ok();
}

}  // namespace rampart
