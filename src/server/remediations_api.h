// The remediation and audit endpoints:
//   GET  /v1/remediations                ?state=&rule=&limit=  (read)
//   GET  /v1/remediations/{id}                                 (read)
//   POST /v1/remediations/{id}/approve                         (approve)
//   POST /v1/remediations/{id}/reject                          (approve)
//   GET  /v1/audit/export   the audit log as JSON lines        (admin)
//   GET  /v1/audit/verify   recomputes the hash chain          (read)
#pragma once

#include "server/api_support.h"
#include "server/http_server.h"
#include "store/remediation_store.h"

namespace rampart::server {

// Adds the routes; `remediations` and `stores` (for the audit log) outlive the server.
void AddRemediationRoutes(HttpServer& server, store::RemediationStore& remediations,
                          ApiStores& stores);

}  // namespace rampart::server
