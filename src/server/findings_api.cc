#include "server/findings_api.h"

#include <fmt/format.h>

#include "store/filter.h"
#include "store/finding_update.h"

namespace rampart::server {
namespace {

void CountImport(MetricsRegistry* metrics, const store::ImportSummary& summary) {
  if (metrics == nullptr) {
    return;
  }
  const std::pair<const char*, std::size_t> outcomes[] = {{"created", summary.created},
                                                          {"updated", summary.updated},
                                                          {"unchanged", summary.unchanged},
                                                          {"failed", summary.failed}};
  for (const auto& [outcome, count] : outcomes) {
    metrics
        ->GetCounter("rampart_findings_imported_total",
                     "Findings received through the API, by import outcome", {{"outcome", outcome}})
        .Increment(static_cast<double>(count));
  }
}

Json KeyJson(const store::FindingKey& key) {
  return Json{{"Id", key.id}, {"ProductArn", key.product_arn}};
}

ApiResponse Import(ApiStores& stores, const ApiRequest& request) {
  auto body = ParseRequestObject(request);
  if (!body) {
    return StatusResponse(request, body.status());
  }
  const Json* findings = FindPath(*body, "Findings");
  if (findings == nullptr || !findings->is_array()) {
    return InvalidInput(request, "$.Findings: missing; send {\"Findings\": [ASFF finding, ...]}");
  }
  if (findings->empty() || findings->size() > kMaxImportFindings) {
    return InvalidInput(request,
                        fmt::format("$.Findings: contains {} findings; send 1 to {} per call",
                                    findings->size(), kMaxImportFindings));
  }
  std::vector<Json> batch(findings->begin(), findings->end());
  auto response = ImportFindings(stores, std::move(batch), request.token_name);
  if (!response) {
    return StatusResponse(request, response.status());
  }
  return ApiResponse::Json(200, *response);
}

// Reads MaxResults: 1 to kMaxQueryResults, 100 when absent.
Result<std::size_t> ParseMaxResults(const Json& body) {
  if (!body.contains("MaxResults")) {
    return kMaxQueryResults;
  }
  const Json& value = body["MaxResults"];
  if (!value.is_number_integer() || value.get<std::int64_t>() < 1 ||
      value.get<std::int64_t>() > static_cast<std::int64_t>(kMaxQueryResults)) {
    return InvalidArgument(fmt::format("$.MaxResults: {} is not an integer from 1 to {}",
                                       value.dump(), kMaxQueryResults));
  }
  return value.get<std::size_t>();
}

Result<store::FindingQuery> ParseQuery(const Json& body) {
  store::FindingQuery query;
  auto filters = store::ParseFilters(body.value("Filters", Json::object()));
  if (!filters) {
    return filters.status().WithContext("$.Filters");
  }
  query.filters = std::move(*filters);
  if (body.contains("SortCriteria")) {
    auto sort = store::ParseSortCriteria(body["SortCriteria"]);
    if (!sort) {
      return sort.status().WithContext("$.SortCriteria");
    }
    query.sort = std::move(*sort);
  }
  auto max_results = ParseMaxResults(body);
  if (!max_results) {
    return max_results.status();
  }
  query.max_results = *max_results;
  const Json& token = body.value("NextToken", Json());
  if (!token.is_null() && !token.is_string()) {
    return InvalidArgument("$.NextToken: send the string from the previous page, or omit it");
  }
  query.next_token = token.is_string() ? token.get<std::string>() : "";
  return query;
}

ApiResponse Query(ApiStores& stores, const ApiRequest& request) {
  auto body = ParseRequestObject(request);
  if (!body) {
    return StatusResponse(request, body.status());
  }
  auto query = ParseQuery(*body);
  if (!query) {
    return StatusResponse(request, query.status());
  }
  std::lock_guard lock(stores.mutex);
  auto page = stores.findings->List(*query);
  if (!page) {
    return StatusResponse(request, page.status());
  }
  Json answer{{"Findings", std::move(page->findings)}};
  if (!page->next_token.empty()) {
    answer["NextToken"] = page->next_token;
  }
  return ApiResponse::Json(200, answer);
}

Json UpdateResponse(const store::UpdateSummary& summary) {
  Json processed = Json::array();
  for (const auto& key : summary.processed) {
    processed.push_back(KeyJson(key));
  }
  Json unprocessed = Json::array();
  for (const auto& finding : summary.unprocessed) {
    unprocessed.push_back({{"FindingIdentifier", KeyJson(finding.key)},
                           {"ErrorCode", finding.error_code},
                           {"ErrorMessage", finding.error_message}});
  }
  return Json{{"ProcessedFindings", processed}, {"UnprocessedFindings", unprocessed}};
}

ApiResponse Update(ApiStores& stores, const ApiRequest& request) {
  auto body = ParseRequestObject(request);
  if (!body) {
    return StatusResponse(request, body.status());
  }
  auto update = store::ParseFindingUpdate(*body);
  if (!update) {
    return StatusResponse(request, update.status());
  }
  std::lock_guard lock(stores.mutex);
  auto summary = stores.findings->Update(*update, request.token_name);
  if (!summary) {
    return StatusResponse(request, summary.status());
  }
  Json answer = UpdateResponse(*summary);
  if (!summary->processed.empty()) {
    auto entry = stores.audit->Append(request.token_name, "finding.update", "",
                                      Json{{"request", *body}, {"processed", answer}});
    if (!entry) {
      return StatusResponse(request, entry.status());
    }
  }
  return ApiResponse::Json(200, answer);
}

ApiResponse GroupBy(ApiStores& stores, const ApiRequest& request) {
  auto body = ParseRequestObject(request);
  if (!body) {
    return StatusResponse(request, body.status());
  }
  const Json& attribute = body->value("GroupByAttribute", Json());
  if (!attribute.is_string() || attribute.get<std::string>().empty()) {
    return InvalidInput(
        request, "$.GroupByAttribute: required; send an attribute such as \"SeverityLabel\"");
  }
  auto filters = store::ParseFilters(body->value("Filters", Json::object()));
  if (!filters) {
    return StatusResponse(request, filters.status().WithContext("$.Filters"));
  }
  std::lock_guard lock(stores.mutex);
  auto groups = stores.findings->GroupBy(*filters, attribute.get<std::string>());
  if (!groups) {
    return StatusResponse(request, groups.status().WithContext("$.GroupByAttribute"));
  }
  Json values = Json::array();
  for (const auto& group : *groups) {
    values.push_back({{"GroupByAttributeValue", group.value}, {"Count", group.count}});
  }
  return ApiResponse::Json(200, Json{{"GroupByAttribute", attribute}, {"ResultValues", values}});
}

}  // namespace

Result<Json> ImportFindings(ApiStores& stores, std::vector<Json> findings,
                            const std::string& actor) {
  std::lock_guard lock(stores.mutex);
  auto summary = stores.findings->Import(std::move(findings), store::ImportOptions{actor});
  if (!summary) {
    return summary.status();
  }
  CountImport(stores.metrics, *summary);

  Json failed = Json::array();
  for (const auto& result : summary->results) {
    if (result.outcome == store::ImportOutcome::kFailed) {
      failed.push_back({{"Id", result.key.id},
                        {"ErrorCode", result.error_code},
                        {"ErrorMessage", result.message}});
    }
  }
  const std::size_t success = summary->results.size() - summary->failed;
  auto entry = stores.audit->Append(actor, "finding.import", "",
                                    Json{{"created", summary->created},
                                         {"updated", summary->updated},
                                         {"unchanged", summary->unchanged},
                                         {"failed", summary->failed}});
  if (!entry) {
    return entry.status();
  }
  return Json{
      {"SuccessCount", success}, {"FailedCount", summary->failed}, {"FailedFindings", failed}};
}

void AddFindingRoutes(HttpServer& server, ApiStores& stores) {
  server.Route("POST", "/v1/findings/import", Scope::kImport,
               [&stores](const ApiRequest& request) { return Import(stores, request); });
  server.Route("POST", "/v1/findings/query", Scope::kRead,
               [&stores](const ApiRequest& request) { return Query(stores, request); });
  server.Route("POST", "/v1/findings/update", Scope::kUpdate,
               [&stores](const ApiRequest& request) { return Update(stores, request); });
  server.Route("POST", "/v1/findings/group-by", Scope::kRead,
               [&stores](const ApiRequest& request) { return GroupBy(stores, request); });
}

}  // namespace rampart::server
