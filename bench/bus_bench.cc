// Benchmarks of the NATS JetStream bus against Debian's nats-server on 127.0.0.1. One measures
// outbox events published per second, where each publish waits for the stream's
// acknowledgement. The other measures messages fetched, handled and acknowledged per second,
// where each acknowledgement waits for the server's confirmation. Results and the command are
// in docs/performance-bus.md.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "bus/event_consumer.h"
#include "bus/outbox_publisher.h"
#include "bus/testing/nats_server.h"
#include "store/sqlite_finding_store.h"

namespace rampart::bus {
namespace {

Json BenchFinding(std::int64_t number) {
  return Json{{"SchemaVersion", "2018-10-08"},
              {"Id", fmt::format("bench-finding-{}", number)},
              {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/bus-bench"},
              {"GeneratorId", "bus-bench"},
              {"AwsAccountId", "111122223333"},
              {"Types", {"Software and Configuration Checks"}},
              {"CreatedAt", "2026-12-01T00:00:00Z"},
              {"UpdatedAt", "2026-12-01T00:00:00Z"},
              {"Severity", {{"Label", "HIGH"}}},
              {"Title", "bus benchmark finding"},
              {"Description", "a finding that produces one outbox event"},
              {"Resources", {{{"Type", "Other"}, {"Id", fmt::format("resource-{}", number)}}}}};
}

// A nats-server, a connection, the stream and a SQLite store, shared by the benchmarks.
struct Bench {
  Bench() {
    dir = std::filesystem::temp_directory_path() / fmt::format("rampart-bus-bench-{}", ::getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    if (Status started = server.Start(); !started.ok()) {
      std::cerr << started.ToString() << '\n';
      std::exit(1);
    }
    connection = std::move(*Connection::Open(server.url()));
    if (Status created = EnsureStream(*connection, stream); !created.ok()) {
      std::cerr << created.ToString() << '\n';
      std::exit(1);
    }
    findings = std::move(*store::SqliteFindingStore::Open((dir / "rampart.db").string()));
  }
  ~Bench() { std::filesystem::remove_all(dir); }

  // Imports `count` new findings, so that the outbox contains `count` undelivered events.
  void Import(std::int64_t count) {
    std::vector<Json> batch;
    for (std::int64_t i = 0; i < count; ++i) {
      batch.push_back(BenchFinding(next++));
    }
    if (!findings->Import(std::move(batch), {}).has_value()) {
      std::cerr << "import failed\n";
      std::exit(1);
    }
  }

  std::filesystem::path dir;
  testing::NatsServer server;
  std::unique_ptr<Connection> connection;
  StreamOptions stream;
  std::unique_ptr<store::SqliteFindingStore> findings;
  std::int64_t next = 0;
};

Bench& Shared() {
  static Bench bench;
  return bench;
}

// Publishes every pending outbox event and returns the number published.
std::int64_t PublishAll(OutboxPublisher& publisher) {
  std::int64_t published = 0;
  while (true) {
    auto report = publisher.PublishOnce();
    if (!report) {
      std::cerr << report.status().ToString() << '\n';
      std::exit(1);
    }
    published += report->published;
    if (report->claimed == 0) {
      return published;
    }
  }
}

void BM_PublishOutbox(benchmark::State& state) {
  Bench& bench = Shared();
  OutboxPublisher publisher(*bench.findings, *bench.connection, bench.stream);
  const std::int64_t events = state.range(0);
  std::int64_t published = 0;
  for (auto _ : state) {
    state.PauseTiming();
    bench.Import(events);
    state.ResumeTiming();
    published += PublishAll(publisher);
  }
  state.SetItemsProcessed(published);
}
BENCHMARK(BM_PublishOutbox)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ConsumeAndAck(benchmark::State& state) {
  Bench& bench = Shared();
  OutboxPublisher publisher(*bench.findings, *bench.connection, bench.stream);
  ConsumerOptions options;
  options.batch = static_cast<int>(state.range(1));
  options.fetch_timeout = std::chrono::milliseconds(200);
  std::int64_t handled = 0;
  auto consumer =
      EventConsumer::Create(*bench.connection, bench.stream, options, [&](const Message&) {
        handled += 1;
        return Status::Ok();
      });
  if (!consumer) {
    state.SkipWithError(consumer.status().ToString().c_str());
    return;
  }
  // Empties the stream of what earlier benchmarks published.
  while ((*consumer)->ConsumeOnce()->fetched > 0) {
  }
  handled = 0;
  const std::int64_t events = state.range(0);
  for (auto _ : state) {
    state.PauseTiming();
    bench.Import(events);
    PublishAll(publisher);
    const std::int64_t target = handled + events;
    state.ResumeTiming();
    while (handled < target) {
      if (!(*consumer)->ConsumeOnce()) {
        state.SkipWithError("fetch failed");
        return;
      }
    }
  }
  state.SetItemsProcessed(handled);
}
BENCHMARK(BM_ConsumeAndAck)
    ->Args({1000, 50})
    ->Args({1000, 200})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace rampart::bus

BENCHMARK_MAIN();
