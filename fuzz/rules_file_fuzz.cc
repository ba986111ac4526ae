// Fuzz target: rules files (YAML or JSON) through the reader and into a matcher.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pattern/matcher.h"
#include "pattern/rules_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const rampart::pattern::RulesFile file = rampart::pattern::ParseRulesFile(text);
  for (const rampart::pattern::RuleError& error : file.errors) {
    (void)error.ToString("fuzz.yaml");
  }
  rampart::pattern::Matcher matcher;
  (void)rampart::pattern::AddEnabledRules(file, matcher);
  return 0;
}
