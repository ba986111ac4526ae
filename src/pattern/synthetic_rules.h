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
// wildcards, numeric ranges and conjunctions of two or three fields. Each draws its operand
// from a space much larger than the values in the events (such as 7-digit lot numbers), so
// an event matches, or nearly matches, only a few rules however many there are.
std::vector<std::pair<std::string, std::string>> SyntheticCitylotsRules(std::size_t count,
                                                                        std::uint64_t seed);

}  // namespace rampart::pattern
