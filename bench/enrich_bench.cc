// Cost per event of scoring events with a model before matching: the matcher alone on the
// event text, against parsing, enriching with an Isolation Forest of 9 features and matching
// the enriched text, as the outbox dispatcher does. One core.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/json.h"
#include "detect/array_file.h"
#include "detect/isolation_forest.h"
#include "detect/model_file.h"
#include "detect/model_folder.h"
#include "pattern/matcher.h"
#include "pattern/rules_enrichment.h"
#include "remediate/event_enricher.h"
#include "store/event.h"

namespace {

using namespace rampart;

// The events of the 683 rows of the breastw benchmark, each row's 9 values in the
// ProductFields of one finding, with a model trained on the rows and two rules: one
// enriched, one that matches every finding.
struct Setup {
  std::filesystem::path folder;
  std::unique_ptr<detect::ModelFolder> models;
  pattern::RulesFile rules;
  pattern::Matcher matcher;
  std::unique_ptr<remediate::EventEnricher> enricher;
  std::vector<std::string> events;

  ~Setup() { std::filesystem::remove_all(folder); }
};

std::unique_ptr<Setup> MakeSetup(benchmark::State& state) {
  const std::string path = std::string(RAMPART_SHARED_DATA) + "/anomaly/odds/4_breastw.npz";
  auto data = detect::ReadLabelledArrays(path);
  if (!data) {
    state.SkipWithError("../shared/data is absent, so the breastw benchmark cannot be read");
    return nullptr;
  }
  auto setup = std::make_unique<Setup>();
  setup->folder =
      std::filesystem::temp_directory_path() / fmt::format("rampart_enrich_bench_{}", ::getpid());
  std::filesystem::create_directories(setup->folder);
  detect::RandomEngine engine(1);
  auto forest = detect::IsolationForest::Fit(data->features, {}, engine);
  detect::ModelFile file;
  std::string fields;
  for (std::size_t i = 0; i < data->features.cols; ++i) {
    file.feature_names.push_back(fmt::format("x{}", i));
    fields += fmt::format("{}'detail.findings[0].ProductFields.x{}'", i == 0 ? "" : ", ", i);
  }
  file.payload = forest->Encode();
  (void)detect::WriteModelFile(file, (setup->folder / "cells.model").string());
  setup->models = std::make_unique<detect::ModelFolder>(setup->folder.string());

  setup->rules = pattern::ParseRulesFile(fmt::format(R"(
- name: odd-cells
  event_pattern: {{rampart: {{scores: {{cells: [{{numeric: [">", 0.6]}}]}}}}}}
  enrich: {{model: cells, features: [{}]}}
- name: every-finding
  event_pattern: {{detail-type: [Security Hub Findings - Imported]}}
)",
                                                     fields));
  pattern::CheckEnrichmentModels(setup->rules, *setup->models);
  if (!setup->rules.errors.empty() ||
      !pattern::AddEnabledRules(setup->rules, setup->matcher).ok()) {
    state.SkipWithError("the rules are invalid");
    return nullptr;
  }
  setup->enricher = std::make_unique<remediate::EventEnricher>(setup->rules, *setup->models);

  for (std::size_t row = 0; row < data->features.rows; ++row) {
    Json product_fields = Json::object();
    for (std::size_t i = 0; i < data->features.cols; ++i) {
      product_fields[fmt::format("x{}", i)] = fmt::format("{}", data->features.At(row, i));
    }
    const Json finding = {{"SchemaVersion", "2018-10-08"},
                          {"Id", fmt::format("row-{}", row)},
                          {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/detect"},
                          {"GeneratorId", "cell-measurements"},
                          {"AwsAccountId", "111122223333"},
                          {"Types", {"Unusual Behaviors/Process"}},
                          {"CreatedAt", "2026-12-01T00:00:00Z"},
                          {"UpdatedAt", "2026-12-01T00:00:00Z"},
                          {"Severity", {{"Label", "MEDIUM"}}},
                          {"Title", "cell measurements"},
                          {"Description", "one row of the breastw benchmark"},
                          {"ProductFields", product_fields},
                          {"Resources", {{{"Type", "Other"}, {"Id", "sample"}}}}};
    setup->events.push_back(store::BuildImportedEvent(finding, finding.dump(),
                                                      fmt::format("event-{}", row), TimePoint{}));
  }
  return setup;
}

// The matcher on the event text, as the dispatcher runs it without enrichment.
void BM_MatchOnly(benchmark::State& state) {
  auto setup = MakeSetup(state);
  if (setup == nullptr) {
    return;
  }
  pattern::MatchState match_state;
  std::vector<pattern::RuleId> matches;
  std::size_t i = 0;
  for (auto _ : state) {
    matches.clear();
    benchmark::DoNotOptimize(setup->matcher.Match(setup->events[i], match_state, matches));
    i = (i + 1) % setup->events.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_MatchOnly)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// Parsing the event text into a JSON document, the first step of enrichment.
void BM_ParseOnly(benchmark::State& state) {
  auto setup = MakeSetup(state);
  if (setup == nullptr) {
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseJson(setup->events[i], "event"));
    i = (i + 1) % setup->events.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseOnly)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// Parsing, enrichment (a model lookup, 9 fields, one forest score, the splice) and matching.
void BM_EnrichAndMatch(benchmark::State& state) {
  auto setup = MakeSetup(state);
  if (setup == nullptr) {
    return;
  }
  pattern::MatchState match_state;
  std::vector<pattern::RuleId> matches;
  std::size_t i = 0;
  for (auto _ : state) {
    auto enriched = setup->enricher->EnrichText(setup->events[i]);
    matches.clear();
    benchmark::DoNotOptimize(setup->matcher.Match(enriched->text, match_state, matches));
    i = (i + 1) % setup->events.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EnrichAndMatch)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// One lookup in the models folder: a stat of the file and a map lookup under a lock.
void BM_ModelFolderFind(benchmark::State& state) {
  auto setup = MakeSetup(state);
  if (setup == nullptr) {
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(setup->models->Find("cells"));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ModelFolderFind)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
