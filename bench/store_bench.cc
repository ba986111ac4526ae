// Benchmarks of the SQLite finding store on findings scaled from the real Trivy ASFF report
// (trivy/alpine-310.asff.json): import rate in batches of 100 and 10,000, and filters on
// indexed fields over 1,000,000 stored findings. Results and the command are in
// docs/performance-store.md.
//
// The million-finding database is built once at $RAMPART_BENCH_DB (default
// /tmp/rampart-store-bench-1m.db) and reused by later runs; delete it to rebuild.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "core/file.h"
#include "core/json.h"
#include "scaled_findings.h"
#include "store/sqlite_finding_store.h"

namespace rampart::store {
namespace {

constexpr std::int64_t kMillion = 1'000'000;
constexpr std::size_t kBuildBatch = 10'000;

std::string TempPath(std::string_view name) {
  return (std::filesystem::temp_directory_path() /
          fmt::format("rampart-store-bench-{}-{}", getpid(), name))
      .string();
}

void RemoveDatabase(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix);
  }
}

// Imports fresh findings in batches of state.range(0); state.range(1) selects
// synchronous = FULL (1) or NORMAL (0). Wall-clock time, so fsync waits count.
void BM_Import(benchmark::State& state) {
  if (Templates().empty()) {
    state.SkipWithError("../shared/data is absent: trivy/alpine-310.asff.json not found");
    return;
  }

  const auto batch = static_cast<std::size_t>(state.range(0));
  const std::string path = TempPath(fmt::format("import-{}-{}.db", batch, state.range(1)));
  RemoveDatabase(path);
  SqliteStoreOptions options;
  options.database.synchronous =
      state.range(1) == 1 ? sqlite::Synchronous::kFull : sqlite::Synchronous::kNormal;
  auto store = SqliteFindingStore::Open(path, options);
  if (!store) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }

  std::int64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<Json> findings = ScaledFindings(next, batch);
    next += static_cast<std::int64_t>(batch);
    state.ResumeTiming();
    auto summary = (*store)->Import(std::move(findings), {});
    if (!summary || summary->created != batch) {
      state.SkipWithError("import failed");
      break;
    }
  }

  state.SetItemsProcessed(next);
  state.counters["stored"] = static_cast<double>(next);
  store->reset();
  RemoveDatabase(path);
}
BENCHMARK(BM_Import)
    ->ArgsProduct({{100, 10'000}, {1, 0}})
    ->ArgNames({"batch", "full_sync"})
    ->UseRealTime()
    ->MinTime(3)
    ->Unit(benchmark::kMillisecond);

// Imports new versions (UpdatedAt one minute later, another Title) of findings stored in
// batches of state.range(0): the update path, with its history record and the event of the
// previous version written out in full. synchronous = FULL.
void BM_ImportUpdates(benchmark::State& state) {
  if (Templates().empty()) {
    state.SkipWithError("../shared/data is absent: trivy/alpine-310.asff.json not found");
    return;
  }
  const auto batch = static_cast<std::size_t>(state.range(0));
  const std::string path = TempPath(fmt::format("updates-{}.db", batch));
  RemoveDatabase(path);
  auto store = SqliteFindingStore::Open(path, {});
  if (!store) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }

  std::int64_t next = 0;
  std::int64_t updated = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto created = (*store)->Import(ScaledFindings(next, batch), {});
    std::vector<Json> findings = ScaledFindings(next, batch);
    for (Json& finding : findings) {
      finding["UpdatedAt"] = "2021-08-25T12:21:30Z";
      finding["Title"] = finding["Title"].get<std::string>() + " (rescanned)";
    }
    next += static_cast<std::int64_t>(batch);
    state.ResumeTiming();
    auto summary = (*store)->Import(std::move(findings), {});
    if (!created || !summary || summary->updated != batch) {
      state.SkipWithError("update failed");
      break;
    }
    updated += static_cast<std::int64_t>(batch);
  }

  state.SetItemsProcessed(updated);
  store->reset();
  RemoveDatabase(path);
}
BENCHMARK(BM_ImportUpdates)
    ->Arg(10'000)
    ->ArgName("batch")
    ->UseRealTime()
    ->MinTime(3)
    ->Unit(benchmark::kMillisecond);

// Opens the million-finding database, building it first when it is missing or incomplete.
SqliteFindingStore* MillionStore() {
  static std::unique_ptr<SqliteFindingStore> store = []() -> std::unique_ptr<SqliteFindingStore> {
    const char* configured = std::getenv("RAMPART_BENCH_DB");
    const std::string path = configured != nullptr ? configured : "/tmp/rampart-store-bench-1m.db";
    SqliteStoreOptions options;
    options.database.synchronous = sqlite::Synchronous::kNormal;
    auto opened = SqliteFindingStore::Open(path, options);
    if (!opened) {
      std::cerr << opened.status().ToString() << '\n';
      return nullptr;
    }
    auto count = (*opened)->Count(Filters{});
    if (!count) {
      return nullptr;
    }
    if (*count < kMillion) {
      std::cerr << "building " << path << " with 1,000,000 findings...\n";
      const auto start = std::chrono::steady_clock::now();
      for (std::int64_t next = *count; next < kMillion; next += kBuildBatch) {
        auto summary = (*opened)->Import(ScaledFindings(next, kBuildBatch), {});
        if (!summary) {
          std::cerr << summary.status().ToString() << '\n';
          return nullptr;
        }
        // The outbox is not under test here; keep the file small.
        std::vector<std::int64_t> sequences;
        auto events = (*opened)->ReadEvents(0, kBuildBatch * 2);
        for (const OutboxEvent& event : *events) {
          sequences.push_back(event.sequence);
        }
        if (!(*opened)->MarkDelivered(sequences).ok() ||
            !(*opened)->PruneDelivered(DefaultClock().Now() + std::chrono::hours(1))) {
          return nullptr;
        }
      }
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cerr << fmt::format("built in {:.1f} s\n", seconds);
    }
    return std::move(*opened);
  }();
  return store.get();
}

// Imports fresh findings in batches of 10,000 into the million-finding database, where the
// identity and generator indexes no longer fit in the page cache.
void BM_ImportIntoMillion(benchmark::State& state) {
  SqliteFindingStore* store = MillionStore();
  if (Templates().empty() || store == nullptr) {
    state.SkipWithError("the million-finding database is not available");
    return;
  }
  auto count = store->Count(Filters{});
  std::int64_t next = count ? *count : kMillion;
  std::int64_t stored = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<Json> findings = ScaledFindings(next, kBuildBatch);
    next += static_cast<std::int64_t>(kBuildBatch);
    state.ResumeTiming();
    auto summary = store->Import(std::move(findings), {});
    if (!summary || summary->created != kBuildBatch) {
      state.SkipWithError("import failed");
      break;
    }
    stored += static_cast<std::int64_t>(kBuildBatch);
  }
  state.SetItemsProcessed(stored);
}
BENCHMARK(BM_ImportIntoMillion)->UseRealTime()->Iterations(3)->Unit(benchmark::kMillisecond);

Filters Parse(std::string_view text) {
  auto json = ParseJson(text, "filter");
  auto filters = ParseFilters(*json);
  return filters ? *filters : Filters{};
}

void BM_ListIndexed(benchmark::State& state, std::string filter_text) {
  SqliteFindingStore* store = MillionStore();
  if (Templates().empty() || store == nullptr) {
    state.SkipWithError("the million-finding database is not available");
    return;
  }
  FindingQuery query;
  query.filters = Parse(filter_text);
  query.max_results = 100;
  for (auto _ : state) {
    auto page = store->List(query);
    if (!page || page->findings.size() != 100) {
      state.SkipWithError("the filter returned fewer than 100 findings");
      break;
    }
    benchmark::DoNotOptimize(page->findings.data());
  }
}
BENCHMARK_CAPTURE(BM_ListIndexed, severity_critical,
                  R"({"SeverityLabel": [{"Value": "CRITICAL", "Comparison": "EQUALS"}]})")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(
    BM_ListIndexed, resource_id,
    R"({"ResourceId": [{"Value": "registry.bank.example/team-7/service-7:1.0", "Comparison": "EQUALS"}]})")
    ->Unit(benchmark::kMillisecond);
// Every finding has a Container resource: the filter is checked finding by finding.
BENCHMARK_CAPTURE(BM_ListIndexed, resource_type_common,
                  R"({"ResourceType": [{"Value": "Container", "Comparison": "EQUALS"}]})")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ListIndexed, critical_and_new,
                  R"({"SeverityLabel": [{"Value": "CRITICAL", "Comparison": "EQUALS"}],
                      "WorkflowStatus": [{"Value": "NEW", "Comparison": "EQUALS"}],
                      "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]})")
    ->Unit(benchmark::kMillisecond);

void BM_ListSecondPage(benchmark::State& state) {
  SqliteFindingStore* store = MillionStore();
  if (Templates().empty() || store == nullptr) {
    state.SkipWithError("the million-finding database is not available");
    return;
  }
  FindingQuery query;
  query.filters = Parse(R"({"SeverityLabel": [{"Value": "CRITICAL", "Comparison": "EQUALS"}]})");
  query.max_results = 100;
  auto first = store->List(query);
  query.next_token = first ? first->next_token : "";
  for (auto _ : state) {
    auto page = store->List(query);
    if (!page || page->findings.size() != 100) {
      state.SkipWithError("the second page is short");
      break;
    }
    benchmark::DoNotOptimize(page->findings.data());
  }
}
BENCHMARK(BM_ListSecondPage)->Unit(benchmark::kMillisecond);

void BM_Count(benchmark::State& state, std::string filter_text) {
  SqliteFindingStore* store = MillionStore();
  if (Templates().empty() || store == nullptr) {
    state.SkipWithError("the million-finding database is not available");
    return;
  }
  const Filters filters = Parse(filter_text);
  std::int64_t matched = 0;
  for (auto _ : state) {
    auto count = store->Count(filters);
    matched = count ? *count : -1;
    benchmark::DoNotOptimize(matched);
  }
  state.counters["matched"] = static_cast<double>(matched);
}
BENCHMARK_CAPTURE(BM_Count, severity_critical,
                  R"({"SeverityLabel": [{"Value": "CRITICAL", "Comparison": "EQUALS"}]})")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Count, resource_type,
                  R"({"ResourceType": [{"Value": "Container", "Comparison": "EQUALS"}]})")
    ->Unit(benchmark::kMillisecond);
// A field without an index reads every document, for comparison.
BENCHMARK_CAPTURE(BM_Count, title_contains_unindexed,
                  R"({"Title": [{"Value": "service-7:", "Comparison": "CONTAINS"}]})")
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_GroupBySeverity(benchmark::State& state) {
  SqliteFindingStore* store = MillionStore();
  if (Templates().empty() || store == nullptr) {
    state.SkipWithError("the million-finding database is not available");
    return;
  }
  for (auto _ : state) {
    auto groups = store->GroupBy(Filters{}, "SeverityLabel");
    if (!groups || groups->size() != 5) {
      state.SkipWithError("group-by failed");
      break;
    }
  }
}
BENCHMARK(BM_GroupBySeverity)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rampart::store

BENCHMARK_MAIN();
