#include "server/api_service.h"

#include "server/events_api.h"
#include "server/findings_api.h"
#include "server/models_api.h"
#include "server/remediations_api.h"
#include "server/rules_api.h"

namespace rampart::server {

ApiService::~ApiService() {
  if (server_) {
    server_->Stop();
  }
}

Result<std::unique_ptr<ApiService>> ApiService::Open(const ServiceOptions& options) {
  auto service = std::unique_ptr<ApiService>(new ApiService());
  auto tokens = store::TokenStore::Open(options.db);
  if (!tokens) {
    return tokens.status();
  }
  service->tokens_ = std::move(*tokens);
  auto findings = store::SqliteFindingStore::Open(options.db);
  if (!findings) {
    return findings.status();
  }
  service->findings_ = std::move(*findings);
  auto audit = store::AuditLog::Open(options.db);
  if (!audit) {
    return audit.status();
  }
  service->audit_ = std::move(*audit);
  auto remediations = store::RemediationStore::Open(options.db);
  if (!remediations) {
    return remediations.status();
  }
  service->remediations_ = std::move(*remediations);
  service->stores_.findings = service->findings_.get();
  service->stores_.audit = service->audit_.get();
  service->stores_.metrics = &service->metrics_;

  service->server_ =
      std::make_unique<HttpServer>(options.server, *service->tokens_, service->metrics_);
  HttpServer& server = *service->server_;
  AddFindingRoutes(server, service->stores_);
  AddEventRoutes(server, service->stores_);
  AddRemediationRoutes(server, *service->remediations_, service->stores_);
  if (!options.models.empty()) {
    service->models_ = std::make_shared<detect::ModelFolder>(options.models);
    AddModelRoutes(server, service->models_);
  }
  if (!options.rules.empty()) {
    service->rules_ = std::make_unique<RulesState>(options.rules, service->models_.get());
    RAMPART_RETURN_IF_ERROR(service->rules_->Reload());
    AddRuleRoutes(server, *service->rules_, service->stores_);
    RulesState* rules = service->rules_.get();
    server.SetReadinessCheck([rules] { return rules->Problem(); });
  }
  return service;
}

}  // namespace rampart::server
