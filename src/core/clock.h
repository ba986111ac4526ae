// Injected time source and RFC 3339 timestamps, so windows and timeouts replay exactly.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace rampart {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

// A source of the current time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The system's wall clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
};

// A clock that moves only when told to; for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override { return now_; }
  void Advance(std::chrono::microseconds step) { now_ += step; }
  void Set(TimePoint now) { now_ = now; }

 private:
  TimePoint now_;
};

// Returns the process-wide system clock.
const Clock& DefaultClock();

// Formats as RFC 3339 in UTC with milliseconds, such as "2026-12-04T16:05:00.000Z",
// the form ASFF uses for CreatedAt and UpdatedAt.
std::string FormatTimestamp(TimePoint time);

// Parses an RFC 3339 / ISO 8601 date-time: "YYYY-MM-DDTHH:MM:SS", optional fraction
// (up to microseconds kept), and "Z" or "+HH:MM"; a space may replace the "T".
Result<TimePoint> ParseTimestamp(std::string_view text);

// Returns true when `text` is a valid timestamp in the form ASFF requires: RFC 3339's
// "YYYY-MM-DDTHH:MM:SS" with an upper-case "T", then an optional fraction of 1 to 9 digits,
// then "Z" or an offset "+HH:MM" or "-HH:MM". ParseTimestamp is looser: it also reads dates
// alone, a space for "T" and times without an offset, which ASFF rejects.
bool IsAsffTimestamp(std::string_view text);

// Microseconds since the Unix epoch.
std::int64_t ToUnixMicros(TimePoint time);
TimePoint FromUnixMicros(std::int64_t micros);

}  // namespace rampart
