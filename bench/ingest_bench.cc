// Measures ReadReport (parse, detect, build and validate ASFF findings) in findings per
// second on reports made by repeating the real Trivy and ASFF files up to a finding count.
//
//   build/bench/ingest_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <simdjson.h>

#include "core/file.h"
#include "core/json.h"
#include "ingest/reader.h"

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
std::string ScaledTrivyReport(std::size_t count) {
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
  for (std::size_t i = 0; i < count; ++i) {
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

void RunReadReport(benchmark::State& state, const std::string& text) {
  ReadOptions options;
  options.source_name = "scaled report";
  std::size_t findings = 0;
  for (auto _ : state) {
    auto result = ReadReport(text, options);
    if (!result || !result->rejected.empty()) {
      state.SkipWithError("the scaled report was not read whole");
      return;
    }
    findings += result->findings.size();
    benchmark::DoNotOptimize(result->findings.data());
  }
  state.counters["findings_per_second"] =
      benchmark::Counter(static_cast<double>(findings), benchmark::Counter::kIsRate);
  state.counters["report_mb"] = static_cast<double>(text.size()) / 1e6;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_ReadTrivy(benchmark::State& state) {
  static const std::string text = ScaledTrivyReport(static_cast<std::size_t>(state.range(0)));
  RunReadReport(state, text);
}

void BM_ReadAsff(benchmark::State& state) {
  static const std::string text = ScaledAsffReport(static_cast<std::size_t>(state.range(0)));
  RunReadReport(state, text);
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

constexpr int64_t kFindings = 100000;

BENCHMARK(BM_ReadTrivy)->Arg(kFindings)->Unit(benchmark::kMillisecond)->MinTime(5)->UseRealTime();
BENCHMARK(BM_ReadAsff)->Arg(kFindings)->Unit(benchmark::kMillisecond)->MinTime(5)->UseRealTime();
BENCHMARK(BM_ParseTrivySimdjson)->Arg(kFindings)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_ParseTrivyNlohmann)->Arg(kFindings)->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace
}  // namespace rampart::ingest

BENCHMARK_MAIN();
