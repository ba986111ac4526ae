#include "pattern/rule_banks.h"

#include <fmt/format.h>

namespace rampart::pattern {
namespace {

// Renames every "shellstyle" member to "wildcard"; quamina's shell-style patterns use only
// '*' with no escapes, which the wildcard operator reads the same way.
Json RenameShellStyle(const Json& value) {
  if (value.is_array()) {
    Json copy = Json::array();
    for (const Json& element : value) {
      copy.push_back(RenameShellStyle(element));
    }
    return copy;
  }
  if (!value.is_object()) {
    return value;
  }
  Json copy = Json::object();
  for (const auto& [key, member] : value.items()) {
    copy[key == "shellstyle" ? "wildcard" : key] = RenameShellStyle(member);
  }
  return copy;
}

}  // namespace

Result<std::vector<RuleBank>> ParseRuleBanks(const Json& document, std::string_view engine) {
  const Json* rulesets =
      document.is_object() && document.contains("rulesets") ? &document.at("rulesets") : nullptr;
  if (rulesets == nullptr || !rulesets->is_array()) {
    return InvalidArgument("a rule bank file needs a \"rulesets\" array");
  }
  std::vector<RuleBank> banks;
  for (std::size_t i = 0; i < rulesets->size(); ++i) {
    const Json& entry = (*rulesets)[i];
    const bool valid = entry.is_object() && entry.value("name", Json()).is_string() &&
                       entry.value("rules", Json()).is_array() &&
                       entry.value("expected_matches", Json()).is_array() &&
                       entry["rules"].size() == entry["expected_matches"].size();
    if (!valid) {
      return InvalidArgument(fmt::format(
          "$.rulesets[{}]: needs \"name\", and \"rules\" and \"expected_matches\" arrays of "
          "equal length",
          i));
    }
    RuleBank bank{std::string(engine), entry["name"].get<std::string>(), {}, {}};
    for (std::size_t r = 0; r < entry["rules"].size(); ++r) {
      const Json& rule = entry["rules"][r];
      const Json& count = entry["expected_matches"][r];
      if (!rule.is_string() || !count.is_number_unsigned()) {
        return InvalidArgument(
            fmt::format("$.rulesets[{}]: rules are JSON texts and expected_matches counts", i));
      }
      Result<Json> pattern = ParseJson(rule.get<std::string>(), "rule bank pattern");
      bank.rules.push_back(pattern ? RenameShellStyle(*pattern).dump() : rule.get<std::string>());
      bank.expected_matches.push_back(count.get<std::uint64_t>());
    }
    banks.push_back(std::move(bank));
  }
  return banks;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      lines.push_back(line);
    }
    if (end == std::string_view::npos) {
      break;
    }
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace rampart::pattern
