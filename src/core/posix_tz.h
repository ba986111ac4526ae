// The POSIX TZ rule that ends a TZif file (RFC 8536 section 3.3), such as
// "CET-1CEST,M3.5.0,M10.5.0/3": the offsets of a zone for every time after its last listed
// transition.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace rampart {

// One end of daylight saving time: a day of the year and a local time of that day.
struct PosixTzDate {
  enum class Kind { kJulianNoLeap, kZeroBasedDay, kMonthWeekDay };
  Kind kind = Kind::kMonthWeekDay;
  int day = 0;                  // Jn: 1-365; n: 0-365; Mm.w.d: the weekday, 0 for Sunday
  int week = 0;                 // Mm.w.d: 1-5, where 5 is the last such weekday of the month
  int month = 0;                // Mm.w.d: 1-12
  std::int32_t seconds = 7200;  // local time of the change; RFC 8536 allows -167 to 167 hours
};

// A parsed TZ rule. Offsets are seconds east of UTC, the opposite sign to the TZ string's.
struct PosixTzRule {
  std::int32_t standard_offset = 0;
  bool has_daylight_saving = false;
  std::int32_t daylight_offset = 0;
  PosixTzDate start;  // when daylight saving time starts, in standard time
  PosixTzDate end;    // when it ends, in daylight saving time

  // Returns the offset east of UTC at `utc_seconds`, seconds since the Unix epoch.
  std::int32_t OffsetAt(std::int64_t utc_seconds) const;
};

// Parses a TZ rule as RFC 8536 section 3.3 extends POSIX: names alphabetic or in <...>,
// offsets [+-]hh[:mm[:ss]], and transition times of -167 to 167 hours. The error names the
// rule and what in it is invalid.
Result<PosixTzRule> ParsePosixTz(std::string_view text);

}  // namespace rampart
