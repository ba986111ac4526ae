#include "server/events_api.h"

#include <fmt/format.h>

#include "server/findings_api.h"
#include "store/event.h"

namespace rampart::server {
namespace {

// Returns the string member `key` of the envelope, or an error naming it.
Result<std::string> EnvelopeString(const Json& event, const char* key) {
  const Json& value = event.value(key, Json());
  if (!value.is_string() || value.get<std::string>().empty()) {
    return InvalidArgument(
        fmt::format("$.{}: required string of the EventBridge envelope is missing", key));
  }
  return value.get<std::string>();
}

ApiResponse PostEvent(ApiStores& stores, const ApiRequest& request) {
  auto event = ParseRequestObject(request);
  if (!event) {
    return StatusResponse(request, event.status());
  }
  auto detail_type = EnvelopeString(*event, "detail-type");
  if (!detail_type) {
    return StatusResponse(request, detail_type.status());
  }
  if (*detail_type != store::kImportedDetailType) {
    return InvalidInput(
        request,
        fmt::format(
            "$.detail-type: \"{}\" is not supported; this endpoint takes \"{}\" events, so point "
            "the EventBridge rule's event pattern at that detail type",
            *detail_type, store::kImportedDetailType));
  }
  const Json* findings = FindPath(*event, "detail.findings");
  if (findings == nullptr || !findings->is_array() || findings->empty()) {
    return InvalidInput(
        request,
        "$.detail.findings: missing; an imported event carries its findings in detail.findings");
  }
  if (findings->size() > kMaxImportFindings) {
    return InvalidInput(request,
                        fmt::format("$.detail.findings: contains {} findings; send at most {}",
                                    findings->size(), kMaxImportFindings));
  }
  std::vector<Json> batch(findings->begin(), findings->end());
  auto answer = ImportFindings(stores, std::move(batch), request.token_name, "$.detail.findings",
                               request.product_arns);
  if (!answer) {
    return StatusResponse(request, answer.status());
  }
  (*answer)["EventId"] = event->value("id", Json());
  return ApiResponse::Json(200, *answer);
}

}  // namespace

void AddEventRoutes(HttpServer& server, ApiStores& stores) {
  server.Route("POST", "/v1/events", Scope::kImport,
               [&stores](const ApiRequest& request) { return PostEvent(stores, request); });
}

}  // namespace rampart::server
