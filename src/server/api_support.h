// Helpers shared by the API handlers: request bodies, error responses and the shared stores.
#pragma once

#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/json.h"
#include "core/metrics.h"
#include "core/status.h"
#include "server/http_server.h"
#include "server/import_queue.h"
#include "store/audit_log.h"
#include "store/finding_store.h"

namespace rampart::server {

// The finding store and audit log behind the API. The finding store is not thread-safe, so
// every handler locks `mutex` while it uses `findings`. Both outlive the server.
struct ApiStores {
  std::mutex mutex;
  store::FindingStore* findings = nullptr;
  store::AuditLog* audit = nullptr;
  MetricsRegistry* metrics = nullptr;    // counts imported findings when set
  const Clock* clock = &DefaultClock();  // ProcessedAt of the findings prepared for import
  // Imports of concurrent requests share a transaction, up to this many findings.
  ImportQueue imports{2000};
};

// Parses the request body as a JSON object. The error names the line and column of a syntax
// error, or reports that the body is not an object.
Result<Json> ParseRequestObject(const ApiRequest& request);

// Maps a failed Status to a response (InvalidArgument 400, NotFound 404, AlreadyExists and
// FailedPrecondition 409, ResourceExhausted 413, others 500) and logs it with the route.
ApiResponse StatusResponse(const ApiRequest& request, const Status& status);

// Returns 400 InvalidInputException, Security Hub's code for a bad request, and logs it.
ApiResponse InvalidInput(const ApiRequest& request, const std::string& message);

}  // namespace rampart::server
