// Calendar buckets in UTC for time series: days, ISO weeks (from Monday) and months.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace rampart::server {

enum class BucketInterval { kDay, kWeek, kMonth };

// Parses "day", "week" or "month"; nullopt for anything else.
std::optional<BucketInterval> ParseBucketInterval(std::string_view text);
std::string_view BucketIntervalName(BucketInterval interval);

// Returns the start of the bucket that contains `time`.
TimePoint BucketStart(TimePoint time, BucketInterval interval);

// Returns the start of the bucket after the one that starts at `start`.
TimePoint NextBucketStart(TimePoint start, BucketInterval interval);

// Returns the smallest interval that covers [first, last] in at most `max_buckets` buckets,
// or months when none does.
BucketInterval ChooseBucketInterval(TimePoint first, TimePoint last, std::size_t max_buckets);

// Returns the start of the first of the newest `count` buckets up to the one containing `last`.
TimePoint FirstOfLastBuckets(TimePoint last, BucketInterval interval, std::size_t count);

// Returns the starts of the buckets from the one containing `first` to the one containing
// `last`; InvalidArgument when there would be more than `max_buckets`.
Result<std::vector<TimePoint>> BucketStarts(TimePoint first, TimePoint last,
                                            BucketInterval interval, std::size_t max_buckets);

// Formats as RFC 3339 in UTC with microseconds, such as "2026-12-04T23:59:59.999999Z", so an
// inclusive bucket end loses nothing to rounding.
std::string FormatMicros(TimePoint time);

}  // namespace rampart::server
