// Google Benchmarks of the event-pattern matcher: compiling many rules, and matching the
// citylots2 events with 10 against 10,000 (and more) rules. `rampart bench patterns` runs
// the rule banks of the reference engines.
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "core/file.h"
#include "pattern/event_reader.h"
#include "pattern/matcher.h"
#include "pattern/rule_banks.h"
#include "pattern/synthetic_rules.h"

namespace rampart::pattern {
namespace {

constexpr std::uint64_t kSeed = 20240607;

std::vector<std::pair<std::string, Pattern>> ParsedRules(std::size_t count) {
  std::vector<std::pair<std::string, Pattern>> rules;
  for (const auto& [name, text] : SyntheticCitylotsRules(count, kSeed)) {
    rules.emplace_back(name, *ParsePatternText(text));
  }
  return rules;
}

void BM_CompileRules(benchmark::State& state) {
  const auto generated = SyntheticCitylotsRules(static_cast<std::size_t>(state.range(0)), kSeed);
  for (auto _ : state) {
    std::vector<std::pair<std::string, Pattern>> rules;
    for (const auto& [name, text] : generated) {
      rules.emplace_back(name, *ParsePatternText(text));
    }
    Matcher matcher;
    if (!matcher.AddRules(rules).ok()) {
      state.SkipWithError("AddRules failed");
      return;
    }
    benchmark::DoNotOptimize(matcher.rule_count());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CompileRules)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// The first 50,000 citylots2 events, padded so each line is matched in place.
struct Events {
  std::string text;
  std::vector<std::string_view> lines;
};

const Events* CitylotsEvents() {
  static const Events* events = []() -> Events* {
    Result<std::string> text =
        ReadFile(std::string(RAMPART_SHARED_DATA) + "/patterns/citylots2/synth-citylots2.json.gz");
    if (!text) {
      return nullptr;
    }
    auto* loaded = new Events{std::move(*text), {}};
    const std::size_t size = loaded->text.size();
    loaded->text.append(EventReader::kPadding, ' ');
    loaded->lines = SplitLines(std::string_view(loaded->text).substr(0, size));
    loaded->lines.resize(std::min<std::size_t>(loaded->lines.size(), 50000));
    return loaded;
  }();
  return events;
}

void BM_MatchEvents(benchmark::State& state) {
  const Events* events = CitylotsEvents();
  if (events == nullptr) {
    state.SkipWithError("../shared/data is absent; the citylots2 events live there");
    return;
  }
  Matcher matcher;
  if (!matcher.AddRules(ParsedRules(static_cast<std::size_t>(state.range(0)))).ok()) {
    state.SkipWithError("AddRules failed");
    return;
  }
  MatchState match_state;
  std::vector<RuleId> matches;
  const char* end = events->text.data() + events->text.size();
  std::size_t matched = 0;
  for (auto _ : state) {
    for (const std::string_view line : events->lines) {
      matches.clear();
      (void)matcher.MatchPadded(line, static_cast<std::size_t>(end - line.data()), match_state,
                                matches);
      matched += matches.size();
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(events->lines.size()));
  state.counters["matches_per_pass"] =
      static_cast<double>(matched) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_MatchEvents)
    ->Arg(10)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rampart::pattern

BENCHMARK_MAIN();
