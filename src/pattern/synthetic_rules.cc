#include "pattern/synthetic_rules.h"

#include <random>

#include <fmt/format.h>

namespace rampart::pattern {
namespace {

std::string Letters(std::mt19937_64& random, int length) {
  std::uniform_int_distribution<int> letter('A', 'Z');
  std::string text;
  for (int i = 0; i < length; ++i) {
    text += static_cast<char>(letter(random));
  }
  return text;
}

std::string RulePattern(std::size_t kind, std::mt19937_64& random) {
  std::uniform_int_distribution<int> block(1, 8999);
  std::uniform_int_distribution<int> lot(1, 300);
  std::uniform_int_distribution<int> digits3(0, 999);
  std::uniform_int_distribution<int> digits6(0, 999999);
  std::uniform_real_distribution<double> longitude(-122.52, -122.35);
  switch (kind) {
    case 0:
      return fmt::format(R"({{"properties":{{"MAPBLKLOT":["{:04d}{:03d}"]}}}})", block(random),
                         lot(random));
    case 1:
      return fmt::format(R"({{"properties":{{"STREET":[{{"prefix":"{}"}}]}}}})",
                         Letters(random, 4));
    case 2:
      return fmt::format(R"({{"properties":{{"BLKLOT":[{{"suffix":"{:06d}"}}]}}}})",
                         digits6(random));
    case 3:
      return fmt::format(R"({{"properties":{{"STREET":[{{"equals-ignore-case":"{}"}}]}}}})",
                         Letters(random, 6));
    case 4:
      return fmt::format(R"({{"properties":{{"MAPBLKLOT":[{{"wildcard":"{:03d}*{:03d}"}}]}}}})",
                         digits3(random), digits3(random));
    case 5: {
      const double low = longitude(random);
      return fmt::format(
          R"({{"geometry":{{"firstCoordinates":{{"x":[{{"numeric":[">=",{:.9f},"<",{:.9f}]}}]}}}}}})",
          low, low + 1e-7);
    }
    case 6:
      return fmt::format(
          R"({{"properties":{{"ST_TYPE":["ST"],"MAPBLKLOT":["{:04d}{:03d}"]}},"geometry":{{"type":["Polygon"]}}}})",
          block(random), lot(random));
    default:
      return fmt::format(R"({{"properties":{{"LOT_NUM":["{:03d}"],"BLKLOT":["{:04d}{:03d}"]}}}})",
                         lot(random), block(random), lot(random));
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> SyntheticCitylotsRules(std::size_t count,
                                                                        std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<std::pair<std::string, std::string>> rules;
  rules.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    rules.emplace_back(fmt::format("synthetic-{}", i), RulePattern(i % 8, random));
  }
  return rules;
}

}  // namespace rampart::pattern
