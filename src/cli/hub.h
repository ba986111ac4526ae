// The assembled hub for `rampart run`: stores, rules, actions and the engine, built from the
// configuration, with one cycle of ingest, route, plan, execute and verify.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/ingest_support.h"
#include "core/config.h"
#include "core/scoring_model.h"
#include "pattern/matcher.h"
#include "pattern/rules_file.h"
#include "remediate/bus_dispatcher.h"
#include "remediate/dispatcher.h"
#include "remediate/engine.h"
#include "remediate/worker.h"
#include "store/audit_log.h"
#include "store/remediation_store.h"
#include "store/sqlite_finding_store.h"

namespace rampart::cli {

// Counts and planned records of one cycle.
struct CycleReport {
  IngestTotals ingest;
  remediate::DispatchReport dispatch;
  remediate::RunReport run;
  std::vector<std::int64_t> planned_ids;
  // Why routing through the bus stopped in this cycle, or ok; the counts above stay valid.
  Status bus = Status::Ok();
};

class Hub {
 public:
  // Opens the stores and loads the rules named by `config`; errors name the file and the fix.
  // Rules that enrich events use `models`, or when it is null the models folder of `config`.
  static Result<std::unique_ptr<Hub>> Open(const Config& config,
                                           std::shared_ptr<ModelCatalog> models = nullptr);

  // Ingests the configured sources, routes the resulting events, plans remediations and runs
  // every remediation that is due now, verifying the fixes.
  Result<CycleReport> RunCycle(std::ostream& out);

  store::FindingStore& findings() { return *findings_; }
  store::RemediationStore& remediations() { return *remediations_; }

 private:
  Hub() = default;
  // Opens the stores in the PostgreSQL database at `url`, which several workers may share.
  Status OpenPostgresStores(const std::string& url);
  Status LoadRules();
  Status BuildEngine();
  Status OpenBus();

  Config config_;
  std::unique_ptr<store::FindingStore> findings_;
  std::unique_ptr<store::RemediationStore> remediations_;
  std::unique_ptr<store::AuditLog> audit_;
  pattern::RulesFile rules_;
  pattern::Matcher matcher_;
  std::shared_ptr<ModelCatalog> models_;
  std::unique_ptr<remediate::EventEnricher> enricher_;
  std::unique_ptr<remediate::ActionRegistry> actions_;
  std::unique_ptr<remediate::Engine> engine_;
  std::unique_ptr<remediate::Dispatcher> dispatcher_;
  std::unique_ptr<remediate::BusDispatcher> bus_dispatcher_;  // when bus is a NATS URL
  std::unique_ptr<remediate::Worker> worker_;
};

// Prints the run report: findings by severity, remediations by outcome, and the diff of
// every dry-run change planned in this run.
void PrintRunReport(const CycleReport& report, Hub& hub, std::ostream& out);

}  // namespace rampart::cli
