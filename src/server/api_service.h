// The API behind `rampart serve`: opens the stores of one SQLite database, the rules file and
// the models folder, and serves every endpoint on one HttpServer.
#pragma once

#include <memory>
#include <string>

#include "core/config.h"
#include "core/metrics.h"
#include "detect/model_folder.h"
#include "server/api_support.h"
#include "server/http_server.h"
#include "server/rules_state.h"
#include "store/remediation_store.h"
#include "store/sqlite_finding_store.h"
#include "store/token_store.h"

namespace rampart::server {

struct ServiceOptions {
  ServerConfig server;  // listen address, TLS and limits
  std::string db;       // a SQLite file (created when missing) or a postgresql:// URL
  std::string rules;    // the rules file; empty serves no rules endpoints
  std::string models;   // the folder of model files; empty serves no model endpoints and
                        // leaves the models of enrich blocks unchecked
  // The SQLite synchronous mode of every store, the configuration's store_sync.
  store::sqlite::Synchronous synchronous = store::sqlite::Synchronous::kFull;
};

class ApiService {
 public:
  // Opens the stores and loads the rules; an invalid rules file is an error here, since
  // there are no running rules to keep yet.
  static Result<std::unique_ptr<ApiService>> Open(const ServiceOptions& options);
  ~ApiService();

  Status Start() { return server_->Start(); }
  // Adds a problem source to /readyz; call it before Start.
  void AddReadinessCheck(ReadinessCheck check) { server_->AddReadinessCheck(std::move(check)); }
  void Stop() { server_->Stop(); }
  int port() const { return server_->port(); }

  // The running rules, or nullptr without a rules file.
  RulesState* rules() { return rules_.get(); }

  // The metrics that GET /metrics renders; the hub loop of `rampart serve` adds its own.
  MetricsRegistry& metrics() { return metrics_; }

  // The models folder, or nullptr without one; the hub shares it to enrich events.
  std::shared_ptr<detect::ModelFolder> models() { return models_; }

 private:
  ApiService() = default;

  std::unique_ptr<store::TokenStore> tokens_;
  std::unique_ptr<store::FindingStore> findings_;
  std::unique_ptr<store::AuditLog> audit_;
  std::unique_ptr<store::RemediationStore> remediations_;
  std::shared_ptr<detect::ModelFolder> models_;
  std::unique_ptr<RulesState> rules_;
  ApiStores stores_;
  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace rampart::server
