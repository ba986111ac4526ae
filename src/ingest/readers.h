// Factories of the built-in readers; one per format, each in its own file.
#pragma once

#include <memory>
#include <vector>

#include "ingest/reader.h"

namespace rampart::ingest {

// Returns every built-in reader in detection order.
std::vector<std::unique_ptr<Reader>> MakeAllReaders();

}  // namespace rampart::ingest
