// Remediation latency and throughput in one process, on a SQLite store: the time from a
// finding's import to the start of its action (p50, p99), and actions started per second
// with a no-op action. Results and the command are in docs/performance-remediation.md.
//
// Latency: a worker thread runs remediate::Worker (dispatcher and engine, as `rampart run`
// does) while the main thread imports one finding at a time at a fixed interval through
// its own store, as an API handler would. Each finding matches one enforced rule whose
// action records when it starts. Throughput: findings are imported first, then one
// RunPending call routes and runs all of them.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "core/file.h"
#include "core/json.h"
#include "core/log.h"
#include "pattern/pattern.h"
#include "remediate/worker.h"
#include "store/checkpointer.h"
#include "store/sqlite_finding_store.h"

namespace rampart::remediate {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

struct BenchOptions {
  int findings = 2000;
  int interval_us = 5000;  // between imports in the latency run
  int throughput_findings = 5000;
  std::string wake = "signal";  // signal, or poll
  int poll_ms = 100;            // the worker's poll interval
  std::string synchronous = "full";
  std::string checkpoint = "auto";  // auto (by the commit that fills the log), or background
  int checkpoint_ms = 200;          // the Checkpointer's interval
  std::string folder = "/tmp";
};

// An action that does nothing but record when it started, by the index in the finding Id.
class NoOpAction final : public Action {
 public:
  explicit NoOpAction(std::size_t findings) : started_(findings) {}

  std::string_view Name() const override { return "bench.noop"; }
  Status Validate(const Json&) const override { return Status::Ok(); }
  Result<ActionResult> Run(const ActionRequest& request, const ActionContext&) override {
    const SteadyTime now = std::chrono::steady_clock::now();
    const std::string id = StringOr(request.finding, "Id");
    const std::size_t index = std::stoul(id.substr(id.rfind('-') + 1));
    {
      std::lock_guard lock(mutex_);
      started_.at(index) = now;
      count_ += 1;
    }
    ran_.notify_all();
    return ActionResult{};
  }

  // Waits until `count` actions started or `timeout` passed; returns the count.
  std::size_t WaitFor(std::size_t count, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    ran_.wait_for(lock, timeout, [&] { return count_ >= count; });
    return count_;
  }

  std::vector<SteadyTime> started() {
    std::lock_guard lock(mutex_);
    return started_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ran_;
  std::vector<SteadyTime> started_;
  std::size_t count_ = 0;
};

// The first finding of the real Trivy ASFF report, or a small finding when it is absent.
Json TemplateFinding() {
  const std::string path =
      std::string(RAMPART_SHARED_DATA) + "/findings/trivy/alpine-310.asff.json";
  auto text = ReadFile(path);
  if (text) {
    auto report = ParseJson(*text, path);
    if (report && report->contains("Findings") && !(*report)["Findings"].empty()) {
      return (*report)["Findings"][0];
    }
  }
  return Json{{"SchemaVersion", "2018-10-08"},
              {"ProductArn", "arn:aws:securityhub:us-east-1::product/aquasecurity/aquasecurity"},
              {"AwsAccountId", "123456789012"},
              {"Types", {"Software and Configuration Checks/Vulnerabilities/CVE"}},
              {"CreatedAt", "2026-12-01T00:00:00Z"},
              {"Severity", {{"Label", "HIGH"}}},
              {"Title", "CVE in a package"},
              {"Description", "bench"},
              {"Resources", {{{"Type", "Container"}, {"Id", "registry/payments:1.0"}}}}};
}

Json BenchFinding(const Json& base, std::size_t index) {
  Json finding = base;
  finding["Id"] = fmt::format("bench/finding-{}", index);
  finding["GeneratorId"] = "rampart-bench";
  finding["UpdatedAt"] = "2026-12-01T00:00:00Z";
  finding["Resources"][0]["Id"] = fmt::format("registry/service-{}:1.0", index);
  return finding;
}

// One process's remediation path on one database: the worker's stores, engine, dispatcher.
class Pipeline {
 public:
  Pipeline(const std::string& db, const store::SqliteStoreOptions& options, std::size_t findings) {
    findings_ = Check(store::SqliteFindingStore::Open(db, options));
    remediations_ = Check(store::RemediationStore::Open(db, DefaultClock(), options.database));
    audit_ = Check(store::AuditLog::Open(db, DefaultClock(), options.database));
    auto action = std::make_unique<NoOpAction>(findings);
    action_ = action.get();
    CheckStatus(registry_.Register(std::move(action)));

    auto pattern = pattern::ParsePatternText(
        R"({"detail-type": ["Security Hub Findings - Imported"],
            "detail": {"findings": {"GeneratorId": ["rampart-bench"]}}})");
    CheckStatus(pattern ? matcher_.AddRule("bench", *pattern) : Internal("invalid pattern"));
    ActionContext context;
    context.finding_updater = [this](const Json& finding, const FindingUpdate& update) {
      return UpdateNote(finding, update);
    };
    EngineHooks hooks;
    hooks.update_finding = context.finding_updater;
    engine_ = std::make_unique<Engine>(*remediations_, *audit_, registry_, context, hooks, 1);
    auto policy = ParsePolicy(Json::parse(
        R"({"name": "bench", "mode": "enforce", "targets": [{"action": "bench.noop"}]})"));
    CheckStatus(policy ? engine_->SetPolicies({*policy}) : policy.status());
    dispatcher_ = std::make_unique<Dispatcher>(*findings_, matcher_, *engine_, "bench");
  }

  Dispatcher& dispatcher() { return *dispatcher_; }
  Engine& engine() { return *engine_; }
  NoOpAction& action() { return *action_; }

 private:
  template <typename T>
  static T Check(Result<T> result) {
    if (!result) {
      std::cerr << "error: " << result.status().ToString() << '\n';
      std::exit(1);
    }
    return std::move(*result);
  }
  static void CheckStatus(const Status& status) {
    if (!status.ok()) {
      std::cerr << "error: " << status.ToString() << '\n';
      std::exit(1);
    }
  }

  // The note that `rampart run` writes on a finding after its action succeeded.
  Status UpdateNote(const Json& finding, const FindingUpdate& update) {
    store::FindingUpdate request;
    request.finding_identifiers.push_back(
        {StringOr(finding, "Id"), StringOr(finding, "ProductArn")});
    request.note = store::NoteUpdate{update.note_text.value_or(""), "rampart"};
    auto result = findings_->Update(request, "rampart");
    return result ? Status::Ok() : result.status();
  }

  std::unique_ptr<store::SqliteFindingStore> findings_;
  std::unique_ptr<store::RemediationStore> remediations_;
  std::unique_ptr<store::AuditLog> audit_;
  ActionRegistry registry_;
  NoOpAction* action_ = nullptr;
  pattern::Matcher matcher_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

double CpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return fmt::format("{} {} {}", one, five, fifteen);
}

double Percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  const std::size_t index =
      static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

void PrintLatency(const std::string& name, const std::vector<double>& ms) {
  std::cout << fmt::format(
      "{:<32} p50 {:8.3f} ms  p90 {:8.3f} ms  p99 {:8.3f} ms  max {:8.3f} ms\n", name,
      Percentile(ms, 0.50), Percentile(ms, 0.90), Percentile(ms, 0.99), Percentile(ms, 1.0));
}

std::string FreshDatabase(const BenchOptions& options, const std::string& name) {
  const std::string db = options.folder + "/rampart-remediate-bench-" + name + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(db + suffix);
  }
  return db;
}

store::SqliteStoreOptions StoreOptions(const BenchOptions& options, store::OutboxSignal* signal) {
  store::SqliteStoreOptions store_options;
  store_options.database.synchronous = options.synchronous == "normal"
                                           ? store::sqlite::Synchronous::kNormal
                                           : store::sqlite::Synchronous::kFull;
  if (options.checkpoint == "background") {
    store_options.database.wal_autocheckpoint_pages = 0;
  }
  store_options.outbox_signal = signal;
  return store_options;
}

// Starts a Checkpointer when the stores leave checkpoints to one; null otherwise.
std::unique_ptr<store::Checkpointer> StartCheckpointer(const BenchOptions& options,
                                                       const std::string& db) {
  if (options.checkpoint != "background") {
    return nullptr;
  }
  auto checkpointer =
      store::Checkpointer::Start(db, std::chrono::milliseconds(options.checkpoint_ms));
  if (!checkpointer) {
    std::cerr << "error: " << checkpointer.status().ToString() << '\n';
    std::exit(1);
  }
  return std::move(*checkpointer);
}

int RunLatency(const BenchOptions& options) {
  const std::string db = FreshDatabase(options, "latency");
  store::OutboxSignal signal;
  store::OutboxSignal* wake = options.wake == "signal" ? &signal : nullptr;
  const auto findings = static_cast<std::size_t>(options.findings);
  Pipeline pipeline(db, StoreOptions(options, wake), findings);
  const auto checkpointer = StartCheckpointer(options, db);
  WorkerOptions worker_options;
  worker_options.poll_interval = std::chrono::milliseconds(options.poll_ms);
  Worker worker(pipeline.dispatcher(), pipeline.engine(), wake, worker_options);
  std::thread worker_thread([&] {
    const Status status = worker.Run();
    if (!status.ok()) {
      std::cerr << "error: " << status.ToString() << '\n';
    }
  });

  auto importer = store::SqliteFindingStore::Open(db, StoreOptions(options, wake));
  if (!importer) {
    std::cerr << "error: " << importer.status().ToString() << '\n';
    return 1;
  }
  const Json base = TemplateFinding();
  std::vector<SteadyTime> called(findings), committed(findings);
  const double cpu_before = CpuSeconds();
  const SteadyTime wall_before = std::chrono::steady_clock::now();
  SteadyTime next = wall_before;
  for (std::size_t i = 0; i < findings; ++i) {
    std::this_thread::sleep_until(next);
    next += std::chrono::microseconds(options.interval_us);
    std::vector<Json> batch = {BenchFinding(base, i)};
    called[i] = std::chrono::steady_clock::now();
    auto summary = (*importer)->Import(std::move(batch), {});
    committed[i] = std::chrono::steady_clock::now();
    if (!summary || summary->created != 1) {
      std::cerr << "error: import " << i << " failed\n";
      return 1;
    }
  }
  const std::size_t ran = pipeline.action().WaitFor(findings, std::chrono::seconds(120));
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  const double cpu = CpuSeconds() - cpu_before;
  worker.Stop();
  worker_thread.join();
  if (ran != findings) {
    std::cerr << fmt::format("error: only {} of {} actions started\n", ran, findings);
    return 1;
  }

  std::vector<double> from_call, from_commit, import_ms;
  const std::vector<SteadyTime> started = pipeline.action().started();
  for (std::size_t i = 0; i < findings; ++i) {
    from_call.push_back(std::chrono::duration<double, std::milli>(started[i] - called[i]).count());
    from_commit.push_back(
        std::chrono::duration<double, std::milli>(started[i] - committed[i]).count());
    import_ms.push_back(
        std::chrono::duration<double, std::milli>(committed[i] - called[i]).count());
  }
  std::cout << fmt::format(
      "latency: {} findings, one import every {} us, wake by {}, poll {} ms, synchronous {}, "
      "checkpoints {}\n",
      findings, options.interval_us, options.wake, options.poll_ms, options.synchronous,
      options.checkpoint);
  PrintLatency("import call -> action start", from_call);
  PrintLatency("import commit -> action start", from_commit);
  PrintLatency("import call -> commit", import_ms);
  std::cout << fmt::format("wall {:.2f} s, process CPU {:.2f} s ({:.0f}% of one core)\n", wall, cpu,
                           100 * cpu / wall);
  return 0;
}

int RunThroughput(const BenchOptions& options) {
  const std::string db = FreshDatabase(options, "throughput");
  const auto findings = static_cast<std::size_t>(options.throughput_findings);
  Pipeline pipeline(db, StoreOptions(options, nullptr), findings);
  const auto checkpointer = StartCheckpointer(options, db);
  auto importer = store::SqliteFindingStore::Open(db, StoreOptions(options, nullptr));
  if (!importer) {
    std::cerr << "error: " << importer.status().ToString() << '\n';
    return 1;
  }
  const Json base = TemplateFinding();
  for (std::size_t first = 0; first < findings; first += 500) {
    std::vector<Json> batch;
    for (std::size_t i = first; i < std::min(findings, first + 500); ++i) {
      batch.push_back(BenchFinding(base, i));
    }
    if (!(*importer)->Import(std::move(batch), {})) {
      std::cerr << "error: import failed\n";
      return 1;
    }
  }

  Worker worker(pipeline.dispatcher(), pipeline.engine(), nullptr);
  const double cpu_before = CpuSeconds();
  const SteadyTime wall_before = std::chrono::steady_clock::now();
  auto report = worker.RunPending();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  const double cpu = CpuSeconds() - cpu_before;
  if (!report || report->run.succeeded != static_cast<int>(findings)) {
    std::cerr << "error: " << (report ? "not every action ran" : report.status().ToString())
              << '\n';
    return 1;
  }
  std::cout << fmt::format(
      "throughput: {} findings imported first, then routed and run, synchronous {}, "
      "checkpoints {}\n"
      "{} events routed, {} actions started: {:.0f} actions/s (wall {:.2f} s), "
      "{:.0f} actions/s of process CPU ({:.2f} s)\n",
      findings, options.synchronous, options.checkpoint, report->dispatch.events,
      report->run.succeeded, static_cast<double>(findings) / wall, wall,
      static_cast<double>(findings) / cpu, cpu);
  return 0;
}

}  // namespace
}  // namespace rampart::remediate

int main(int argc, char** argv) {
  rampart::remediate::BenchOptions options;
  CLI::App app("Remediation latency (finding import to action start) and no-op action throughput");
  app.add_option("--findings", options.findings,
                 "Findings imported one at a time in the latency run")
      ->capture_default_str();
  app.add_option("--interval-us", options.interval_us,
                 "Microseconds between imports in the latency run")
      ->capture_default_str();
  app.add_option("--throughput-findings", options.throughput_findings,
                 "Findings routed and run in the throughput run; 0 skips it")
      ->capture_default_str();
  app.add_option("--wake", options.wake,
                 "How the worker learns of an import: signal (in-process wake-up) or poll")
      ->check(CLI::IsMember({"signal", "poll"}))
      ->capture_default_str();
  app.add_option("--poll-ms", options.poll_ms, "The worker's poll interval in milliseconds")
      ->capture_default_str();
  app.add_option("--synchronous", options.synchronous,
                 "SQLite synchronous mode of every store: full or normal")
      ->check(CLI::IsMember({"full", "normal"}))
      ->capture_default_str();
  app.add_option("--checkpoint", options.checkpoint,
                 "Who checkpoints the write-ahead log: auto (the commit that fills it) or "
                 "background (a Checkpointer thread every --checkpoint-ms)")
      ->check(CLI::IsMember({"auto", "background"}))
      ->capture_default_str();
  app.add_option("--checkpoint-ms", options.checkpoint_ms,
                 "Milliseconds between background checkpoints")
      ->capture_default_str();
  app.add_option("--folder", options.folder, "Folder for the benchmark databases")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  rampart::SetLogLevel("error");
  std::cout << "load average before: " << rampart::remediate::LoadAverage() << '\n';
  if (options.findings > 0 && rampart::remediate::RunLatency(options) != 0) {
    return 1;
  }
  if (options.throughput_findings > 0 && rampart::remediate::RunThroughput(options) != 0) {
    return 1;
  }
  std::cout << "load average after: " << rampart::remediate::LoadAverage() << '\n';
  return 0;
}
