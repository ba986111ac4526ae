// Generated rule sets for benchmarks: many distinct rules over the citylots2 event fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rampart::pattern {

// Returns `count` rules as (name, pattern JSON) pairs, drawn from the generator seeded with
// `seed`. They cycle through exact values, prefixes, suffixes, equals-ignore-case,
// wildcards, numeric ranges and two-field conjunctions, each with its own operand, so that
// any one event matches only a few of them however many there are.
std::vector<std::pair<std::string, std::string>> SyntheticCitylotsRules(std::size_t count,
                                                                        std::uint64_t seed);

}  // namespace rampart::pattern
