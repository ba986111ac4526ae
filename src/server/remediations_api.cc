#include "server/remediations_api.h"

#include <charconv>
#include <cstdint>
#include <sstream>

#include <fmt/format.h>

#include "store/token_store.h"

namespace rampart::server {
namespace {

constexpr std::size_t kMaxListLimit = 1000;

Result<std::int64_t> ParseId(const std::string& text) {
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    return InvalidArgument(
        fmt::format("remediation id \"{}\" is invalid; use the numeric Id from the list", text));
  }
  return id;
}

std::string QueryValue(const ApiRequest& request, const std::string& key) {
  const auto found = request.query.find(key);
  return found == request.query.end() ? "" : found->second;
}

// Parses an optional whole number in [min, max] from the query; `fallback` when absent.
Result<std::int64_t> ParseCount(const std::string& text, const char* name, std::int64_t min,
                                std::int64_t max, std::int64_t fallback) {
  if (text.empty()) {
    return fallback;
  }
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return InvalidArgument(fmt::format("{} \"{}\" is invalid; use {} to {}", name, text, min, max));
  }
  return value;
}

Result<store::RemediationFilter> ParseFilter(const ApiRequest& request) {
  store::RemediationFilter filter;
  if (const std::string state = QueryValue(request, "state"); !state.empty()) {
    filter.state = store::ParseRemediationState(state);
    if (!filter.state) {
      return InvalidArgument(
          fmt::format("state \"{}\" is invalid; use {}", state, store::RemediationStateList()));
    }
  }
  filter.rule = QueryValue(request, "rule");
  if (const std::string limit = QueryValue(request, "limit"); !limit.empty()) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(limit.data(), limit.data() + limit.size(), value);
    if (error != std::errc() || end != limit.data() + limit.size() || value == 0 ||
        value > kMaxListLimit) {
      return InvalidArgument(
          fmt::format("limit \"{}\" is invalid; use 1 to {}", limit, kMaxListLimit));
    }
    filter.limit = value;
  }
  return filter;
}

class RemediationsApi {
 public:
  RemediationsApi(store::RemediationStore& remediations, ApiStores& stores)
      : remediations_(remediations), stores_(stores) {}

  ApiResponse List(const ApiRequest& request) {
    auto filter = ParseFilter(request);
    if (!filter) {
      return StatusResponse(request, filter.status());
    }
    auto records = remediations_.List(*filter);
    if (!records) {
      return StatusResponse(request, records.status());
    }
    Json list = Json::array();
    for (const auto& record : *records) {
      list.push_back(store::RemediationToJson(record));
    }
    return ApiResponse::Json(200, Json{{"Remediations", list}});
  }

  ApiResponse Get(const ApiRequest& request) {
    auto id = ParseId(request.path_params.at("id"));
    if (!id) {
      return StatusResponse(request, id.status());
    }
    auto record = remediations_.Get(*id);
    if (!record) {
      return StatusResponse(request, record.status());
    }
    if (!record->has_value()) {
      return StatusResponse(request, NotFound(fmt::format("remediation {} not found", *id)));
    }
    return ApiResponse::Json(200, store::RemediationToJson(**record));
  }

  ApiResponse Decide(const ApiRequest& request, bool approve) {
    auto id = ParseId(request.path_params.at("id"));
    if (!id) {
      return StatusResponse(request, id.status());
    }
    // A token limited to some products decides only on remediations of their findings: an
    // approval starts an action on the finding's resources.
    if (!request.product_arns.empty()) {
      auto record = remediations_.Get(*id);
      if (!record) {
        return StatusResponse(request, record.status());
      }
      if (record->has_value() &&
          !store::AllowsProduct(request.product_arns, (*record)->product_arn)) {
        return StatusResponse(
            request,
            Status(StatusCode::kPermissionDenied,
                   fmt::format(
                       "token \"{}\" may not decide on remediation {} of a finding of ProductArn "
                       "\"{}\"; use a token whose --product-arn patterns match it",
                       request.token_name, *id, (*record)->product_arn)));
      }
    }
    auto decided = remediations_.Decide(*id, approve, request.token_name);
    if (!decided) {
      return StatusResponse(request, decided.status());
    }
    auto entry = stores_.audit->Append(
        request.token_name, approve ? "remediation.approved" : "remediation.rejected",
        decided->finding_id, Json{{"remediation_id", decided->id}, {"rule", decided->rule}});
    if (!entry) {
      return StatusResponse(request, entry.status());
    }
    return ApiResponse::Json(200, store::RemediationToJson(*decided));
  }

  ApiResponse Export(const ApiRequest& request) {
    std::ostringstream out;
    if (Status exported = stores_.audit->Export(out); !exported.ok()) {
      return StatusResponse(request, exported);
    }
    ApiResponse response;
    response.body = out.str();
    response.content_type = "application/x-ndjson";
    return response;
  }

  // Lists entries after the sequence `after` (0 by default), oldest first, at most `limit`.
  ApiResponse Entries(const ApiRequest& request) {
    auto after = ParseCount(QueryValue(request, "after"), "after", 0, INT64_MAX, 0);
    auto limit = ParseCount(QueryValue(request, "limit"), "limit", 1, kMaxListLimit, 100);
    if (!after || !limit) {
      return StatusResponse(request, !after ? after.status() : limit.status());
    }
    auto entries = stores_.audit->Entries(*after, static_cast<std::size_t>(*limit));
    if (!entries) {
      return StatusResponse(request, entries.status());
    }
    Json list = Json::array();
    for (const store::Entry& entry : *entries) {
      list.push_back(store::EntryToJson(entry));
    }
    return ApiResponse::Json(200, Json{{"Entries", list}});
  }

  ApiResponse Verify(const ApiRequest& request) {
    auto report = stores_.audit->Verify();
    if (!report) {
      return StatusResponse(request, report.status());
    }
    Json body{{"Valid", report->ok}, {"Entries", report->entries}};
    if (!report->ok) {
      body["FirstBadSequence"] = report->first_bad_sequence;
      body["Problem"] = report->problem;
    }
    return ApiResponse::Json(200, body);
  }

 private:
  store::RemediationStore& remediations_;
  ApiStores& stores_;
};

}  // namespace

void AddRemediationRoutes(HttpServer& server, store::RemediationStore& remediations,
                          ApiStores& stores) {
  auto api = std::make_shared<RemediationsApi>(remediations, stores);
  server.Route("GET", "/v1/remediations", Scope::kRead,
               [api](const ApiRequest& request) { return api->List(request); });
  server.Route("GET", "/v1/remediations/{id}", Scope::kRead,
               [api](const ApiRequest& request) { return api->Get(request); });
  server.Route("POST", "/v1/remediations/{id}/approve", Scope::kApprove,
               [api](const ApiRequest& request) { return api->Decide(request, true); });
  server.Route("POST", "/v1/remediations/{id}/reject", Scope::kApprove,
               [api](const ApiRequest& request) { return api->Decide(request, false); });
  server.Route("GET", "/v1/audit/export", Scope::kAdmin,
               [api](const ApiRequest& request) { return api->Export(request); });
  server.Route("GET", "/v1/audit/entries", Scope::kAdmin,
               [api](const ApiRequest& request) { return api->Entries(request); });
  server.Route("GET", "/v1/audit/verify", Scope::kRead,
               [api](const ApiRequest& request) { return api->Verify(request); });
}

}  // namespace rampart::server
