// Measures ReadReport (parse, detect, build and validate ASFF findings) in findings per
// second on reports made by repeating the real Trivy and ASFF files up to a finding count,
// alone and followed by storing the findings in a new SQLite store, as `rampart ingest` does.
// Rates are per second of CPU time, which on a shared machine is steadier than wall time;
// the wall time is printed too.
//
//   build/bench/ingest_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <simdjson.h>

#include "core/file.h"
#include "core/json.h"
#include "ingest/reader.h"
#include "store/sqlite_finding_store.h"

namespace rampart::ingest {
namespace {

Json LoadReport(const std::string& relative) {
  const auto path = std::filesystem::path(RAMPART_SHARED_DATA) / "findings" / relative;
  auto text = ReadFile(path.string());
  if (!text) {
    std::fprintf(stderr, "%s\n", text.status().message().c_str());
    std::exit(1);
  }
  auto document = ParseJson(*text, path.string());
  if (!document) {
    std::fprintf(stderr, "%s\n", document.status().message().c_str());
    std::exit(1);
  }
  return *std::move(document);
}

// A Trivy report with `count` vulnerabilities: the real alpine and Ubuntu results repeated,
// each copy with its own package name so every finding has its own Id.
std::string ScaledTrivyReport(std::size_t count, std::size_t first = 0) {
  Json report = LoadReport("trivy/alpine-310.json");
  std::vector<Json> templates;
  for (const char* name : {"trivy/alpine-310.json", "trivy/ubuntu-1804.json"}) {
    const Json source = LoadReport(name);
    for (const Json& vulnerability : source["Results"][0]["Vulnerabilities"]) {
      templates.push_back(vulnerability);
    }
  }
  Json& vulnerabilities = report["Results"][0]["Vulnerabilities"];
  vulnerabilities = Json::array();
  for (std::size_t i = first; i < first + count; ++i) {
    Json vulnerability = templates[i % templates.size()];
    vulnerability["PkgName"] = vulnerability["PkgName"].get<std::string>() + std::to_string(i);
    vulnerabilities.push_back(std::move(vulnerability));
  }
  return report.dump();
}

// A BatchImportFindings body with `count` findings: the real Security Hub and Trivy ASFF
// findings repeated, each copy with its own Id.
std::string ScaledAsffReport(std::size_t count) {
  std::vector<Json> templates;
  const Json trivy_asff = LoadReport("trivy/alpine-310.asff.json");
  for (const Json& finding : trivy_asff["Findings"]) {
    templates.push_back(finding);
  }
  for (const char* name : {"asr/afsbp-ec2.1.finding.json", "asr/afsbp-iam.8.finding.json",
                           "asr/cis-4.1.finding.json", "asr/pci-s3.1.finding.json"}) {
    templates.push_back(LoadReport(name));
  }
  Json findings = Json::array();
  for (std::size_t i = 0; i < count; ++i) {
    Json finding = templates[i % templates.size()];
    finding["Id"] = finding["Id"].get<std::string>() + "/" + std::to_string(i);
    findings.push_back(std::move(finding));
  }
  return Json{{"Findings", std::move(findings)}}.dump();
}

void RunReadReports(benchmark::State& state, const std::vector<std::string>& texts) {
  ReadOptions options;
  options.source_name = "scaled report";
  std::size_t findings = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& text : texts) {
      auto result = ReadReport(text, options);
      if (!result || !result->rejected.empty()) {
        state.SkipWithError("a scaled report was not read whole");
        return;
      }
      findings += result->findings.size();
      bytes += text.size();
      benchmark::DoNotOptimize(result->findings.data());
    }
  }
  state.counters["findings_per_second"] =
      benchmark::Counter(static_cast<double>(findings), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void RemoveDatabase(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix);
  }
}

// Reads each report and imports its findings as one batch into a store that starts empty
// in each iteration, so every finding is created. The time covers reading, storing and the
// commits, but not opening and removing the store between iterations.
void RunReadAndStore(benchmark::State& state, const std::vector<std::string>& texts,
                     store::sqlite::Synchronous synchronous) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("rampart-ingest-bench-" + std::to_string(getpid()) + ".db"))
                               .string();
  ReadOptions options;
  options.source_name = "scaled report";
  store::SqliteStoreOptions store_options;
  store_options.database.synchronous = synchronous;
  std::size_t stored = 0;
  for (auto _ : state) {
    state.PauseTiming();
    RemoveDatabase(path);
    auto store = store::SqliteFindingStore::Open(path, store_options);
    if (!store) {
      state.SkipWithError(store.status().ToString().c_str());
      return;
    }
    state.ResumeTiming();
    for (const std::string& text : texts) {
      auto result = ReadReport(text, options);
      if (!result || !result->rejected.empty()) {
        state.SkipWithError("a scaled report was not read whole");
        return;
      }
      const std::size_t count = result->findings.size();
      auto summary = (*store)->Import(std::move(result->findings), {});
      if (!summary || summary->created != count) {
        state.SkipWithError("a scaled report was not stored whole");
        return;
      }
      stored += count;
    }
    state.PauseTiming();
    store->reset();
    state.ResumeTiming();
  }
  RemoveDatabase(path);
  state.counters["findings_per_second"] =
      benchmark::Counter(static_cast<double>(stored), benchmark::Counter::kIsRate);
}

const std::vector<std::string>& TrivyReportsOf1000(std::size_t findings) {
  static const std::vector<std::string> texts = [findings] {
    std::vector<std::string> reports;
    for (std::size_t first = 0; first < findings; first += 1000) {
      reports.push_back(ScaledTrivyReport(1000, first));
    }
    return reports;
  }();
  return texts;
}

// One report with all the findings.
void BM_ReadTrivy(benchmark::State& state) {
  static const std::vector<std::string> texts = {
      ScaledTrivyReport(static_cast<std::size_t>(state.range(0)))};
  RunReadReports(state, texts);
}

// The same findings spread over reports of 1,000 findings each, as a stream of image scans.
void BM_ReadTrivyReports(benchmark::State& state) {
  RunReadReports(state, TrivyReportsOf1000(static_cast<std::size_t>(state.range(0))));
}

void BM_ReadAsff(benchmark::State& state) {
  static const std::vector<std::string> texts = {
      ScaledAsffReport(static_cast<std::size_t>(state.range(0)))};
  RunReadReports(state, texts);
}

// Parsing alone, to show what each JSON library costs before any finding is built.
void BM_ParseTrivySimdjson(benchmark::State& state) {
  static const std::string text = ScaledTrivyReport(static_cast<std::size_t>(state.range(0)));
  simdjson::dom::parser parser;
  for (auto _ : state) {
    simdjson::dom::element root;
    if (parser.parse(text).get(root) != simdjson::SUCCESS) {
      state.SkipWithError("simdjson failed");
      return;
    }
    benchmark::DoNotOptimize(root);
  }
  state.counters["findings_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_ParseTrivyNlohmann(benchmark::State& state) {
  static const std::string text = ScaledTrivyReport(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    Json document = Json::parse(text);
    benchmark::DoNotOptimize(document);
  }
  state.counters["findings_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

// Reads and stores 100 Trivy reports of 1,000 findings. state.range(1) selects synchronous =
// FULL (1) or NORMAL (0).
void BM_ReadAndStoreTrivyReports(benchmark::State& state) {
  RunReadAndStore(state, TrivyReportsOf1000(static_cast<std::size_t>(state.range(0))),
                  state.range(1) == 1 ? store::sqlite::Synchronous::kFull
                                      : store::sqlite::Synchronous::kNormal);
}

// Reads and stores one ASFF BatchImportFindings body of 100,000 findings, with FULL.
void BM_ReadAndStoreAsff(benchmark::State& state) {
  static const std::vector<std::string> texts = {
      ScaledAsffReport(static_cast<std::size_t>(state.range(0)))};
  RunReadAndStore(state, texts, store::sqlite::Synchronous::kFull);
}

constexpr int64_t kFindings = 100000;

BENCHMARK(BM_ReadTrivy)->Arg(kFindings)->Unit(benchmark::kMillisecond)->MinTime(5);
BENCHMARK(BM_ReadTrivyReports)->Arg(kFindings)->Unit(benchmark::kMillisecond)->MinTime(5);
BENCHMARK(BM_ReadAsff)->Arg(kFindings)->Unit(benchmark::kMillisecond)->MinTime(5);
BENCHMARK(BM_ParseTrivySimdjson)->Arg(kFindings)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_ParseTrivyNlohmann)->Arg(kFindings)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_ReadAndStoreTrivyReports)
    ->ArgsProduct({{kFindings}, {1, 0}})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(5);
BENCHMARK(BM_ReadAndStoreAsff)->Arg(kFindings)->Unit(benchmark::kMillisecond)->MinTime(5);

}  // namespace
}  // namespace rampart::ingest

BENCHMARK_MAIN();
