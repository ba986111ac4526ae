// The web console's static files (console/ in the source tree), embedded into the binary at
// build time by cmake/EmbedAssets.cmake, so `rampart serve` needs no files beside it.
#pragma once

#include <span>
#include <string_view>

namespace rampart::server {

struct ConsoleAsset {
  std::string_view path;  // relative to console/, such as "js/main.js"
  std::string_view body;
};

// Returns every embedded file, sorted by path.
std::span<const ConsoleAsset> ConsoleAssets();

}  // namespace rampart::server
