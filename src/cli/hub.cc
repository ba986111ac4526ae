#include "cli/hub.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "core/bus_url.h"
#include "core/file.h"
#include "core/log.h"
#include "detect/model_folder.h"
#include "pattern/rules_enrichment.h"
#include "remediate/rule_targets.h"
#include "remediate/verifier.h"
#include "store/finding_store_factory.h"
#include "store/store_location.h"

namespace rampart::cli {
namespace {

Status UpdateFinding(store::FindingStore& findings, const Json& finding,
                     const remediate::FindingUpdate& update) {
  store::FindingUpdate request;
  request.finding_identifiers.push_back({StringOr(finding, "Id"), StringOr(finding, "ProductArn")});
  request.workflow_status = update.workflow_status;
  if (update.note_text) {
    request.note = store::NoteUpdate{*update.note_text, update.note_updated_by.value_or("rampart")};
  }
  if (update.severity_label) {
    request.severity = store::SeverityUpdate{update.severity_label, std::nullopt, std::nullopt};
  }
  auto result = findings.Update(request, "rampart");
  if (!result) {
    return result.status();
  }
  if (!result->unprocessed.empty()) {
    return FailedPrecondition(
        fmt::format("finding {} not updated: {} {}", result->unprocessed[0].key.id,
                    result->unprocessed[0].error_code, result->unprocessed[0].error_message));
  }
  return Status::Ok();
}

// Returns PREFIX-HOST-PID, a name no other running process has.
std::string ProcessName(std::string_view prefix) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return fmt::format("{}-{}-{}", prefix, host, ::getpid());
}

// Returns the absolute folder of the configuration file, which actions read their relative
// paths from. Absolute, so that rollback records name the same repository from any folder.
std::string ConfigFolder(const Config& config) {
  std::error_code ignored;
  auto folder = std::filesystem::absolute(config.base_dir.empty() ? "." : config.base_dir, ignored)
                    .lexically_normal();
  return folder.has_filename() ? folder.string() : folder.parent_path().string();
}

}  // namespace

Result<std::unique_ptr<Hub>> Hub::Open(const Config& config, std::shared_ptr<ModelCatalog> models) {
  auto hub = std::unique_ptr<Hub>(new Hub());
  hub->config_ = config;
  hub->models_ = std::move(models);
  if (hub->models_ == nullptr && !config.models.empty()) {
    hub->models_ = std::make_shared<detect::ModelFolder>(config.Resolve(config.models));
  }
  if (store::ParseStoreLocation(config.store).value_or(store::StoreLocation{}).postgres) {
    RAMPART_RETURN_IF_ERROR(hub->OpenPostgresStores(config.store));
    RAMPART_RETURN_IF_ERROR(hub->LoadRules());
    RAMPART_RETURN_IF_ERROR(hub->BuildEngine());
    return hub;
  }
  auto db = config.SqlitePath();
  if (!db) {
    return db.status();
  }
  const auto parent = std::filesystem::path(*db).parent_path();
  if (!parent.empty()) {
    std::error_code ignored;
    std::filesystem::create_directories(parent, ignored);
  }
  store::SqliteStoreOptions options;
  if (config.store_sync == "normal") {
    options.database.synchronous = store::sqlite::Synchronous::kNormal;
  }
  auto findings = store::SqliteFindingStore::Open(*db, options);
  if (!findings) {
    return findings.status();
  }
  hub->findings_ = std::move(*findings);
  auto remediations = store::RemediationStore::Open(*db, DefaultClock(), options.database);
  if (!remediations) {
    return remediations.status();
  }
  hub->remediations_ = std::move(*remediations);
  // Without a bus, `rampart run` is the only executor of its SQLite database, so records left
  // RUNNING were interrupted by a crash and run again. Their targets get the same idempotency
  // key. With a bus, other workers may be running records right now, so only records whose
  // lease expired are taken back.
  auto recovered = config.bus == kInProcessBus ? hub->remediations_->RecoverAllRunning()
                                               : hub->remediations_->RecoverExpiredLeases();
  if (!recovered) {
    return recovered.status();
  }
  auto audit = store::AuditLog::Open(*db, DefaultClock(), options.database);
  if (!audit) {
    return audit.status();
  }
  hub->audit_ = std::move(*audit);
  RAMPART_RETURN_IF_ERROR(hub->LoadRules());
  RAMPART_RETURN_IF_ERROR(hub->BuildEngine());
  return hub;
}

Status Hub::OpenPostgresStores(const std::string& url) {
  auto findings = store::OpenFindingStore(url);
  if (!findings) {
    return findings.status();
  }
  findings_ = std::move(*findings);
  // Other workers may be running records of this database right now, so unlike SQLite nothing
  // RUNNING is recovered here: the engine returns records whose lease expired to PLANNED.
  auto remediations = store::RemediationStore::Open(url);
  if (!remediations) {
    return remediations.status();
  }
  remediations_ = std::move(*remediations);
  auto audit = store::AuditLog::Open(url);
  if (!audit) {
    return audit.status();
  }
  audit_ = std::move(*audit);
  return Status::Ok();
}

Status Hub::LoadRules() {
  if (config_.rules.empty()) {
    return Status::Ok();
  }
  const std::string path = config_.Resolve(config_.rules);
  auto text = ReadFile(path, 64 * 1024 * 1024);
  if (!text) {
    return text.status();
  }
  rules_ = pattern::ParseRulesFile(*text);
  if (models_ != nullptr) {
    pattern::CheckEnrichmentModels(rules_, *models_);
  } else {
    pattern::RejectEnrichment(
        rules_, "no models folder is set; set models: in the configuration or pass --models");
  }
  if (!rules_.errors.empty()) {
    std::string message =
        fmt::format("{}: {} invalid rules; fix them (rampart rules check {}):", path,
                    rules_.errors.size(), path);
    for (const auto& error : rules_.errors) {
      message += "\n  " + error.ToString(path);
    }
    return InvalidArgument(message);
  }
  return pattern::AddEnabledRules(rules_, matcher_);
}

Status Hub::BuildEngine() {
  actions_ = remediate::MakeBuiltinRegistry();
  remediate::ActionContext context;
  context.work_dir = config_.Resolve(config_.remediation.work_dir);
  context.base_dir = ConfigFolder(config_);
  std::error_code ignored;
  std::filesystem::create_directories(context.work_dir, ignored);
  context.bwrap_path = config_.remediation.bwrap_path;
  context.ca_file = config_.Resolve(config_.remediation.ca_file);
  context.allow.namespaces = config_.remediation.allow.namespaces;
  context.allow.repositories = config_.remediation.allow.repositories;
  context.allow.accounts = config_.remediation.allow.accounts;
  context.allow.hosts = config_.remediation.allow.hosts;
  context.finding_updater = [this](const Json& finding, const remediate::FindingUpdate& update) {
    return UpdateFinding(*findings_, finding, update);
  };

  remediate::EngineHooks hooks;
  hooks.update_finding = context.finding_updater;
  hooks.read_finding = [this](const Json& finding) {
    return findings_->Get({StringOr(finding, "ProductArn"), StringOr(finding, "Id")});
  };
  // Failure events go to the outbox, so the dispatcher routes them through the rules.
  hooks.emit_event = [this](const Json& event) -> Status {
    auto published = findings_->PublishEvent(event);
    return published ? Status::Ok() : published.status();
  };
  hooks.verify =
      remediate::MakeVerifier([this](const std::string& report) -> Result<remediate::VerifyScan> {
        IngestTotals totals;
        std::ostringstream ignored_out;
        auto read = IngestReportFile(config_.Resolve(report), ingest::ReadOptions{}, *findings_,
                                     totals, ignored_out);
        if (!read) {
          return read.status();
        }
        return remediate::VerifyScan{std::move(read->findings), std::move(read->subjects)};
      });
  engine_ = std::make_unique<remediate::Engine>(*remediations_, *audit_, *actions_, context, hooks,
                                                std::random_device{}());
  std::vector<remediate::RemediationPolicy> policies;
  for (const auto& rule : rules_.rules) {
    auto policy = remediate::ParsePolicy(remediate::PolicyDocument(rule));
    if (!policy) {
      return policy.status();
    }
    policies.push_back(std::move(*policy));
  }
  RAMPART_RETURN_IF_ERROR(engine_->SetPolicies(std::move(policies)));
  if (models_ != nullptr) {
    enricher_ = std::make_unique<remediate::EventEnricher>(rules_, *models_);
  }
  // A SQLite database has one executor, which takes its own claims back at once after a
  // crash. Workers sharing a PostgreSQL database each need their own outbox consumer name.
  const bool shared =
      store::ParseStoreLocation(config_.store).value_or(store::StoreLocation{}).postgres;
  const std::string consumer = shared ? ProcessName("run") : "run";
  dispatcher_ = std::make_unique<remediate::Dispatcher>(*findings_, matcher_, *engine_, consumer,
                                                        std::chrono::seconds(60), enricher_.get());
  remediate::EventSource* source = dispatcher_.get();
  if (config_.bus != kInProcessBus) {
    RAMPART_RETURN_IF_ERROR(OpenBus());
    source = bus_dispatcher_.get();
  }
  worker_ = std::make_unique<remediate::Worker>(*source, *engine_, nullptr);
  return Status::Ok();
}

Status Hub::OpenBus() {
  // Each process claims outbox events under its own name, as ClaimEvents requires. A
  // restarted process gets a new name, so its old claims pass to others after the lease, and
  // the stream drops the events they publish again.
  remediate::BusDispatcherOptions options;
  options.publisher.consumer = ProcessName("nats-publisher");
  auto bus = remediate::BusDispatcher::Open(config_.bus, *findings_, matcher_, *engine_,
                                            enricher_.get(), options);
  if (!bus) {
    return bus.status();
  }
  bus_dispatcher_ = std::move(*bus);
  return Status::Ok();
}

Result<CycleReport> Hub::RunCycle(std::ostream& out) {
  CycleReport report;
  for (const SourceConfig& source : config_.sources) {
    ingest::ReadOptions options;
    options.format = source.format;
    options.aws_account_id = source.account;
    options.region = source.region;
    options.artifact = source.artifact;
    for (const auto& file : ExpandReportPaths({config_.Resolve(source.path)})) {
      auto read =
          IngestReportFile(file, options, *findings_, report.ingest, out, !source.keep_missing);
      if (!read) {
        std::cerr << "error: " << read.status().message() << '\n';
      }
    }
  }
  auto routed = worker_->RunPending();
  if (!routed) {
    return routed.status();
  }
  report.dispatch = std::move(routed->dispatch);
  report.run = routed->run;
  report.bus = routed->bus;
  report.planned_ids = report.dispatch.remediation_ids;
  return report;
}

}  // namespace rampart::cli
