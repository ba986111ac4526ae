// EventBridge events that the store writes to its outbox for every accepted change.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"

namespace rampart::store {

inline constexpr std::string_view kImportedDetailType = "Security Hub Findings - Imported";

// The fields of a finding that an event's envelope repeats. Each is "" when the finding lacks
// the field or its value is not a string.
struct EventSubject {
  std::string product_arn;
  std::string id;
  std::string account;  // AwsAccountId
  std::string region;   // Region
};

// Returns the envelope fields of `finding`.
EventSubject SubjectOf(const Json& finding);

// Builds the "Security Hub Findings - Imported" event for one finding, in EventBridge's
// envelope: version "0", `event_id`, source (see EventSource), the finding's AwsAccountId as
// account and Region as region, `time` in whole seconds, the finding ARN in resources, and
// the finding itself in detail.findings. `finding_text` is `finding` serialized, which is
// embedded as it is; the strings of `finding` used in the envelope must be valid UTF-8.
std::string BuildImportedEvent(const Json& finding, std::string_view finding_text,
                               std::string_view event_id, TimePoint time);

// Writes the same event into `out`, replacing its contents but keeping its capacity, so a
// store that writes many events reuses one buffer.
void WriteImportedEvent(const Json& finding, std::string_view finding_text,
                        std::string_view event_id, TimePoint time, std::string& out);

// Writes the same event from the envelope fields of the finding, for a caller that has the
// finding as text only.
void WriteImportedEvent(const EventSubject& subject, std::string_view finding_text,
                        std::string_view event_id, TimePoint time, std::string& out);

// Returns a random (version 4) UUID in the canonical 8-4-4-4-12 form.
std::string RandomUuid(std::mt19937_64& random);

// Checks the EventBridge envelope fields of an event given to PublishEvent, which routing and
// de-duplication rely on: a JSON object with non-empty strings id, source and detail-type and
// an object detail. The error names the field.
Status CheckPublishedEvent(const Json& event);

}  // namespace rampart::store
