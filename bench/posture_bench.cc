// Posture throughput: manifests loaded and workloads checked per second, on copies of the
// bank-of-anthos and microservices-demo manifests spread over distinct namespaces.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "core/file.h"
#include "posture/asff.h"
#include "posture/scanner.h"

namespace {

using rampart::posture::LoadManifestText;
using rampart::posture::ManifestSet;
using rampart::posture::ScanManifests;
using rampart::posture::ScanReport;

const std::string kManifests = std::string(RAMPART_SHARED_DATA) + "/manifests";

// The two applications in one stream: 21 workloads and 59 objects in all.
std::string ApplicationText() {
  std::string text;
  for (const char* file :
       {"microservices-demo/kubernetes-manifests.yaml", "bank-of-anthos/accounts-db.yaml",
        "bank-of-anthos/balance-reader.yaml", "bank-of-anthos/config.yaml",
        "bank-of-anthos/contacts.yaml", "bank-of-anthos/frontend.yaml",
        "bank-of-anthos/jwt-secret.yaml", "bank-of-anthos/ledger-db.yaml",
        "bank-of-anthos/ledger-writer.yaml", "bank-of-anthos/loadgenerator.yaml",
        "bank-of-anthos/transaction-history.yaml", "bank-of-anthos/userservice.yaml"}) {
    auto content = rampart::ReadFile(kManifests + "/" + file);
    if (!content) {
      return "";
    }
    text += *content + "\n---\n";
  }
  return text;
}

// Returns `copies` copies of the applications, copy K in namespace "team-K", so that every
// object keeps its own identity.
std::string CopiesText(int copies) {
  const std::string application = ApplicationText();
  std::string text;
  for (int copy = 0; copy < copies; ++copy) {
    const std::string marker = "\nmetadata:\n";
    const std::string with_namespace =
        "\nmetadata:\n  namespace: team-" + std::to_string(copy) + "\n";
    std::string part = application;
    for (std::size_t at = part.find(marker); at != std::string::npos;
         at = part.find(marker, at + with_namespace.size())) {
      part.replace(at, marker.size(), with_namespace);
    }
    text += part;
  }
  return text;
}

constexpr int kCopiesFor10k = 477;  // 477 copies x 21 workloads = 10,017 workloads
constexpr int kCopiesFor1k = 48;    // 1,008 workloads

ManifestSet LoadCopies(int copies) {
  ManifestSet loaded;
  LoadManifestText(CopiesText(copies), "copies.yaml", loaded);
  return loaded;
}

const ManifestSet& LoadedCopies() {
  static const ManifestSet set = LoadCopies(kCopiesFor10k);
  return set;
}

std::size_t CountWorkloads(const ManifestSet& set) {
  std::size_t workloads = 0;
  for (const auto& object : set.objects) {
    workloads += rampart::posture::IsWorkloadKind(object.kind) ? 1 : 0;
  }
  return workloads;
}

// Every check on 10,017 already loaded workloads and their 28,143 objects in all.
void BM_CheckWorkloads(benchmark::State& state) {
  const ManifestSet& set = LoadedCopies();
  if (set.objects.empty()) {
    state.SkipWithError("the shared manifests are absent");
    return;
  }
  const std::size_t workloads = CountWorkloads(set);
  std::size_t results = 0;
  for (auto _ : state) {
    ScanReport report = ScanManifests(set);
    results = report.results.size();
    benchmark::DoNotOptimize(report.results.data());
  }
  state.counters["workloads"] = static_cast<double>(workloads);
  state.counters["objects"] = static_cast<double>(set.objects.size());
  state.counters["results"] = static_cast<double>(results);
  state.counters["workloads_per_second"] =
      benchmark::Counter(static_cast<double>(workloads) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CheckWorkloads)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// Parsing the YAML text of the same 10,017 workloads into objects, on `threads` threads. With
// one thread the CPU time is the cost of loading; with more, only the wall time is meaningful,
// since Google Benchmark's CPU time counts the main thread alone.
void LoadManifests(benchmark::State& state, std::size_t threads) {
  const std::string text = CopiesText(kCopiesFor10k);
  if (text.empty()) {
    state.SkipWithError("the shared manifests are absent");
    return;
  }
  rampart::posture::LoadOptions options;
  options.threads = threads;
  std::size_t workloads = 0;
  for (auto _ : state) {
    ManifestSet set;
    LoadManifestText(text, "copies.yaml", set, options);
    workloads = CountWorkloads(set);
    benchmark::DoNotOptimize(set.objects.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size()) * state.iterations());
  state.counters["workloads_per_second"] =
      benchmark::Counter(static_cast<double>(workloads) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

void BM_LoadManifests(benchmark::State& state) { LoadManifests(state, 1); }
BENCHMARK(BM_LoadManifests)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_LoadManifestsParallel(benchmark::State& state) {
  LoadManifests(state, static_cast<std::size_t>(state.range(0)));
}
BENCHMARK(BM_LoadManifestsParallel)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(3.0)
    ->UseRealTime();

// Turning every result of a 1,008-workload scan into an ASFF finding (34,368 findings; the
// smaller set keeps the findings, about 5 KB each as JSON values, within memory).
void BM_AsffFindings(benchmark::State& state) {
  static const ManifestSet set = LoadCopies(kCopiesFor1k);
  if (set.objects.empty()) {
    state.SkipWithError("the shared manifests are absent");
    return;
  }
  const ScanReport report = ScanManifests(set);
  for (auto _ : state) {
    auto findings = rampart::posture::ToAsffFindings(report, {});
    benchmark::DoNotOptimize(findings.data());
  }
  state.counters["findings"] = static_cast<double>(report.results.size());
  state.counters["findings_per_second"] = benchmark::Counter(
      static_cast<double>(report.results.size()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AsffFindings)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
