// The outcomes and messages of imports and updates, which every store backend reports alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "store/filter_fields.h"
#include "store/finding_store.h"

namespace rampart::store {

// Returns a failed result with Security Hub's error code ("InvalidInput" or
// "FindingSizeExceeded").
ImportResult FailedImport(FindingKey key, std::string code, std::string message);

// Returns the JSON path of finding `index` of a batch imported with `options`: its entry in
// options.paths, or "$".
const std::string& FindingPath(const ImportOptions& options, std::size_t index);

// Returns how a message names a finding: "finding \"ID\"", followed by " at PATH" unless
// `path` is "$", the root of the finding itself.
std::string FindingName(const Json& finding, std::string_view path);

// Returns the failed result of an import entry at `path` that is not a JSON object.
ImportResult NotAnObject(const Json& finding, std::string_view path);

// Returns the unchanged result of a finding whose UpdatedAt is not newer than the stored one
// (microseconds since the Unix epoch).
ImportResult NotNewer(FindingKey key, const Json& finding, std::int64_t stored_updated_at);

// Adds `result` to the summary and to its count.
void AddResult(ImportSummary& summary, ImportResult result);

// Returns the finding's UpdatedAt in microseconds since the Unix epoch, 0 when it is invalid.
std::int64_t UpdatedAtMicros(const Json& finding);

// Returns the failed result of a finding whose CreatedAt or UpdatedAt lies more than a day
// after `now`, or nothing. A time that far ahead comes from a wrong clock, and a stored
// UpdatedAt in the future would make every later import of the finding look older.
// `path` is the finding's JSON path in its batch, such as "$.Findings[3]".
std::optional<ImportResult> InFuture(const FindingKey& key, const Json& finding,
                                     std::string_view path, TimePoint now);

// The message for a finding at `path` whose text is not valid UTF-8.
std::string Utf8Message(const Json& finding, std::string_view path = "$");

// The message for a finding at `path` that contains the character U+0000.
std::string NulMessage(const Json& finding, std::string_view path = "$");

// The message for a finding at `path` of `size` bytes as stored, over `limit`.
std::string SizeMessage(const Json& finding, std::size_t size, std::size_t limit,
                        std::string_view path = "$");

// Returns the InvalidInput entry of an update that would leave the finding with more
// UserDefinedFields than ASFF allows, or nothing when it stays within the limit.
std::optional<UnprocessedFinding> TooManyUserDefinedFields(FindingKey key, const Json& finding);

// Returns the FindingNotFound entry of an update naming a finding that does not exist.
UnprocessedFinding FindingNotFound(FindingKey key);

// Returns the attribute that GroupBy names, or an error naming the closest known one.
Result<const FieldSpec*> FindGroupByField(std::string_view attribute);

}  // namespace rampart::store
