// rampart serve --listen ADDR --db PATH|URL [--config rampart.yaml] [--rules FILE] [--models DIR]:
// serves the HTTP API. With --config it also runs the hub loop, so imported findings are routed
// through the rules and remediated. SIGHUP or a change of the rules file reloads the rules; an
// invalid file is logged and reported by /readyz while the running rules stay.
#include "cli/serve_command.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "cli/hub.h"
#include "core/duration.h"
#include "core/log.h"
#include "core/metrics.h"
#include "server/api_service.h"

namespace rampart::cli {
namespace {

std::atomic<bool> stop_requested{false};
std::atomic<bool> reload_requested{false};

void OnStop(int) { stop_requested = true; }
void OnHangUp(int) { reload_requested = true; }

struct ServeOptions {
  std::string listen;
  std::string db;
  std::string config;
  std::string rules;
  std::string models;
  std::string interval = "30s";
};

// Returns the file's modification time, or the epoch when it cannot be read.
std::filesystem::file_time_type ModifiedAt(const std::string& path) {
  std::error_code error;
  const auto time = std::filesystem::last_write_time(path, error);
  return error ? std::filesystem::file_time_type() : time;
}

std::string Absolute(const std::string& path) {
  return path.empty() ? path : std::filesystem::absolute(path).lexically_normal().string();
}

// Builds the configuration: the file given by --config or the defaults, with the command
// line's --listen, --db, --rules and --models taking precedence.
Result<Config> BuildConfig(const ServeOptions& options) {
  Config config;
  if (!options.config.empty()) {
    auto loaded = LoadConfig(options.config);
    if (!loaded) {
      return loaded.status();
    }
    config = std::move(*loaded);
  }
  if (!options.listen.empty()) {
    config.server.listen = options.listen;
  }
  if (!options.db.empty()) {
    const bool postgres =
        options.db.starts_with("postgresql://") || options.db.starts_with("postgres://");
    config.store = postgres ? options.db : "sqlite:" + Absolute(options.db);
  }
  if (!options.rules.empty()) {
    config.rules = Absolute(options.rules);
  } else if (!config.rules.empty()) {
    config.rules = Absolute(config.Resolve(config.rules));
  }
  if (!options.models.empty()) {
    config.models = Absolute(options.models);
  } else if (!config.models.empty()) {
    config.models = Absolute(config.Resolve(config.models));
  }
  return config;
}

// The hub loop: one cycle every `interval`, reopened with the new rules after a reload. It
// enriches events with the API's models folder, so both read each model file once.
class HubLoop {
 public:
  HubLoop(Config config, std::chrono::microseconds interval, std::shared_ptr<ModelCatalog> models,
          MetricsRegistry& metrics)
      : config_(std::move(config)),
        interval_(interval),
        models_(std::move(models)),
        metrics_(metrics) {}

  Status Open() {
    auto hub = Hub::Open(config_, models_);
    if (!hub) {
      return hub.status();
    }
    hub_ = std::move(*hub);
    next_cycle_ = std::chrono::steady_clock::now();
    return Status::Ok();
  }

  // Opens the hub again with the rules of a reload. The old hub stops at once, because it
  // would go on acting on rules that the file no longer has. An open that fails (NATS being
  // down, say) is tried again every interval, and /readyz reports it meanwhile.
  void Reopen() {
    hub_.reset();
    TryOpen();
  }

  // Returns why the hub is not running, or "" while it runs.
  std::string Problem() const {
    std::lock_guard lock(problem_mutex_);
    return problem_;
  }

  void RunIfDue() {
    if (std::chrono::steady_clock::now() < next_cycle_) {
      return;
    }
    if (hub_ == nullptr && !TryOpen()) {
      return;
    }
    std::ostringstream report;
    const auto started = std::chrono::steady_clock::now();
    auto cycle = hub_->RunCycle(report);
    metrics_
        .GetHistogram("rampart_hub_cycle_duration_seconds",
                      "Duration of one hub cycle: ingest, routing and remediation.")
        .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (!cycle) {
      Logger("serve")->error("hub cycle failed: {}", cycle.status().message());
    } else {
      RecordCycle(*cycle);
      if (!cycle->bus.ok()) {
        Logger("serve")->error("hub cycle: routing through the bus failed: {}",
                               cycle->bus.message());
      }
      Logger("serve")->info(
          "hub cycle: {} findings ingested, {} events routed, {} model scores ({} skipped), {} "
          "planned, {} awaiting approval, {} succeeded, {} failed",
          cycle->ingest.read, cycle->dispatch.events, cycle->dispatch.scores,
          cycle->dispatch.scores_skipped, cycle->dispatch.planned,
          cycle->dispatch.awaiting_approval, cycle->run.succeeded, cycle->run.failed);
    }
    next_cycle_ = std::chrono::steady_clock::now() + interval_;
  }

 private:
  bool TryOpen() {
    const Status opened = Open();
    std::lock_guard lock(problem_mutex_);
    if (opened.ok()) {
      problem_.clear();
      return true;
    }
    Logger("serve")->error(
        "opening the hub with the reloaded rules failed; trying again in {} s: {}",
        std::chrono::duration_cast<std::chrono::seconds>(interval_).count(), opened.message());
    problem_ = "the hub is stopped: opening it with the reloaded rules failed: " + opened.message();
    next_cycle_ = std::chrono::steady_clock::now() + interval_;
    return false;
  }

  void RecordCycle(const CycleReport& cycle) {
    metrics_.GetCounter("rampart_events_routed_total", "Outbox events matched against the rules.")
        .Increment(cycle.dispatch.events);
    for (const auto& [rule, count] : cycle.dispatch.matches_by_rule) {
      metrics_
          .GetCounter("rampart_rule_matches_total", "Events that matched each rule.",
                      {{"rule", rule}})
          .Increment(count);
    }
    const std::pair<const char*, int> outcomes[] = {
        {"planned", cycle.dispatch.planned},
        {"awaiting_approval", cycle.dispatch.awaiting_approval},
        {"succeeded", cycle.run.succeeded},
        {"verified", cycle.run.verified},
        {"failed", cycle.run.failed},
        {"retried", cycle.run.retried},
        {"rolled_back", cycle.run.rolled_back},
        {"deferred", cycle.run.deferred},
        {"skipped", cycle.run.skipped}};
    for (const auto& [outcome, count] : outcomes) {
      metrics_
          .GetCounter("rampart_remediation_outcomes_total",
                      "Remediations planned by the rules and run outcomes.", {{"outcome", outcome}})
          .Increment(count);
    }
  }

  Config config_;
  std::chrono::microseconds interval_;
  std::shared_ptr<ModelCatalog> models_;
  std::unique_ptr<Hub> hub_;
  mutable std::mutex problem_mutex_;
  std::string problem_;  // why hub_ is null after a reload, for /readyz
  std::chrono::steady_clock::time_point next_cycle_;
  MetricsRegistry& metrics_;
};

int Serve(const ServeOptions& options) {
  auto interval = ParseDuration(options.interval);
  auto config = BuildConfig(options);
  if (!interval || !config) {
    std::cerr << "error: " << (!interval ? interval.status().message() : config.status().message())
              << '\n';
    return 2;
  }
  SetLogLevel(config->log_level);
  auto db = config->store.starts_with("sqlite:") ? config->SqlitePath()
                                                 : Result<std::string>(config->store);
  if (!db) {
    std::cerr << "error: " << db.status().message() << '\n';
    return 2;
  }
  server::ServiceOptions service_options{config->server, *db, config->rules, config->models};
  if (config->store_sync == "normal") {
    service_options.synchronous = store::sqlite::Synchronous::kNormal;
  }
  auto service = server::ApiService::Open(service_options);
  if (!service) {
    std::cerr << "error: " << service.status().message() << '\n';
    return 2;
  }
  std::unique_ptr<HubLoop> hub;
  if (!options.config.empty()) {
    hub =
        std::make_unique<HubLoop>(*config, *interval, (*service)->models(), (*service)->metrics());
    if (Status opened = hub->Open(); !opened.ok()) {
      std::cerr << "error: " << opened.message() << '\n';
      return 2;
    }
    (*service)->AddReadinessCheck([loop = hub.get()] { return loop->Problem(); });
  }
  // Installed before the server starts, so a SIGHUP sent once it listens never ends the process.
  std::signal(SIGINT, OnStop);
  std::signal(SIGTERM, OnStop);
  std::signal(SIGHUP, OnHangUp);
  if (Status started = (*service)->Start(); !started.ok()) {
    std::cerr << "error: " << started.message() << '\n';
    return 2;
  }

  server::RulesState* rules = (*service)->rules();
  auto rules_time =
      rules != nullptr ? ModifiedAt(rules->path()) : std::filesystem::file_time_type();
  while (!stop_requested) {
    if (rules != nullptr) {
      const auto time = ModifiedAt(rules->path());
      if (reload_requested.exchange(false) || time != rules_time) {
        rules_time = time;
        const std::uint64_t before = rules->generation();
        (void)rules->Reload();  // logs its own error and keeps the running rules
        if (hub != nullptr && rules->generation() != before) {
          hub->Reopen();
        }
      }
    }
    if (hub != nullptr) {
      hub->RunIfDue();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  (*service)->Stop();
  return 0;
}

}  // namespace

void AddServeCommands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  auto* command = app.add_subcommand(
      "serve",
      "Serve the HTTP API. Without --config only the API runs; with --config the hub loop of "
      "`rampart run` also routes and remediates imported findings. SIGHUP or a change of the "
      "rules file reloads the rules, keeping the running ones when the new file is invalid.");
  command->add_option("--listen", options->listen,
                      "Address to listen on, HOST:PORT (default 127.0.0.1:8080, or server.listen "
                      "of the configuration); port 0 picks a free port");
  command->add_option("--db", options->db,
                      "Database of findings, tokens, remediations and the audit log: a SQLite "
                      "file or a postgresql:// URL that several workers share (default "
                      "rampart.db, or store: of the configuration)");
  command->add_option("--config", options->config,
                      "Configuration file (YAML); also runs the hub loop");
  command->add_option("--rules", options->rules,
                      "Rules file served by /v1/rules and used by the hub (default rules: of the "
                      "configuration)");
  command->add_option("--models", options->models,
                      "Folder of model files (NAME.model, rampart model train output) served by "
                      "/v1/models/{name}/invocations and used by the rules' enrich blocks "
                      "(default models: of the configuration)");
  command
      ->add_option("--interval", options->interval,
                   "Time between hub cycles with --config, such as 30s or 5m")
      ->capture_default_str();
  command->callback([options, &exit_code] { exit_code = Serve(*options); });
}

}  // namespace rampart::cli
