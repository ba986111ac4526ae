// Read endpoints behind the web console: a finding's history, finding counts, findings by
// severity over time and the compliance summary.
#pragma once

#include "server/api_support.h"
#include "server/http_server.h"

namespace rampart::server {

// The maximum number of buckets GET /v1/findings/severity-series returns; "auto" picks the smallest
// interval that stays within it.
inline constexpr std::size_t kMaxSeriesBuckets = 400;
inline constexpr std::size_t kAutoSeriesBuckets = 60;

// Adds, all with the read scope:
//   GET  /v1/findings/history?ProductArn=&Id=   GetFindingHistory's Records, oldest first
//   POST /v1/findings/count                      {"Filters": ...} -> {"Count": N}
//   GET  /v1/findings/severity-series?interval=&field=&since=
//   GET  /v1/compliance/summary                  as `rampart compliance summary --output json`
void AddInsightRoutes(HttpServer& server, ApiStores& stores);

}  // namespace rampart::server
