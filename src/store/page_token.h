// NextToken for keyset pagination: the sort values and sequence number of the last finding
// of a page, bound to the query that produced it. A page that continues after that finding
// neither repeats nor skips findings when others are inserted between requests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "store/filter.h"

namespace rampart::store {

struct PageToken {
  std::vector<Json> sort_values;  // one per sort key: an integer, a float or a string
  std::int64_t sequence = 0;      // the tie-breaker: the finding's storage sequence number
};

// Returns a short digest of the filters and sort criteria, so a token is only accepted by
// the query it came from.
std::string QueryFingerprint(const Filters& filters, const std::vector<SortCriterion>& sort);

// Encodes a token as URL-safe base64 text.
std::string EncodePageToken(const PageToken& token, std::string_view fingerprint);

// Decodes a token; fails when it is malformed, has another number of sort values, or was
// made by another query.
Result<PageToken> DecodePageToken(std::string_view text, std::string_view fingerprint,
                                  std::size_t sort_values);

}  // namespace rampart::store
