// Reading whole files, with a size limit and transparent gzip.
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"

namespace rampart {

inline constexpr std::size_t kDefaultMaxFileBytes = std::size_t{1} << 30;  // 1 GiB

// Reads the file at `path`; a gzip file (magic 1f 8b) is decompressed. Fails with a message
// naming the path when the file is missing, unreadable, or larger than `max_bytes`.
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes = kDefaultMaxFileBytes);

// Reads as ReadFile does, except that a gzip file cut short (a log copied while it was being
// compressed) gives the bytes unpacked before the cut, with `truncated` set, instead of an
// error. A gzip stream that is corrupt is still an error.
Result<std::string> ReadFileUpToCut(const std::string& path, bool& truncated,
                                    std::size_t max_bytes = kDefaultMaxFileBytes);

// Decompresses gzip data, refusing output larger than `max_bytes`.
Result<std::string> Gunzip(const std::string& data, std::size_t max_bytes);

// Writes `data` to `path` through a temporary file and a rename, so readers never see a
// partial file.
Status WriteFileAtomic(const std::string& path, const std::string& data);

}  // namespace rampart
