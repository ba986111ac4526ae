// Seeded random numbers for tree building and sampling, identical on every platform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

namespace rampart::detect {

// The engine every model takes by reference. std::mt19937_64's output sequence is fixed by
// the C++ standard, unlike the standard distributions, so the helpers below build on raw
// engine output to keep models identical across standard libraries.
using RandomEngine = std::mt19937_64;

// Returns a double uniform in [0, 1) with 53 random bits.
inline double UniformUnit(RandomEngine& engine) {
  return static_cast<double>(engine() >> 11) * 0x1.0p-53;
}

// Returns a double uniform in (0, 1], for logarithms.
inline double UniformOpenUnit(RandomEngine& engine) {
  return (static_cast<double>(engine() >> 11) + 1.0) * 0x1.0p-53;
}

// Returns an index uniform in [0, count); `count` must be positive. Uses rejection so that
// no index is favoured.
inline std::size_t UniformIndex(RandomEngine& engine, std::size_t count) {
  const std::uint64_t bound = static_cast<std::uint64_t>(count);
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t value = engine();
  while (value >= limit) {
    value = engine();
  }
  return static_cast<std::size_t>(value % bound);
}

}  // namespace rampart::detect
