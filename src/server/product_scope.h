// Tokens limited to products: which findings of a request such a token may write. A token
// without ProductArn patterns writes findings of every product.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "store/finding_store.h"
#include "store/finding_update.h"

namespace rampart::server {

// The error code of a finding that the request's token may not write.
inline constexpr const char* kProductDenied = "AccessDenied";

// A finding of an import request that the token may not write.
struct DeniedFinding {
  std::string id;
  std::string product_arn;
  std::string path;  // the finding's place in the request, such as $.Findings[3]
};

// Moves the findings whose ProductArn no pattern matches out of `findings`, and their paths
// out of the parallel `paths`, and returns them. A finding without a string ProductArn
// stays, so that validation names what is missing.
std::vector<DeniedFinding> TakeDeniedFindings(std::vector<Json>& findings,
                                              std::vector<std::string>& paths,
                                              const std::vector<std::string>& patterns);

// Adds `denied` to a BatchImportFindings response: FailedCount and FailedFindings.
void AddDeniedFindings(Json& response, const std::vector<DeniedFinding>& denied,
                       const std::string& token_name);

// Moves the identifiers of `update` that no pattern matches out of it and returns them as
// unprocessed findings.
std::vector<store::UnprocessedFinding> TakeDeniedIdentifiers(
    store::FindingUpdate& update, const std::vector<std::string>& patterns,
    const std::string& token_name);

// The BatchImportFindings response of a request whose findings were all denied.
Json DeniedImportResponse(const std::vector<DeniedFinding>& denied, const std::string& token_name);

}  // namespace rampart::server
