// Throughput of the anomaly-detection hot paths, one core each.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

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
// 1e-5. The forest first streams 50,000 records so that every sample is full and the
// measurement sees steady state: one score and one sampler update per record.
void BM_RcfScoreAndUpdate(benchmark::State& state) {
  RandomCutForestOptions options;
  options.feature_dim = 4;
  options.shingle_size = 8;
  auto forest = RandomCutForest::Create(options, RandomEngine(1));
  const std::size_t warmup = 50000;
  const std::size_t steps = 200000;
  const std::vector<double> values = FourSeries(warmup + steps);
  for (std::size_t t = 0; t < warmup; ++t) {
    forest->ScoreAndUpdate(&values[t * 4]);
  }
  std::size_t t = warmup;
  for (auto _ : state) {
    benchmark::DoNotOptimize(forest->ScoreAndUpdate(&values[t * 4]));
    t = t + 1 < warmup + steps ? t + 1 : warmup;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RcfScoreAndUpdate)->Unit(benchmark::kMicrosecond)->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
