// The citylots2 rule banks of event-ruler and quamina over the 213,068 synthetic citylots2
// events, checked against the match counts those engines' benchmarks assert.
#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "core/file.h"
#include "core/json.h"
#include "pattern/matcher.h"
#include "pattern/rule_banks.h"

namespace rampart::pattern {
namespace {

const std::string kCitylots = std::string(RAMPART_SHARED_DATA) + "/patterns/citylots2";

std::vector<RuleBank> LoadBanks(const std::string& file, std::string_view engine) {
  Result<std::string> text = ReadFile(kCitylots + "/" + file);
  EXPECT_TRUE(text.has_value()) << file;
  Result<Json> json = ParseJson(text.value_or("{}"), file);
  EXPECT_TRUE(json.has_value()) << file;
  Result<std::vector<RuleBank>> banks = ParseRuleBanks(json.value_or(Json()), engine);
  EXPECT_TRUE(banks.has_value()) << file;
  return banks.value_or(std::vector<RuleBank>{});
}

TEST(Citylots2, RuleBanksMatchAssertedCounts) {
  if (!std::filesystem::exists(kCitylots + "/synth-citylots2.json.gz")) {
    GTEST_SKIP() << "../shared/data is absent; the citylots2 events live there";
  }
  std::vector<RuleBank> banks = LoadBanks("event-ruler-cl2-rulesets.json", "event-ruler");
  const std::vector<RuleBank> quamina = LoadBanks("quamina-cl2-rulesets.json", "quamina");
  banks.insert(banks.end(), quamina.begin(), quamina.end());
  ASSERT_EQ(banks.size(), 20u);

  // Every rule of every bank goes into one matcher, so one pass over the events checks them
  // all, and rules of different banks that share fields are checked side by side.
  Matcher matcher;
  std::map<std::string, std::uint64_t> expected;
  int rejected = 0;
  for (const RuleBank& bank : banks) {
    for (std::size_t i = 0; i < bank.rules.size(); ++i) {
      const std::string name = bank.engine + "/" + bank.name + "/" + std::to_string(i);
      PatternResult pattern = ParsePatternText(bank.rules[i]);
      if (bank.name == "REGEXP") {
        // quamina's regexp operator has no EventBridge counterpart.
        ASSERT_FALSE(pattern.has_value());
        EXPECT_EQ(pattern.error()[0].code, ErrorCode::kUnknownOperator);
        ++rejected;
        continue;
      }
      ASSERT_TRUE(pattern.has_value()) << name << ": " << pattern.error()[0].ToString();
      ASSERT_TRUE(matcher.AddRule(name, *pattern).ok()) << name;
      expected[name] = bank.expected_matches[i];
    }
  }
  EXPECT_EQ(rejected, 1);
  EXPECT_EQ(expected.size(), 95u);

  Result<std::string> events = ReadFile(kCitylots + "/synth-citylots2.json.gz");
  ASSERT_TRUE(events.has_value()) << events.error().message();
  events->append(64, ' ');  // padding, so lines are matched in place
  const std::vector<std::string_view> lines =
      SplitLines(std::string_view(*events).substr(0, events->size() - 64));
  ASSERT_EQ(lines.size(), 213068u);

  MatchState state;
  std::vector<RuleId> matches;
  std::map<std::string, std::uint64_t> counts;
  const char* end = events->data() + events->size();
  for (const std::string_view line : lines) {
    matches.clear();
    const Status status =
        matcher.MatchPadded(line, static_cast<std::size_t>(end - line.data()), state, matches);
    ASSERT_TRUE(status.ok()) << status.message();
    for (const RuleId id : matches) {
      ++counts[matcher.rule_name(id)];
    }
  }
  for (const auto& [name, count] : expected) {
    EXPECT_EQ(counts[name], count) << name;
  }
}

}  // namespace
}  // namespace rampart::pattern
