// Helpers that readers share to read untrusted JSON without exceptions and to fill ASFF
// fields within the limits Security Hub sets.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/aws_names.h"
#include "core/json.h"

namespace rampart::ingest::detail {

inline constexpr std::string_view kAsffSchemaVersion = "2018-10-08";

// ASFF size limits, from the AWS Security Hub API reference (AwsSecurityFinding and its
// members) and the ASFF pages of the Security Hub User Guide.
inline constexpr std::size_t kMaxTitleBytes = 256;
inline constexpr std::size_t kMaxDescriptionBytes = 1024;
inline constexpr std::size_t kMaxRecommendationBytes = 512;
inline constexpr std::size_t kMaxProductFields = 50;
inline constexpr std::size_t kMaxProductFieldKeyBytes = 128;
inline constexpr std::size_t kMaxProductFieldValueBytes = 2048;
inline constexpr std::size_t kMaxResources = 32;
inline constexpr std::size_t kMaxRelatedRequirements = 32;
inline constexpr std::size_t kMaxAssociatedStandards = 20;  // as Prowler's ASFF output caps it
inline constexpr std::size_t kMaxResourceTags = 50;
inline constexpr std::size_t kMaxOtherValueBytes = 1023;  // Resources[].Details.Other values

// Returns the member `key` of `object`, or nullptr when `object` is not an object, lacks
// the member, or the member is null.
const Json* Member(const Json& object, std::string_view key);

// Typed lookups: nullptr (or empty, or nullopt) when the member is absent or of another type.
const Json* ObjectMember(const Json& object, std::string_view key);
const Json* ArrayMember(const Json& object, std::string_view key);
std::string_view StringMember(const Json& object, std::string_view key);
std::optional<double> NumberMember(const Json& object, std::string_view key);

// Returns the number at `key`, also when it is written as a decimal string such as "-1".
std::optional<long long> IntegerMember(const Json& object, std::string_view key);

// Returns `text` cut to at most `max_bytes` bytes at a UTF-8 character boundary; a cut text
// ends in "...". Input must be valid UTF-8, which ParseJson guarantees.
std::string Truncate(std::string_view text, std::size_t max_bytes);

// Returns `text` without leading and trailing whitespace.
std::string_view Trim(std::string_view text);

// Returns true for a template placeholder such as "<account_uid>", which example reports
// carry in place of real values.
bool IsPlaceholder(std::string_view text);

// Returns `account` when it is a 12-digit AWS account id, otherwise `fallback`.
std::string AwsAccountIdOr(std::string_view account, std::string_view fallback);

// Formats seconds since the Unix epoch as an ASFF timestamp; nullopt for a value outside
// the years 1970-9999.
std::optional<std::string> TimestampFromEpochSeconds(double seconds);

// Parses an RFC 3339 date-time and returns it in ASFF form (UTC, milliseconds).
std::optional<std::string> NormalizeTimestamp(std::string_view text);

// Sets object[key] = value when `value` is not empty.
void SetIfNotEmpty(Json& object, std::string_view key, std::string_view value);

// Sets other[key] = value, cut to the length Resources[].Details.Other allows, when `value`
// is not empty.
void SetOtherDetail(Json& other, std::string_view key, std::string_view value);

// Formats a time given as an RFC 3339 string or as a number of seconds since the epoch. A
// number too large to be seconds is read as milliseconds, which GuardDuty's launchTime is.
// Returns nullopt for any other value.
std::optional<std::string> TimestampFromJson(const Json& value);

// Sets ProductFields[key] = value. Keys are cut to 128 bytes and values to 2048. Once the
// map contains 50 entries, further fields are dropped because Security Hub allows no more.
void AddProductField(Json& finding, std::string_view key, std::string_view value);

// Returns the `detail` object of an EventBridge event whose detail-type is `detail_type`,
// or nullptr when `document` is not such an event.
const Json* EventDetail(const Json& document, std::string_view detail_type);

// Returns the first line of `text` that is not blank, without its line break.
std::string_view FirstNonBlankLine(std::string_view text);

}  // namespace rampart::ingest::detail
