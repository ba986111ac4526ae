// Fuzz target: event text through the reader and a matcher holding every operator.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "pattern/event_reader.h"
#include "pattern/matcher.h"
#include "pattern/pattern.h"

namespace {

const rampart::pattern::Matcher& FuzzMatcher() {
  static const rampart::pattern::Matcher* matcher = [] {
    auto* built = new rampart::pattern::Matcher();
    const char* patterns[] = {
        R"({"a": ["x", 1, true, null, ""]})",
        R"({"a": [{"prefix": "p"}, {"suffix": "s"}, {"equals-ignore-case": "Ab"}]})",
        R"({"a": [{"wildcard": "a*b*c"}, {"anything-but": {"prefix": "z"}}]})",
        R"({"b": {"c": [{"numeric": [">", 0, "<=", 5]}], "d": [{"exists": false}]}})",
        R"({"b": {"ip": [{"cidr": "10.0.0.0/8"}, {"cidr": "2001:db8::/32"}]}})",
        R"({"$or": [{"e": {"f": [{"exists": true}]}}, {"e": {"g": ["h"]}}]})",
        R"({"e": {"f": [1], "g": ["h"], "i": [{"exists": false}]}})",
    };
    int index = 0;
    for (const char* text : patterns) {
      (void)built->AddRule("r" + std::to_string(index++),
                           *rampart::pattern::ParsePatternText(text));
    }
    return built;
  }();
  return *matcher;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static rampart::pattern::MatchState state;
  static rampart::pattern::EventReader validator;
  std::vector<rampart::pattern::RuleId> matches;
  (void)FuzzMatcher().Match(text, state, matches);
  (void)validator.Validate(text);
  return 0;
}
