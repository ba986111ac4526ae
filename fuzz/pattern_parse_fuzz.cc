// Fuzz target: event-pattern text through the parser, and valid patterns through the
// compiler and one match.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "pattern/matcher.h"
#include "pattern/pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  rampart::pattern::PatternResult pattern = rampart::pattern::ParsePatternText(text);
  if (!pattern) {
    return 0;
  }
  rampart::pattern::Matcher matcher;
  if (!matcher.AddRule("fuzz", *pattern).ok()) {
    return 0;
  }
  rampart::pattern::MatchState state;
  std::vector<rampart::pattern::RuleId> matches;
  (void)matcher.Match(
      R"({"source": "aws.securityhub", "detail": {"findings": [{"Severity": {"Label": "HIGH",)"
      R"( "Normalized": 70}, "Resources": [{"Id": "10.0.0.1"}, {"Id": "pod/x"}]}],)"
      R"( "count": 3, "flag": true, "none": null}})",
      state, matches);
  (void)matcher.RemoveRule("fuzz");
  return 0;
}
