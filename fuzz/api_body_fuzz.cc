// Fuzzes the bodies of the API's POST requests as the handlers read them, against a real
// SQLite store: the first byte picks the endpoint (import, query, update, group-by, event)
// and the rest is the body. Accepted requests change the store, so later inputs also meet
// stored findings.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "server/api_support.h"
#include "server/findings_api.h"
#include "store/audit_log.h"
#include "store/filter.h"
#include "store/finding_update.h"
#include "store/sqlite_finding_store.h"

namespace {

using rampart::Json;
namespace store = rampart::store;
namespace server = rampart::server;

struct Stores {
  std::unique_ptr<store::SqliteFindingStore> findings;
  std::unique_ptr<store::AuditLog> audit;
  server::ApiStores api;
};

Stores& OpenStores() {
  static Stores* stores = [] {
    const std::string path =
        (std::filesystem::temp_directory_path() / "rampart-api-body-fuzz.db").string();
    std::filesystem::remove(path);
    auto* opened = new Stores;
    opened->findings = std::move(*store::SqliteFindingStore::Open(path));
    opened->audit = std::move(*store::AuditLog::Open(path));
    opened->api.findings = opened->findings.get();
    opened->api.audit = opened->audit.get();
    return opened;
  }();
  return *stores;
}

void Import(Stores& stores, const Json& body) {
  const auto it = body.find("Findings");
  if (it == body.end() || !it->is_array() || it->size() > server::kMaxImportFindings) {
    return;
  }
  (void)server::ImportFindings(stores.api, it->get<std::vector<Json>>(), "fuzz", "$.Findings");
}

void Query(Stores& stores, const Json& body, bool group_by) {
  auto filters = store::ParseFilters(body.value("Filters", Json::object()));
  if (!filters) {
    return;
  }
  if (group_by) {
    const Json attribute = body.value("GroupByAttribute", Json("SeverityLabel"));
    if (attribute.is_string()) {
      (void)stores.findings->GroupBy(*filters, attribute.get<std::string>());
    }
    return;
  }
  store::FindingQuery query;
  query.filters = std::move(*filters);
  if (body.contains("SortCriteria")) {
    auto sort = store::ParseSortCriteria(body["SortCriteria"]);
    if (!sort) {
      return;
    }
    query.sort = std::move(*sort);
  }
  query.max_results = 5;
  if (const Json token = body.value("NextToken", Json("")); token.is_string()) {
    query.next_token = token.get<std::string>();
  }
  (void)stores.findings->List(query);
}

void Update(Stores& stores, const Json& body) {
  auto update = store::ParseFindingUpdate(body);
  if (update) {
    (void)stores.findings->Update(*update, "fuzz");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  server::ApiRequest request;
  request.method = "POST";
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto body = server::ParseRequestObject(request);
  if (!body) {
    return 0;
  }
  Stores& stores = OpenStores();
  switch (data[0] % 5) {
    case 0:
      Import(stores, *body);
      break;
    case 1:
      Query(stores, *body, false);
      break;
    case 2:
      Update(stores, *body);
      break;
    case 3:
      Query(stores, *body, true);
      break;
    default:
      (void)stores.findings->PublishEvent(*body);
      break;
  }
  return 0;
}
