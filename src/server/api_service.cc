#include "server/api_service.h"

#include <filesystem>

#include <map>
#include <memory>
#include <set>

#include "core/log.h"

#include "server/console_routes.h"
#include "server/events_api.h"
#include "server/findings_api.h"
#include "server/insights_api.h"
#include "server/models_api.h"
#include "server/remediations_api.h"
#include "server/rules_api.h"
#include "store/finding_store_factory.h"
#include "store/store_location.h"

namespace rampart::server {
namespace {

// Sets rampart_remediations{state} to the stored count of each state on every scrape. A
// state seen once stays in the output, at 0 when no record has it any more.
void AddRemediationGauges(MetricsRegistry& metrics, store::RemediationStore& remediations) {
  auto seen = std::make_shared<std::set<std::string>>();
  metrics.AddCollector([&remediations, seen](MetricsRegistry& registry) {
    auto counts = remediations.CountByState();
    if (!counts) {
      Logger("server")->error("remediation counts for /metrics failed: {}",
                              counts.status().message());
      return;
    }
    std::map<std::string, std::int64_t> current(counts->begin(), counts->end());
    for (std::string_view state : store::kRemediationStates) {
      seen->emplace(state);
    }
    for (const auto& [state, count] : current) {
      seen->insert(state);
    }
    for (const std::string& state : *seen) {
      const auto found = current.find(state);
      registry.GetGauge("rampart_remediations", "Remediation records by state.", {{"state", state}})
          .Set(found == current.end() ? 0.0 : static_cast<double>(found->second));
    }
  });
}

Result<std::unique_ptr<store::FindingStore>> OpenSqliteFindings(
    const std::string& path, const store::sqlite::OpenOptions& sqlite) {
  store::SqliteStoreOptions options;
  options.database = sqlite;
  auto findings = store::SqliteFindingStore::Open(path, options);
  if (!findings) {
    return findings.status();
  }
  return std::unique_ptr<store::FindingStore>(std::move(*findings));
}

}  // namespace

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
  store::sqlite::OpenOptions sqlite;
  sqlite.synchronous = options.synchronous;
  auto location = store::ParseStoreLocation(options.db);
  if (!location) {
    return location.status();
  }
  auto findings = location->postgres ? store::OpenFindingStore(location->target)
                                     : OpenSqliteFindings(location->target, sqlite);
  if (!findings) {
    return findings.status();
  }
  service->findings_ = std::move(*findings);
  auto audit = store::AuditLog::Open(options.db, DefaultClock(), sqlite);
  if (!audit) {
    return audit.status();
  }
  service->audit_ = std::move(*audit);
  auto remediations = store::RemediationStore::Open(options.db, DefaultClock(), sqlite);
  if (!remediations) {
    return remediations.status();
  }
  service->remediations_ = std::move(*remediations);
  service->stores_.findings = service->findings_.get();
  service->stores_.audit = service->audit_.get();
  service->stores_.metrics = &service->metrics_;
  AddRemediationGauges(service->metrics_, *service->remediations_);

  service->server_ =
      std::make_unique<HttpServer>(options.server, *service->tokens_, service->metrics_);
  HttpServer& server = *service->server_;
  AddFindingRoutes(server, service->stores_);
  AddInsightRoutes(server, service->stores_);
  AddEventRoutes(server, service->stores_);
  AddRemediationRoutes(server, *service->remediations_, service->stores_);
  AddConsoleRoutes(server, ConsoleAssets());
  if (!options.models.empty()) {
    std::error_code error;
    if (!std::filesystem::is_directory(options.models, error)) {
      return InvalidArgument(fmt::format(
          "models folder {} is not a folder; create it, or point --models (models: in the "
          "configuration) at the folder of the .model files",
          options.models));
    }
    service->models_ = std::make_shared<detect::ModelFolder>(options.models);
    AddModelRoutes(server, service->models_);
  }
  if (!options.rules.empty()) {
    // The rules file is also the hub loop's, so a rule the engine cannot run is rejected
    // here, not when the hub reloads it.
    service->rules_ =
        std::make_unique<RulesState>(options.rules, service->models_.get(), RemediationCheck());
    RAMPART_RETURN_IF_ERROR(service->rules_->Reload());
    AddRuleRoutes(server, *service->rules_, service->stores_);
    RulesState* rules = service->rules_.get();
    server.SetReadinessCheck([rules] { return rules->Problem(); });
  }
  return service;
}

}  // namespace rampart::server
