// The byte encoding of EntityHistory lists, which models of log windows store so that a later
// log continues from what each entity used in training.
//
// Layout, with integers little-endian as ByteWriter writes them:
//   u64          entity count
//   per entity   u32 EntityKind; the entity as u32 length + bytes; the action, source address
//                and user agent hashes, each as a u64 count and u64 values
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/feature_windows.h"

namespace rampart::detect {

std::string EncodeEntityHistory(const std::vector<EntityHistory>& history);

// Decodes what EncodeEntityHistory wrote. Rejects an unknown entity kind, a count larger
// than the bytes left, and trailing bytes.
Result<std::vector<EntityHistory>> DecodeEntityHistory(std::string_view bytes);

}  // namespace rampart::detect
