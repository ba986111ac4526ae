// Helpers that readers of third-party formats share to fill ASFF attributes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "ingest/dom.h"
#include "ingest/reader.h"

namespace rampart::ingest {

inline constexpr std::string_view kAsffSchemaVersion = "2018-10-08";
inline constexpr std::size_t kMaxTitleLength = 256;         // ASFF Title limit
inline constexpr std::size_t kMaxDescriptionLength = 1024;  // ASFF Description limit
inline constexpr std::size_t kMaxFieldValueLength = 1024;   // ProductFields and Details.Other
inline constexpr std::string_view kVulnerabilityType =
    "Software and Configuration Checks/Vulnerabilities/CVE";

// Returns `text` cut to at most `max_bytes` bytes on a UTF-8 character boundary, ending in
// "..." when it was cut.
std::string Truncate(std::string_view text, std::size_t max_bytes);

// Returns the ASFF label for a CVSS base score (0.0-10.0) using the CVSS v3 rating scale:
// 0 INFORMATIONAL, 0.1-3.9 LOW, 4.0-6.9 MEDIUM, 7.0-8.9 HIGH, 9.0-10.0 CRITICAL.
std::string_view LabelForCvssScore(double score);

// Returns the CVSS version of a vector: "3.1" for "CVSS:3.1/...", "4.0" for "CVSS:4.0/...",
// and "2.0" for a v2 vector without prefix such as "AV:N/AC:L/Au:N/C:P/I:N/A:N".
std::string CvssVersion(std::string_view vector);

// Returns the timestamp rewritten in ASFF form (RFC 3339, UTC, milliseconds), or nothing
// when `text` is not an RFC 3339 timestamp.
std::optional<std::string> AsffTimestamp(std::string_view text);

// Returns `text` reduced to lower-case letters, digits and '-' for a ProductArn part;
// `fallback` when nothing is left.
std::string ProductArnPart(std::string_view text, std::string_view fallback);

// The product that wrote a report: the names shown in CompanyName and ProductName, and the
// two parts of its ProductArn (derived from the names when empty).
struct Product {
  std::string_view company;
  std::string_view name;
  std::string_view arn_company;
  std::string_view arn_product;
};

// Starts a finding with the attributes every third-party reader sets the same way:
// SchemaVersion, Id, ProductArn, GeneratorId, AwsAccountId, CreatedAt, UpdatedAt,
// CompanyName and ProductName.
Json StartFinding(const ReadOptions& options, const Product& product, std::string id,
                  std::string generator_id, const std::string& timestamp);

// Returns the ProductArn that StartFinding gives the findings of `product`.
std::string ProductArnOf(const ReadOptions& options, const Product& product);

// Returns the coverage of a scan of the resource `resource_id` by `product` at `scanned_at`:
// its findings of the account with `type` among their Types.
Coverage MakeCoverage(const ReadOptions& options, const Product& product,
                      std::string_view resource_id, std::string_view type,
                      const std::string& scanned_at);

// Returns "" when the scanned subject `path` names one subject: a URL or another scheme, or
// an absolute path of two or more folders. Otherwise returns why a scan of it cannot replace
// earlier scans of the same name, as two projects scanned at "." or mounted at /src share it.
std::string PathSubjectProblem(std::string_view path);

// Returns a Resources[] entry of `type` and `id` in the options' partition and Region.
Json MakeResource(const ReadOptions& options, std::string_view type, std::string_view id);

// Returns the report time in ASFF form: `text` when it is a timestamp, else the clock's now.
std::string ReportTime(std::string_view text, const ReadOptions& options);

// Returns true when `item` has a non-empty string at `key`; otherwise appends the item at
// `path` to result.rejected, naming the missing member.
bool HasRequiredString(Node item, std::string_view key, const std::string& path,
                       ReadResult& result);

}  // namespace rampart::ingest
