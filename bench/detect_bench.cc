// Throughput of the anomaly-detection hot paths, one core each.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/json.h"
#include "detect/feature_windows.h"
#include "detect/random_cut_forest.h"

namespace {

using rampart::detect::RandomCutForest;
using rampart::detect::RandomCutForestOptions;
using rampart::detect::RandomEngine;

// Four noisy sine waves of different periods, one record of 4 values per step.
std::vector<double> FourSeries(std::size_t steps) {
  RandomEngine engine(17);
  std::normal_distribution<double> noise(0.0, 0.1);
  std::vector<double> values(steps * 4);
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t f = 0; f < 4; ++f) {
      const double period = 30.0 + 17.0 * static_cast<double>(f);
      values[t * 4 + f] = std::sin(2.0 * M_PI * static_cast<double>(t) / period) + noise(engine);
    }
  }
  return values;
}

// 100 trees of 256 samples over 4 features shingled 8 deep (32 dimensions), time decay
// 1e-5. Each benchmark first streams 50,000 records so that every sample is full and the
// measurement covers steady state: one score and one sampler update per record.
RandomCutForest BenchForest() {
  RandomCutForestOptions options;
  options.feature_dim = 4;
  options.shingle_size = 8;
  return *RandomCutForest::Create(options, RandomEngine(1));
}

// One record per call.
void BM_RcfScoreAndUpdate(benchmark::State& state) {
  auto forest = BenchForest();
  const std::size_t warmup = 50000;
  const std::size_t steps = 200000;
  const std::vector<double> values = FourSeries(warmup + steps);
  for (std::size_t t = 0; t < warmup; ++t) {
    forest.ScoreAndUpdate(&values[t * 4]);
  }
  std::size_t t = warmup;
  for (auto _ : state) {
    benchmark::DoNotOptimize(forest.ScoreAndUpdate(&values[t * 4]));
    t = t + 1 < warmup + steps ? t + 1 : warmup;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RcfScoreAndUpdate)->Unit(benchmark::kMicrosecond)->MinTime(3.0);

// The same stream given to ScoreAndUpdateAll in blocks of `range(0)` records, which runs
// tree by tree over each block and returns the scores ScoreAndUpdate would.
void BM_RcfScoreAndUpdateAll(benchmark::State& state) {
  auto forest = BenchForest();
  const std::size_t warmup = 50000;
  const std::size_t steps = 200000;
  const auto block = static_cast<std::size_t>(state.range(0));
  const std::vector<double> values = FourSeries(warmup + steps);
  forest.ScoreAndUpdateAll(values.data(), warmup);
  std::size_t t = warmup;
  for (auto _ : state) {
    benchmark::DoNotOptimize(forest.ScoreAndUpdateAll(&values[t * 4], block));
    t = t + 2 * block < warmup + steps ? t + block : warmup;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_RcfScoreAndUpdateAll)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace

namespace {

using rampart::detect::FeatureWindows;
using rampart::detect::LogEvent;
using rampart::detect::WindowFeatures;
using rampart::detect::WindowOptions;

// Synthetic CloudTrail events: 2,000 principals, 50 source addresses, 40 API calls, 4
// regions, one event every 5 ms of event time, 5 % denied.
std::vector<LogEvent> SyntheticCloudTrail(std::size_t count) {
  RandomEngine engine(3);
  std::vector<LogEvent> events(count);
  for (std::size_t i = 0; i < count; ++i) {
    LogEvent& event = events[i];
    event.time =
        rampart::FromUnixMicros(1'700'000'000'000'000 + static_cast<std::int64_t>(i) * 5000);
    event.principal = "arn:aws:iam::123456789012:user/user" + std::to_string(engine() % 2000);
    event.source_ip = "203.0.113." + std::to_string(engine() % 50);
    event.user_agent = "aws-cli/2.15." + std::to_string(engine() % 5);
    event.action = "Action" + std::to_string(engine() % 40);
    event.region = "region-" + std::to_string(engine() % 4);
    event.resource = "bucket-" + std::to_string(engine() % 100);
    event.failure = engine() % 20 == 0;
  }
  return events;
}

// Events through tumbling 5-minute windows keyed by principal and by source address.
void BM_CloudTrailWindows(benchmark::State& state) {
  const std::vector<LogEvent> events = SyntheticCloudTrail(200000);
  std::size_t closed = 0;
  for (auto _ : state) {
    WindowOptions options;
    options.entities = {rampart::detect::EntityKind::kPrincipal,
                        rampart::detect::EntityKind::kSourceIp};
    auto windows = FeatureWindows::Create(options, [&](const WindowFeatures&) { ++closed; });
    for (const LogEvent& event : events) {
      windows->Add(event);
    }
    windows->Flush();
  }
  benchmark::DoNotOptimize(closed);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events.size()));
}
BENCHMARK(BM_CloudTrailWindows)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// The same synthetic events as CloudTrail JSON lines, through ReadCloudTrail.
void BM_CloudTrailRead(benchmark::State& state) {
  const std::vector<LogEvent> events = SyntheticCloudTrail(20000);
  std::string text;
  for (const LogEvent& event : events) {
    const rampart::Json record = {{"eventVersion", "1.08"},
                                  {"eventTime", rampart::FormatTimestamp(event.time)},
                                  {"eventSource", "s3.amazonaws.com"},
                                  {"eventName", event.action},
                                  {"awsRegion", event.region},
                                  {"sourceIPAddress", event.source_ip},
                                  {"userAgent", event.user_agent},
                                  {"userIdentity", {{"type", "IAMUser"}, {"arn", event.principal}}},
                                  {"requestParameters", {{"bucketName", event.resource}}},
                                  {"errorCode", event.failure ? "AccessDenied" : ""}};
    text += record.dump() + "\n";
  }
  for (auto _ : state) {
    auto result = rampart::detect::ReadCloudTrail(text, {});
    benchmark::DoNotOptimize(result->events.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events.size()));
}
BENCHMARK(BM_CloudTrailRead)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
