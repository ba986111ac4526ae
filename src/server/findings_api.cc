#include "server/findings_api.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <numeric>

#include "core/log.h"
#include "server/product_scope.h"
#include "store/filter.h"
#include "store/finding_update.h"
#include "store/import_outcome.h"

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
  if (auto members = store::CheckMembers(*body, {"Findings"}, "$"); !members.ok()) {
    return StatusResponse(request, members);
  }
  const Json* findings = FindPath(*body, "Findings");
  if (findings == nullptr) {
    return InvalidInput(request, "$.Findings: missing; send {\"Findings\": [ASFF finding, ...]}");
  }
  if (!findings->is_array()) {
    return InvalidInput(request, fmt::format("$.Findings: is a JSON {}; send an array of ASFF "
                                             "findings, {{\"Findings\": [finding, ...]}}",
                                             findings->type_name()));
  }
  if (findings->empty() || findings->size() > kMaxImportFindings) {
    return InvalidInput(request,
                        fmt::format("$.Findings: contains {} findings; send 1 to {} per call",
                                    findings->size(), kMaxImportFindings));
  }
  // Moved, not copied: the store takes each finding over.
  std::vector<Json> batch;
  batch.reserve(findings->size());
  for (Json& finding : (*body)["Findings"]) {
    batch.push_back(std::move(finding));
  }
  auto response = ImportFindings(stores, std::move(batch), request.token_name, "$.Findings",
                                 request.product_arns);
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

// The GetFindings response, written from the stored texts: parsing each finding only to
// write it out again took most of a query's time.
ApiResponse PageResponse(const store::FindingPage& page) {
  std::size_t size = 64 + page.next_token.size();
  for (const std::string& text : page.texts) {
    size += text.size() + 1;
  }
  ApiResponse response;
  response.body.reserve(size);
  response.body += "{\"Findings\":[";
  for (std::size_t i = 0; i < page.texts.size(); ++i) {
    response.body += i == 0 ? "" : ",";
    response.body += page.texts[i];
  }
  response.body += "]";
  if (!page.next_token.empty()) {
    response.body += ",\"NextToken\":" + Json(page.next_token).dump();
  }
  response.body += "}";
  return response;
}

Result<store::FindingQuery> ParseQuery(const Json& body) {
  RAMPART_RETURN_IF_ERROR(
      store::CheckMembers(body, {"Filters", "SortCriteria", "MaxResults", "NextToken"}, "$"));
  store::FindingQuery query;
  auto filters = store::ParseFilters(body.value("Filters", Json::object()), "$.Filters");
  if (!filters) {
    return filters.status();
  }
  query.filters = std::move(*filters);
  if (body.contains("SortCriteria")) {
    auto sort = store::ParseSortCriteria(body["SortCriteria"], "$.SortCriteria");
    if (!sort) {
      return sort.status();
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
  query->as_text = true;
  std::lock_guard lock(stores.mutex);
  auto page = stores.findings->List(*query);
  if (!page) {
    return StatusResponse(request, page.status());
  }
  return PageResponse(*page);
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
  // Checked before findings of other products are taken out, so that a request naming no
  // finding is an error even for a token limited to some products.
  if (Status valid = store::ValidateFindingUpdate(*update); !valid.ok()) {
    return StatusResponse(request, valid);
  }
  std::vector<store::UnprocessedFinding> denied =
      TakeDeniedIdentifiers(*update, request.product_arns, request.token_name);
  std::lock_guard lock(stores.mutex);
  Result<store::UpdateSummary> summary = store::UpdateSummary{};
  if (!update->finding_identifiers.empty()) {
    summary = stores.findings->Update(*update, request.token_name);
  }
  if (!summary) {
    return StatusResponse(request, summary.status());
  }
  std::move(denied.begin(), denied.end(), std::back_inserter(summary->unprocessed));
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
  if (auto members = store::CheckMembers(*body, {"GroupByAttribute", "Filters"}, "$");
      !members.ok()) {
    return StatusResponse(request, members);
  }
  const Json& attribute = body->value("GroupByAttribute", Json());
  if (!attribute.is_string() || attribute.get<std::string>().empty()) {
    return InvalidInput(
        request, "$.GroupByAttribute: required; send an attribute such as \"SeverityLabel\"");
  }
  if (auto field = store::FindGroupByField(attribute.get<std::string>()); !field) {
    return StatusResponse(request, field.status().WithContext("$.GroupByAttribute"));
  }
  auto filters = store::ParseFilters(body->value("Filters", Json::object()), "$.Filters");
  if (!filters) {
    return StatusResponse(request, filters.status());
  }
  std::lock_guard lock(stores.mutex);
  auto groups = stores.findings->GroupBy(*filters, attribute.get<std::string>());
  if (!groups) {
    return StatusResponse(request, groups.status());
  }
  Json values = Json::array();
  for (const auto& group : *groups) {
    values.push_back({{"GroupByAttributeValue", group.value}, {"Count", group.count}});
  }
  return ApiResponse::Json(200, Json{{"GroupByAttribute", attribute}, {"ResultValues", values}});
}

// One request's part of a round: its results, counted, and its BatchImportFindings response.
store::ImportSummary RequestSummary(std::vector<store::ImportResult>::iterator begin,
                                    std::size_t count) {
  store::ImportSummary summary;
  summary.results.reserve(count);
  for (auto result = begin; result != begin + static_cast<std::ptrdiff_t>(count); ++result) {
    store::AddResult(summary, std::move(*result));
  }
  return summary;
}

Json ImportResponse(const store::ImportSummary& summary) {
  Json failed = Json::array();
  for (const auto& result : summary.results) {
    if (result.outcome == store::ImportOutcome::kFailed) {
      failed.push_back({{"Id", result.key.id},
                        {"ErrorCode", result.error_code},
                        {"ErrorMessage", result.message}});
    }
  }
  return Json{{"SuccessCount", summary.results.size() - summary.failed},
              {"FailedCount", summary.failed},
              {"FailedFindings", failed}};
}

store::EntryDraft ImportEntry(const std::string& actor, const store::ImportSummary& summary) {
  return store::EntryDraft{actor, "finding.import", "",
                           Json{{"created", summary.created},
                                {"updated", summary.updated},
                                {"unchanged", summary.unchanged},
                                {"failed", summary.failed}}};
}

// Stores the findings of a round's requests in one transaction, appends one audit entry per
// request, and responds to each request with its own counts.
std::vector<Result<Json>> StoreImportRound(ApiStores& stores,
                                           std::vector<ImportQueue::Request*>& round) {
  std::vector<std::size_t> sizes;
  std::vector<store::PreparedFinding*> findings;
  for (const auto* request : round) {
    sizes.push_back(request->findings.size());
  }
  findings.reserve(std::accumulate(sizes.begin(), sizes.end(), std::size_t{0}));
  for (auto* request : round) {
    for (store::PreparedFinding& finding : request->findings) {
      findings.push_back(&finding);
    }
  }
  const std::size_t total = findings.size();
  std::lock_guard lock(stores.mutex);
  auto stored = stores.findings->ImportPrepared(findings, store::ImportOptions{round[0]->actor});
  if (stored && stored->results.size() != total) {
    stored = Internal(fmt::format("the store answered {} results for {} findings",
                                  stored->results.size(), total));
  }
  if (!stored) {
    return std::vector<Result<Json>>(round.size(), stored.status());
  }
  CountImport(stores.metrics, *stored);

  std::vector<Result<Json>> responses;
  std::vector<store::EntryDraft> entries;
  auto next = stored->results.begin();
  for (std::size_t i = 0; i < round.size(); ++i) {
    const store::ImportSummary summary = RequestSummary(next, sizes[i]);
    next += static_cast<std::ptrdiff_t>(sizes[i]);
    responses.emplace_back(ImportResponse(summary));
    entries.push_back(ImportEntry(round[i]->actor, summary));
  }
  auto appended = stores.audit->AppendAll(entries);
  if (!appended) {
    return std::vector<Result<Json>>(round.size(), appended.status());
  }
  return responses;
}

Result<Json> StoreFindings(ApiStores& stores, std::vector<Json> findings,
                           const std::vector<std::string>& paths, const std::string& actor) {
  // Checked and written out here, on the request's thread, so that the round that stores
  // them has less to do, because rounds run one at a time.
  ImportQueue::Request request{{}, actor};
  request.findings.reserve(findings.size());
  const TimePoint now = stores.clock->Now();
  for (std::size_t i = 0; i < findings.size(); ++i) {
    request.findings.push_back(store::PrepareFinding(std::move(findings[i]), now, paths[i]));
  }
  return stores.imports.Submit(std::move(request),
                               [&stores](std::vector<ImportQueue::Request*>& round) {
                                 return StoreImportRound(stores, round);
                               });
}

}  // namespace

Result<Json> ImportFindings(ApiStores& stores, std::vector<Json> findings, const std::string& actor,
                            const std::string& array_path,
                            const std::vector<std::string>& product_arns) {
  std::vector<std::string> paths;
  paths.reserve(findings.size());
  for (std::size_t i = 0; i < findings.size(); ++i) {
    paths.push_back(JsonPathIndex(array_path, i));
  }
  const std::vector<DeniedFinding> denied = TakeDeniedFindings(findings, paths, product_arns);
  if (!denied.empty()) {
    Logger("api")->warn("token \"{}\" tried to import {} findings of products it may not write",
                        actor, denied.size());
  }
  if (findings.empty()) {
    return DeniedImportResponse(denied, actor);
  }
  auto response = StoreFindings(stores, std::move(findings), paths, actor);
  if (response) {
    AddDeniedFindings(*response, denied, actor);
  }
  return response;
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
