// `rampart bench patterns`: throughput of the pattern matcher on the citylots2 rule banks,
// compile time of 10,000 rules, and matching time with 10 against 10,000 rules.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/pattern_command.h"
#include "core/file.h"
#include "core/json.h"
#include "pattern/event_reader.h"
#include "pattern/matcher.h"
#include "pattern/rule_banks.h"
#include "pattern/synthetic_rules.h"

namespace rampart::cli {
namespace {

using pattern::Matcher;
using pattern::MatchState;
using pattern::RuleBank;
using pattern::RuleId;

struct BenchOptions {
  std::string data_dir = "../shared/data/patterns";
  int warmup = 2;
  int passes = 5;
  std::size_t scaling_rules = 10000;
};

// The events in one buffer with padding after the last, so each line is matched in place.
struct Events {
  std::string text;
  std::vector<std::string_view> lines;
};

// Seconds of wall time and of this thread's CPU time.
struct Timing {
  double wall = 0;
  double cpu = 0;
};

double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

template <typename Work>
Timing Measure(Work&& work) {
  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = ThreadCpuSeconds();
  work();
  const double cpu = ThreadCpuSeconds() - cpu_start;
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start;
  return {wall.count(), cpu};
}

// Peak resident set size of this process in KiB, from /proc/self/status.
long PeakRssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

std::string Thousands(double value) {
  std::string digits = fmt::format("{:.0f}", value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

Result<Events> LoadEvents(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    return text.status();
  }
  Events events{std::move(*text), {}};
  const std::size_t size = events.text.size();
  events.text.append(pattern::EventReader::kPadding, ' ');
  events.lines = pattern::SplitLines(std::string_view(events.text).substr(0, size));
  return events;
}

// Matches every event once; adds each rule's matches to `counts` (indexed by RuleId).
Status MatchAll(const Matcher& matcher, const Events& events, MatchState& state,
                std::vector<std::uint64_t>& counts) {
  std::vector<RuleId> matches;
  const char* end = events.text.data() + events.text.size();
  for (const std::string_view line : events.lines) {
    matches.clear();
    RAMPART_RETURN_IF_ERROR(
        matcher.MatchPadded(line, static_cast<std::size_t>(end - line.data()), state, matches));
    for (const RuleId id : matches) {
      if (id >= counts.size()) {
        counts.resize(id + 1, 0);
      }
      ++counts[id];
    }
  }
  return Status::Ok();
}

// Runs the warm-up passes and the timed passes; returns the mean time of a timed pass.
Result<Timing> TimePasses(const Matcher& matcher, const Events& events, const BenchOptions& options,
                          std::vector<std::uint64_t>& counts) {
  MatchState state;
  std::vector<std::uint64_t> ignored;
  for (int i = 0; i < options.warmup; ++i) {
    RAMPART_RETURN_IF_ERROR(MatchAll(matcher, events, state, ignored));
  }
  Timing total;
  Status status;
  for (int i = 0; i < options.passes && status.ok(); ++i) {
    counts.assign(counts.size(), 0);
    const Timing pass = Measure([&] { status = MatchAll(matcher, events, state, counts); });
    total.wall += pass.wall;
    total.cpu += pass.cpu;
  }
  RAMPART_RETURN_IF_ERROR(status);
  return Timing{total.wall / options.passes, total.cpu / options.passes};
}

Result<std::vector<RuleBank>> LoadBanks(const std::string& data_dir) {
  std::vector<RuleBank> all;
  for (const auto& [file, engine] : {std::pair{"event-ruler-cl2-rulesets.json", "event-ruler"},
                                     std::pair{"quamina-cl2-rulesets.json", "quamina"}}) {
    const std::string path = data_dir + "/citylots2/" + file;
    Result<std::string> text = ReadFile(path);
    if (!text) {
      return text.status();
    }
    Result<Json> json = ParseJson(*text, path);
    if (!json) {
      return json.status();
    }
    Result<std::vector<RuleBank>> banks = pattern::ParseRuleBanks(*json, engine);
    if (!banks) {
      return banks.status().WithContext(path);
    }
    all.insert(all.end(), banks->begin(), banks->end());
  }
  return all;
}

// Runs one bank; returns false when a match count differs from the asserted one.
bool RunBank(const RuleBank& bank, const Events& events, const BenchOptions& options) {
  Matcher matcher;
  std::vector<std::pair<std::string, pattern::Pattern>> rules;
  for (std::size_t i = 0; i < bank.rules.size(); ++i) {
    pattern::PatternResult parsed = pattern::ParsePatternText(bank.rules[i]);
    if (!parsed) {
      std::printf("%-12s %-26s skipped: %s\n", bank.engine.c_str(), bank.name.c_str(),
                  parsed.error()[0].ToString().c_str());
      return true;
    }
    rules.emplace_back(std::to_string(i), std::move(*parsed));
  }
  if (const Status status = matcher.AddRules(rules); !status.ok()) {
    std::printf("%s %s: %s\n", bank.engine.c_str(), bank.name.c_str(), status.message().c_str());
    return false;
  }

  std::vector<std::uint64_t> counts(bank.rules.size(), 0);
  Result<Timing> timing = TimePasses(matcher, events, options, counts);
  if (!timing) {
    std::printf("%s %s: %s\n", bank.engine.c_str(), bank.name.c_str(),
                timing.status().message().c_str());
    return false;
  }

  bool counts_ok = true;
  for (std::size_t i = 0; i < bank.rules.size(); ++i) {
    const RuleId id = *matcher.FindRule(std::to_string(i));
    counts_ok = counts_ok && counts[id] == bank.expected_matches[i];
  }
  const double n = static_cast<double>(events.lines.size());
  std::printf("%-12s %-26s %5zu %14s %14s %8s %10.1f\n", bank.engine.c_str(), bank.name.c_str(),
              bank.rules.size(), Thousands(n / timing->wall).c_str(),
              Thousands(n / timing->cpu).c_str(), counts_ok ? "ok" : "WRONG",
              static_cast<double>(matcher.MemoryUsage()) / 1024.0);
  return counts_ok;
}

Status CompileAndScale(const Events& events, const BenchOptions& options) {
  const auto generated = pattern::SyntheticCitylotsRules(options.scaling_rules, 20240607);
  std::vector<std::pair<std::string, pattern::Pattern>> rules;
  Matcher large;
  Status status;
  const Timing compile = Measure([&] {
    for (const auto& [name, text] : generated) {
      pattern::PatternResult parsed = pattern::ParsePatternText(text);
      if (!parsed) {
        status = pattern::ToStatus(parsed.error(), name);
        return;
      }
      rules.emplace_back(name, std::move(*parsed));
    }
    status = large.AddRules(rules);
  });
  RAMPART_RETURN_IF_ERROR(status);
  std::printf("\ncompile %zu rules (parse + add): %.3f s wall, %.3f s cpu; matcher %.1f MiB\n",
              rules.size(), compile.wall, compile.cpu,
              static_cast<double>(large.MemoryUsage()) / (1024.0 * 1024.0));

  Matcher small;
  rules.resize(10);
  RAMPART_RETURN_IF_ERROR(small.AddRules(rules));
  const double n = static_cast<double>(events.lines.size());
  std::printf("\n%-28s %14s %14s %12s\n", "rules in matcher", "events/s wall", "events/s cpu",
              "matches");
  for (const Matcher* matcher : {&small, &large}) {
    std::vector<std::uint64_t> counts;
    Result<Timing> timing = TimePasses(*matcher, events, options, counts);
    if (!timing) {
      return timing.status();
    }
    std::uint64_t total = 0;
    for (const std::uint64_t count : counts) {
      total += count;
    }
    std::printf("%-28zu %14s %14s %12s\n", matcher->rule_count(),
                Thousands(n / timing->wall).c_str(), Thousands(n / timing->cpu).c_str(),
                Thousands(static_cast<double>(total)).c_str());
  }
  return Status::Ok();
}

int RunBench(const BenchOptions& options) {
  Result<std::vector<RuleBank>> banks = LoadBanks(options.data_dir);
  if (!banks) {
    std::fprintf(stderr, "error: %s\n", banks.status().message().c_str());
    return 2;
  }
  Result<Events> events = LoadEvents(options.data_dir + "/citylots2/synth-citylots2.json.gz");
  if (!events) {
    std::fprintf(stderr, "error: %s\n", events.status().message().c_str());
    return 2;
  }
  std::printf("%zu events; %d warm-up passes, mean of %d passes, one thread\n\n",
              events->lines.size(), options.warmup, options.passes);
  std::printf("%-12s %-26s %5s %14s %14s %8s %10s\n", "engine", "bank", "rules", "events/s wall",
              "events/s cpu", "counts", "KiB");
  bool all_ok = true;
  for (const RuleBank& bank : *banks) {
    all_ok = RunBank(bank, *events, options) && all_ok;
  }
  if (options.scaling_rules > 0) {
    if (const Status status = CompileAndScale(*events, options); !status.ok()) {
      std::fprintf(stderr, "error: %s\n", status.message().c_str());
      return 2;
    }
  }
  std::printf("\npeak resident set: %.1f MiB (the events alone take %.1f MiB)\n",
              static_cast<double>(PeakRssKib()) / 1024.0,
              static_cast<double>(events->text.size()) / (1024.0 * 1024.0));
  return all_ok ? 0 : 1;
}

}  // namespace

void AddPatternBenchCommand(CLI::App& bench, int& exit_code) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* command = bench.add_subcommand(
      "patterns",
      "Measure the event-pattern matcher on the citylots2 rule banks (events per second on "
      "one thread, match counts, memory), the compile time of many rules, and matching time "
      "with 10 against many rules");
  command
      ->add_option("--data", options->data_dir,
                   "Folder holding citylots2/ with the rule banks and synth-citylots2.json.gz")
      ->capture_default_str();
  command->add_option("--warmup", options->warmup, "Untimed passes over the events per bank")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  command->add_option("--passes", options->passes, "Timed passes per bank; the mean is reported")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  command
      ->add_option("--scaling-rules", options->scaling_rules,
                   "Generated rules for the compile-time and scaling runs; 0 skips them")
      ->capture_default_str();
  command->callback([options, &exit_code] { exit_code = RunBench(*options); });
}

}  // namespace rampart::cli
