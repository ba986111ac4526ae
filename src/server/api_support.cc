#include "server/api_support.h"

#include "core/log.h"
#include "ingest/dom.h"

namespace rampart::server {
namespace {

// Bodies up to this size leave their simdjson parser to the thread's next request. A parser
// takes more than ten times its capacity in memory, and the server runs many threads.
constexpr std::size_t kMaxRetainedBodyBytes = std::size_t{256} << 10;

// simdjson reads a body of findings several times faster than nlohmann's parser, which took a
// third of the server's time in imports (docs/performance-api.md). A body simdjson rejects
// goes to ParseJson, so errors keep their line and column, and the few documents only
// nlohmann reads (integers beyond 64 bits, read as doubles) keep their meaning.
Result<Json> ParseBody(std::string_view body) {
  ingest::DomDocument document(kMaxRetainedBodyBytes);
  if (document.TryParse(body)) {
    return document.root().ToJson();
  }
  return ParseJson(body, "request body");
}

}  // namespace

Result<Json> ParseRequestObject(const ApiRequest& request) {
  if (request.body.empty()) {
    return InvalidArgument("the request body is empty; send a JSON object");
  }
  auto json = ParseBody(request.body);
  if (!json) {
    return json.status();
  }
  if (!json->is_object()) {
    return InvalidArgument(std::string("the request body is a JSON ") + json->type_name() +
                           "; send a JSON object");
  }
  return json;
}

ApiResponse StatusResponse(const ApiRequest& request, const Status& status) {
  if (status.code() == StatusCode::kInvalidArgument) {
    return InvalidInput(request, status.message());
  }
  Logger("api")->warn("{} {} by {} failed: {}", request.method, request.path, request.token_name,
                      status.ToString());
  switch (status.code()) {
    case StatusCode::kNotFound:
      return ApiResponse::Error(404, "ResourceNotFoundException", status.message());
    case StatusCode::kPermissionDenied:
      return ApiResponse::Error(403, "AccessDeniedException", status.message());
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return ApiResponse::Error(409, "ResourceConflictException", status.message());
    case StatusCode::kResourceExhausted:
      return ApiResponse::Error(413, "LimitExceededException", status.message());
    case StatusCode::kUnavailable: {
      // The log line above has the cause; clients get no database address.
      ApiResponse response = ApiResponse::Error(
          503, "ServiceUnavailableException",
          "a store or the message bus is not available; retry after the time in Retry-After");
      response.headers.emplace_back("Retry-After", "5");
      return response;
    }
    default:
      return ApiResponse::Error(500, "InternalException", status.message());
  }
}

ApiResponse InvalidInput(const ApiRequest& request, const std::string& message) {
  Logger("api")->info("{} {} by {} rejected: {}", request.method, request.path, request.token_name,
                      message);
  return ApiResponse::Error(400, "InvalidInputException", message);
}

}  // namespace rampart::server
