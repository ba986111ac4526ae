// `rampart rules check`, `rampart pattern match` and the registration of `bench patterns`.
#include "cli/pattern_command.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/file.h"
#include "detect/model_folder.h"
#include "pattern/event_reader.h"
#include "pattern/matcher.h"
#include "pattern/rules_enrichment.h"
#include "pattern/rules_file.h"
#include "remediate/rule_targets.h"

namespace rampart::cli {
namespace {

// Exit statuses: 0 success, 1 the work found a failure, 2 bad usage or input.
constexpr int kFailure = 1;
constexpr int kBadInput = 2;

// Checks a rules file; with `models` (a models folder) also the models its rules name.
int CheckRules(const std::string& path, const std::string& models) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    std::fprintf(stderr, "error: %s\n", text.status().message().c_str());
    return kBadInput;
  }
  pattern::RulesFile file = pattern::ParseRulesFile(*text);
  remediate::CheckRuleTargets(file, *remediate::MakeBuiltinRegistry());
  if (!models.empty()) {
    detect::ModelFolder folder(models);
    pattern::CheckEnrichmentModels(file, folder);
  }
  for (const pattern::RuleError& error : file.errors) {
    std::printf("%s\n", error.ToString(path).c_str());
  }
  const auto enabled = std::count_if(file.rules.begin(), file.rules.end(),
                                     [](const pattern::Rule& rule) { return rule.enabled; });
  std::printf("%s: %zu valid rules (%td enabled, %td disabled), %zu errors\n", path.c_str(),
              file.rules.size(), enabled, static_cast<std::ptrdiff_t>(file.rules.size()) - enabled,
              file.errors.size());
  return file.errors.empty() ? 0 : kFailure;
}

int MatchOnePattern(const std::string& pattern_path, const std::string& event_path) {
  Result<std::string> pattern_text = ReadFile(pattern_path);
  Result<std::string> event_text = ReadFile(event_path);
  if (!pattern_text || !event_text) {
    const Status& status = pattern_text ? event_text.status() : pattern_text.status();
    std::fprintf(stderr, "error: %s\n", status.message().c_str());
    return kBadInput;
  }
  const pattern::PatternResult pattern = pattern::ParsePatternText(*pattern_text);
  if (!pattern) {
    for (const pattern::PatternError& error : pattern.error()) {
      std::fprintf(stderr, "%s: %s\n", pattern_path.c_str(), error.ToString().c_str());
    }
    return kBadInput;
  }
  pattern::EventReader reader;
  if (const Status status = reader.Validate(*event_text); !status.ok()) {
    std::fprintf(stderr, "%s: %s\n", event_path.c_str(), status.message().c_str());
    return kBadInput;
  }
  const Result<bool> matched = pattern::PatternMatches(*pattern, *event_text);
  if (!matched) {
    std::fprintf(stderr, "%s: %s\n", event_path.c_str(), matched.status().message().c_str());
    return kBadInput;
  }
  std::printf("%s\n", *matched ? "match" : "no match");
  return *matched ? 0 : kFailure;
}

// Builds a matcher from the enabled rules of a rules file; prints the file's errors and
// returns false when it has any.
bool LoadRules(const std::string& rules_path, pattern::Matcher& matcher) {
  Result<std::string> rules_text = ReadFile(rules_path);
  if (!rules_text) {
    std::fprintf(stderr, "error: %s\n", rules_text.status().message().c_str());
    return false;
  }
  const pattern::RulesFile file = pattern::ParseRulesFile(*rules_text);
  for (const pattern::RuleError& error : file.errors) {
    std::fprintf(stderr, "%s\n", error.ToString(rules_path).c_str());
  }
  if (!file.errors.empty()) {
    std::fprintf(stderr, "%s: fix the errors above (see `rampart rules check`)\n",
                 rules_path.c_str());
    return false;
  }
  if (const Status status = pattern::AddEnabledRules(file, matcher); !status.ok()) {
    std::fprintf(stderr, "%s: %s\n", rules_path.c_str(), status.message().c_str());
    return false;
  }
  return true;
}

// Returns the sorted names of the rules in `matches`, separated by spaces.
std::string JoinNames(const pattern::Matcher& matcher,
                      const std::vector<pattern::RuleId>& matches) {
  std::vector<std::string> names;
  for (const pattern::RuleId id : matches) {
    names.push_back(matcher.rule_name(id));
  }
  std::sort(names.begin(), names.end());
  std::string joined;
  for (const std::string& name : names) {
    joined += joined.empty() ? name : " " + name;
  }
  return joined;
}

// Prints, for each event line, the line number and the names of the matching rules.
int MatchRules(const std::string& rules_path, const std::string& events_path) {
  pattern::Matcher matcher;
  if (!LoadRules(rules_path, matcher)) {
    return kBadInput;
  }
  std::ifstream events(events_path);
  if (!events) {
    std::fprintf(stderr, "error: cannot open %s\n", events_path.c_str());
    return kBadInput;
  }

  pattern::MatchState state;
  pattern::EventReader validator;
  std::vector<pattern::RuleId> matches;
  std::string line;
  int exit_code = 0;
  for (std::size_t number = 1; std::getline(events, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    matches.clear();
    Status status = validator.Validate(line);
    if (status.ok()) {
      status = matcher.Match(line, state, matches);
    }
    if (!status.ok()) {
      std::fprintf(stderr, "%s:%zu: %s\n", events_path.c_str(), number, status.message().c_str());
      exit_code = kBadInput;
      continue;
    }
    const std::string names = JoinNames(matcher, matches);
    std::printf("%zu: %s\n", number, names.empty() ? "(no match)" : names.c_str());
  }
  return exit_code;
}

}  // namespace

CLI::App* SubcommandGroup(CLI::App& app, const std::string& name, const std::string& description) {
  for (CLI::App* existing : app.get_subcommands({})) {
    if (existing->get_name() == name) {
      return existing;
    }
  }
  CLI::App* group = app.add_subcommand(name, description);
  group->require_subcommand(1);
  return group;
}

void AddPatternCommands(CLI::App& app, int& exit_code) {
  CLI::App* rules = SubcommandGroup(app, "rules", "Validate and inspect rules files");
  auto rules_file = std::make_shared<std::string>();
  auto models = std::make_shared<std::string>();
  CLI::App* check = rules->add_subcommand(
      "check",
      "Validate every rule of a YAML or JSON rules file and print each error with its "
      "rule name, line and JSON path; exits 1 when any rule is invalid");
  check->add_option("FILE", *rules_file, "Rules file (YAML or JSON)")->required();
  check->add_option("--models", *models,
                    "Folder of model files (NAME.model); also checks that every enrich block "
                    "names a model there whose features match its fields");
  check->callback(
      [rules_file, models, &exit_code] { exit_code = CheckRules(*rules_file, *models); });

  CLI::App* pattern = SubcommandGroup(app, "pattern", "Work with EventBridge event patterns");
  auto files = std::make_shared<std::vector<std::string>>();
  auto rules_path = std::make_shared<std::string>();
  CLI::App* match = pattern->add_subcommand(
      "match",
      "Match events against patterns. With PATTERN_FILE EVENT_FILE: print \"match\" (exit 0) "
      "or \"no match\" (exit 1); exit 2 when the pattern or the event is invalid. With --rules "
      "RULES_FILE EVENTS.jsonl: print, for each event line, the names of the matching rules");
  match->add_option("--rules", *rules_path,
                    "Rules file whose enabled rules are matched against each line of EVENTS.jsonl");
  match->add_option("FILES", *files, "PATTERN_FILE EVENT_FILE, or EVENTS.jsonl with --rules")
      ->required()
      ->expected(1, 2);
  match->callback([files, rules_path, &exit_code] {
    if (!rules_path->empty()) {
      if (files->size() != 1) {
        std::fprintf(stderr, "error: with --rules, give exactly one EVENTS.jsonl file\n");
        exit_code = kBadInput;
        return;
      }
      exit_code = MatchRules(*rules_path, files->front());
      return;
    }
    if (files->size() != 2) {
      std::fprintf(stderr, "error: give PATTERN_FILE and EVENT_FILE, or --rules RULES_FILE\n");
      exit_code = kBadInput;
      return;
    }
    exit_code = MatchOnePattern((*files)[0], (*files)[1]);
  });

  CLI::App* bench = SubcommandGroup(app, "bench", "Run performance benchmarks");
  AddPatternBenchCommand(*bench, exit_code);
}

}  // namespace rampart::cli
