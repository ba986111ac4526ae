// The model file: a versioned, checksummed container for a trained model.
//
// Layout (integers little-endian):
//   bytes 0-7    magic "RAMPARTM"
//   bytes 8-11   format version (kModelFileVersion)
//   bytes 12-15  model kind (ModelKind)
//   bytes 16-23  body length N
//   N bytes      body: u32 feature-name count, each name as u32 length + bytes; u32
//                metadata count, each key and value as u32 length + bytes; from version 4,
//                the entity history as u64 length + bytes (EncodeEntityHistory, empty for
//                models of rows); then the algorithm's own payload
//   64 bytes     SHA-256 of every byte before it, as lower-case hex
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::detect {

inline constexpr std::string_view kModelFileMagic = "RAMPARTM";
// Version 4 adds the entity history, what each entity of a training log used. Version 3 gave
// each tree of a Random Cut Forest its own random engine, and its files are still read, with
// an empty entity history. Version 2 shared one engine, and version 1 kept points and cuts in
// doubles. Files of either are rejected with a message to retrain the model.
inline constexpr std::uint32_t kModelFileVersion = 4;
inline constexpr std::uint32_t kOldestModelFileVersion = 3;

enum class ModelKind : std::uint32_t {
  kIsolationForest = 1,
  kRandomCutForest = 2,
};

// Returns "iforest" or "rcf", the names the command line uses.
std::string_view ModelKindName(ModelKind kind);

struct ModelFile {
  std::uint32_t version = kModelFileVersion;  // as read; files are always written in the latest
  ModelKind kind = ModelKind::kIsolationForest;
  std::vector<std::string> feature_names;       // the input columns, in the order the model reads
  std::map<std::string, std::string> metadata;  // such as a learned "threshold"
  std::string entity_history;                   // models of log windows: EncodeEntityHistory()
  std::string payload;                          // the algorithm's Encode() output
};

std::string EncodeModelFile(const ModelFile& file);

// Decodes and verifies a model file. Rejects, naming `source`: a wrong magic (not a model
// file), a format version other than 3 and 4, an unknown kind, a truncated body and a
// checksum mismatch (a damaged file).
Result<ModelFile> DecodeModelFile(std::string_view bytes, std::string_view source);

Status WriteModelFile(const ModelFile& file, const std::string& path);
Result<ModelFile> ReadModelFile(const std::string& path);

}  // namespace rampart::detect
