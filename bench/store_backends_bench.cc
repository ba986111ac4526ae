// The finding store on PostgreSQL beside SQLite, through the FindingStore interface: import
// rate in batches of 1,000 and filters over 100,000 stored findings, on findings scaled from
// the real Trivy ASFF report. Results and the command are in docs/performance-store.md.
//
// PostgreSQL is a throwaway server on 127.0.0.1 with its default durability (fsync on,
// synchronous commit), started from Debian's packages, or the database at
// $RAMPART_BENCH_POSTGRES_URL. SQLite runs with synchronous = FULL, its default.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "scaled_findings.h"
#include "store/finding_store_factory.h"
#include "store/testing/postgres_server.h"

namespace rampart::store {
namespace {

constexpr std::int64_t kStored = 100'000;
constexpr std::size_t kBuildBatch = 5'000;
constexpr const char* kBackendNames[] = {"sqlite", "postgresql"};

testing::PostgresServer* Server() {
  static std::unique_ptr<testing::PostgresServer> server = [] {
    auto started = testing::PostgresServer::Start(testing::Durability::kDurable);
    if (!started) {
      std::cerr << started.status().ToString() << '\n';
      return std::unique_ptr<testing::PostgresServer>();
    }
    return std::move(*started);
  }();
  return server.get();
}

// Returns the URL of a new empty database of backend 0 (SQLite) or 1 (PostgreSQL), or ""
// when it cannot be created.
std::string NewDatabase(std::int64_t backend, std::string_view name) {
  if (backend == 0) {
    const std::string path = (std::filesystem::temp_directory_path() /
                              fmt::format("rampart-backends-bench-{}-{}.db", getpid(), name))
                                 .string();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path + suffix);
    }
    return "sqlite:" + path;
  }
  if (const char* configured = std::getenv("RAMPART_BENCH_POSTGRES_URL")) {
    return configured;
  }
  if (Server() == nullptr) {
    return "";
  }
  auto url = Server()->CreateDatabase();
  return url ? *url : "";
}

// Returns the store of `backend` holding kStored findings, built on first use.
FindingStore* FilledStore(std::int64_t backend) {
  static std::unique_ptr<FindingStore> stores[2];
  std::unique_ptr<FindingStore>& store = stores[backend];
  if (store) {
    return store.get();
  }
  auto opened = OpenFindingStore(NewDatabase(backend, "filled"));
  if (!opened) {
    std::cerr << opened.status().ToString() << '\n';
    return nullptr;
  }
  auto count = (*opened)->Count(Filters{});
  for (std::int64_t next = count ? *count : 0; next < kStored;
       next += static_cast<std::int64_t>(kBuildBatch)) {
    auto summary = (*opened)->Import(ScaledFindings(next, kBuildBatch), {});
    if (!summary) {
      std::cerr << summary.status().ToString() << '\n';
      return nullptr;
    }
  }
  store = std::move(*opened);
  return store.get();
}

Filters ParsedFilters(std::string_view text) {
  auto filters = ParseFilters(Json::parse(text));
  return filters ? *filters : Filters{};
}

// Imports fresh findings in batches of 1,000 into an empty store. Wall-clock time, so the
// server's work and the fsync waits count.
void BM_Import(benchmark::State& state) {
  if (Templates().empty()) {
    state.SkipWithError("../shared/data is absent: trivy/alpine-310.asff.json not found");
    return;
  }
  auto store = OpenFindingStore(NewDatabase(state.range(0), "import"));
  if (!store) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  constexpr std::size_t kBatch = 1'000;
  std::int64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<Json> findings = ScaledFindings(next, kBatch);
    next += static_cast<std::int64_t>(kBatch);
    state.ResumeTiming();
    auto summary = (*store)->Import(std::move(findings), {});
    if (!summary || summary->created != kBatch) {
      state.SkipWithError("import failed");
      break;
    }
  }
  state.SetItemsProcessed(next);
  state.SetLabel(kBackendNames[state.range(0)]);
}
BENCHMARK(BM_Import)->DenseRange(0, 1)->ArgName("backend")->UseRealTime()->MinTime(3)->Unit(
    benchmark::kMillisecond);

const char* const kFilters[] = {
    R"({"SeverityLabel": [{"Value": "CRITICAL", "Comparison": "EQUALS"}]})",
    R"({"ResourceId": [{"Value": "registry.bank.example/team-7/service-507:1.3", "Comparison": "EQUALS"}]})",
    R"({"Title": [{"Value": "CVE-2021-14321", "Comparison": "CONTAINS"}]})",
};
const char* const kFilterNames[] = {"severity_critical", "resource_id", "title_contains"};

// Lists the first page of 100 of filter state.range(1), newest first.
void BM_List(benchmark::State& state) {
  FindingStore* store = FilledStore(state.range(0));
  if (store == nullptr) {
    state.SkipWithError("the store of 100,000 findings could not be built");
    return;
  }
  FindingQuery query;
  query.filters = ParsedFilters(kFilters[state.range(1)]);
  std::size_t returned = 0;
  for (auto _ : state) {
    auto page = store->List(query);
    if (!page) {
      state.SkipWithError(page.status().ToString().c_str());
      break;
    }
    returned = page->findings.size();
  }
  state.counters["returned"] = static_cast<double>(returned);
  state.SetLabel(fmt::format("{} {}", kBackendNames[state.range(0)], kFilterNames[state.range(1)]));
}
BENCHMARK(BM_List)
    ->ArgsProduct({{0, 1}, {0, 1, 2}})
    ->ArgNames({"backend", "filter"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Counts the findings that match filter state.range(1).
void BM_Count(benchmark::State& state) {
  FindingStore* store = FilledStore(state.range(0));
  if (store == nullptr) {
    state.SkipWithError("the store of 100,000 findings could not be built");
    return;
  }
  const Filters filters = ParsedFilters(kFilters[state.range(1)]);
  std::int64_t matched = 0;
  for (auto _ : state) {
    auto count = store->Count(filters);
    if (!count) {
      state.SkipWithError(count.status().ToString().c_str());
      break;
    }
    matched = *count;
  }
  state.counters["matched"] = static_cast<double>(matched);
  state.SetLabel(fmt::format("{} {}", kBackendNames[state.range(0)], kFilterNames[state.range(1)]));
}
BENCHMARK(BM_Count)
    ->ArgsProduct({{0, 1}, {0, 1, 2}})
    ->ArgNames({"backend", "filter"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_GroupBySeverity(benchmark::State& state) {
  FindingStore* store = FilledStore(state.range(0));
  if (store == nullptr) {
    state.SkipWithError("the store of 100,000 findings could not be built");
    return;
  }
  for (auto _ : state) {
    auto groups = store->GroupBy(Filters{}, "SeverityLabel");
    if (!groups) {
      state.SkipWithError(groups.status().ToString().c_str());
      break;
    }
  }
  state.SetLabel(kBackendNames[state.range(0)]);
}
BENCHMARK(BM_GroupBySeverity)
    ->DenseRange(0, 1)
    ->ArgName("backend")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rampart::store

BENCHMARK_MAIN();
