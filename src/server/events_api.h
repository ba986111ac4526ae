// POST /v1/events (scope import): events in the EventBridge envelope, as an EventBridge API
// destination posts them. A "Security Hub Findings - Imported" event's detail.findings are
// imported as by BatchImportFindings; the import writes the outbox events that the hub routes
// through its rules. Other detail types are refused with 400 naming the supported one, since
// the store's outbox only carries the events of its own finding changes.
#pragma once

#include "server/api_support.h"
#include "server/http_server.h"

namespace rampart::server {

void AddEventRoutes(HttpServer& server, ApiStores& stores);

}  // namespace rampart::server
