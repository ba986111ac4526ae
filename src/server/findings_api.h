// The finding endpoints in the shapes of Security Hub's BatchImportFindings, GetFindings,
// BatchUpdateFindings and insight results:
//   POST /v1/findings/import    (scope import)
//   POST /v1/findings/query     (scope read)
//   POST /v1/findings/update    (scope update)
//   POST /v1/findings/group-by  (scope read)
#pragma once

#include <string>
#include <vector>

#include "server/api_support.h"
#include "server/http_server.h"

namespace rampart::server {

// Security Hub accepts 1 to 100 findings per BatchImportFindings call and returns at most 100
// findings per GetFindings page.
inline constexpr std::size_t kMaxImportFindings = 100;
inline constexpr std::size_t kMaxQueryResults = 100;

// Imports `findings` on behalf of `actor` (a token name) and appends one audit entry. A
// finding whose ProductArn none of `product_arns` matches fails with AccessDenied, unless
// `product_arns` is empty. Returns the BatchImportFindings response: SuccessCount,
// FailedCount and FailedFindings, whose messages name each finding by its path in the
// request body, `array_path`[i].
Result<Json> ImportFindings(ApiStores& stores, std::vector<Json> findings, const std::string& actor,
                            const std::string& array_path,
                            const std::vector<std::string>& product_arns = {});

// Adds the finding routes to `server`; `stores` outlives it.
void AddFindingRoutes(HttpServer& server, ApiStores& stores);

}  // namespace rampart::server
