#include "detect/model_file.h"

#include <fmt/format.h>

#include "core/file.h"
#include "core/hash.h"
#include "detect/byte_codec.h"

namespace rampart::detect {
namespace {

constexpr std::size_t kHeaderBytes = 24;
constexpr std::size_t kChecksumBytes = 64;
constexpr std::size_t kMaxFeatureNames = 1 << 16;
constexpr std::size_t kMaxFeatureNameLength = 1024;
constexpr std::size_t kMaxModelFileBytes = std::size_t{1} << 31;

}  // namespace

std::string_view ModelKindName(ModelKind kind) {
  switch (kind) {
    case ModelKind::kIsolationForest:
      return "iforest";
    case ModelKind::kRandomCutForest:
      return "rcf";
  }
  return "unknown";
}

std::string EncodeModelFile(const ModelFile& file) {
  ByteWriter body;
  body.PutU32(static_cast<std::uint32_t>(file.feature_names.size()));
  for (const std::string& name : file.feature_names) {
    body.PutString(name);
  }
  body.PutU32(static_cast<std::uint32_t>(file.metadata.size()));
  for (const auto& [key, value] : file.metadata) {
    body.PutString(key);
    body.PutString(value);
  }
  body.PutLongString(file.entity_history);
  ByteWriter header;
  header.PutU32(kModelFileVersion);
  header.PutU32(static_cast<std::uint32_t>(file.kind));
  header.PutU64(body.bytes().size() + file.payload.size());

  std::string bytes(kModelFileMagic);
  bytes += header.bytes();
  bytes += body.bytes();
  bytes += file.payload;
  bytes += Sha256Hex(bytes);
  return bytes;
}

Result<ModelFile> DecodeModelFile(std::string_view bytes, std::string_view source) {
  if (bytes.size() < kModelFileMagic.size() || bytes.substr(0, 8) != kModelFileMagic) {
    return InvalidArgument(fmt::format(
        "{}: not a Rampart model file (the first 8 bytes are not \"RAMPARTM\"); pass a file "
        "written by `rampart model train`",
        source));
  }
  ByteReader header(bytes.substr(8, kHeaderBytes - 8));
  std::uint32_t version = 0;
  std::uint32_t kind = 0;
  std::uint64_t body_length = 0;
  header.GetU32(version);
  header.GetU32(kind);
  header.GetU64(body_length);
  if (!header.ok()) {
    return InvalidArgument(fmt::format("{}: model file is truncated inside its header", source));
  }
  if (version < kOldestModelFileVersion || version > kModelFileVersion) {
    return InvalidArgument(fmt::format(
        "{}: model file format version {} is not supported (this build reads versions {} to "
        "{}); train the model again with this build",
        source, version, kOldestModelFileVersion, kModelFileVersion));
  }
  if (kind != static_cast<std::uint32_t>(ModelKind::kIsolationForest) &&
      kind != static_cast<std::uint32_t>(ModelKind::kRandomCutForest)) {
    return InvalidArgument(fmt::format("{}: model file names unknown model kind {}", source, kind));
  }
  const std::size_t available = bytes.size() - kHeaderBytes;
  if (available < kChecksumBytes || body_length != available - kChecksumBytes) {
    return InvalidArgument(fmt::format(
        "{}: model file is damaged: the header gives a body of {} bytes but {} bytes follow; "
        "restore the file or train the model again",
        source, body_length, available < kChecksumBytes ? 0 : available - kChecksumBytes));
  }
  const std::string_view covered = bytes.substr(0, bytes.size() - kChecksumBytes);
  if (Sha256Hex(covered) != bytes.substr(bytes.size() - kChecksumBytes)) {
    return InvalidArgument(fmt::format(
        "{}: model file is damaged: its SHA-256 checksum does not match the content; restore "
        "the file or train the model again",
        source));
  }

  ModelFile file;
  file.version = version;
  file.kind = static_cast<ModelKind>(kind);
  ByteReader body(covered.substr(kHeaderBytes));
  std::uint32_t name_count = 0;
  if (!body.GetU32(name_count) || name_count > kMaxFeatureNames) {
    return InvalidArgument(fmt::format("{}: model file has an invalid feature-name count", source));
  }
  file.feature_names.resize(name_count);
  for (std::string& name : file.feature_names) {
    if (!body.GetString(name, kMaxFeatureNameLength)) {
      return InvalidArgument(fmt::format("{}: model file has an invalid feature name", source));
    }
  }
  std::uint32_t metadata_count = 0;
  if (!body.GetU32(metadata_count) || metadata_count > kMaxFeatureNames) {
    return InvalidArgument(fmt::format("{}: model file has an invalid metadata count", source));
  }
  for (std::uint32_t i = 0; i < metadata_count; ++i) {
    std::string key;
    std::string value;
    if (!body.GetString(key, kMaxFeatureNameLength) ||
        !body.GetString(value, kMaxFeatureNameLength)) {
      return InvalidArgument(fmt::format("{}: model file has an invalid metadata entry", source));
    }
    file.metadata[key] = value;
  }
  std::uint64_t history_length = 0;
  if (version >= 4 && (!body.GetU64(history_length) || history_length > body.remaining())) {
    return InvalidArgument(
        fmt::format("{}: model file has an invalid entity history length", source));
  }
  const std::size_t history_at = kHeaderBytes + body.offset();
  file.entity_history = std::string(covered.substr(history_at, history_length));
  file.payload = std::string(covered.substr(history_at + history_length));
  return file;
}

Status WriteModelFile(const ModelFile& file, const std::string& path) {
  return WriteFileAtomic(path, EncodeModelFile(file));
}

Result<ModelFile> ReadModelFile(const std::string& path) {
  auto bytes = ReadFile(path, kMaxModelFileBytes);
  if (!bytes) {
    return bytes.status();
  }
  return DecodeModelFile(*bytes, path);
}

}  // namespace rampart::detect
