#include "server/time_buckets.h"

#include <fmt/format.h>

namespace rampart::server {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::sys_days;

std::optional<BucketInterval> ParseBucketInterval(std::string_view text) {
  if (text == "day") {
    return BucketInterval::kDay;
  }
  if (text == "week") {
    return BucketInterval::kWeek;
  }
  if (text == "month") {
    return BucketInterval::kMonth;
  }
  return std::nullopt;
}

std::string_view BucketIntervalName(BucketInterval interval) {
  switch (interval) {
    case BucketInterval::kDay:
      return "day";
    case BucketInterval::kWeek:
      return "week";
    case BucketInterval::kMonth:
      return "month";
  }
  return "month";
}

TimePoint BucketStart(TimePoint time, BucketInterval interval) {
  sys_days day = floor<days>(time);
  if (interval == BucketInterval::kWeek) {
    day -= std::chrono::weekday(day) - std::chrono::Monday;
  } else if (interval == BucketInterval::kMonth) {
    const std::chrono::year_month_day date(day);
    day = sys_days(date.year() / date.month() / 1);
  }
  return TimePoint(day);
}

TimePoint NextBucketStart(TimePoint start, BucketInterval interval) {
  const sys_days day = floor<days>(start);
  switch (interval) {
    case BucketInterval::kDay:
      return TimePoint(day + days(1));
    case BucketInterval::kWeek:
      return TimePoint(day + days(7));
    case BucketInterval::kMonth: {
      const std::chrono::year_month_day date(day);
      const std::chrono::year_month next = date.year() / date.month() + std::chrono::months(1);
      return TimePoint(sys_days(next / 1));
    }
  }
  return TimePoint(day + days(1));
}

TimePoint FirstOfLastBuckets(TimePoint last, BucketInterval interval, std::size_t count) {
  const TimePoint start = BucketStart(last, interval);
  const auto back = static_cast<int>(count > 0 ? count - 1 : 0);
  const sys_days day = floor<days>(start);
  switch (interval) {
    case BucketInterval::kDay:
      return TimePoint(day - days(back));
    case BucketInterval::kWeek:
      return TimePoint(day - days(7 * back));
    case BucketInterval::kMonth: {
      const std::chrono::year_month_day date(day);
      const std::chrono::year_month first = date.year() / date.month() - std::chrono::months(back);
      return TimePoint(sys_days(first / 1));
    }
  }
  return start;
}

Result<std::vector<TimePoint>> BucketStarts(TimePoint first, TimePoint last,
                                            BucketInterval interval, std::size_t max_buckets) {
  std::vector<TimePoint> starts;
  for (TimePoint start = BucketStart(first, interval); start <= last;
       start = NextBucketStart(start, interval)) {
    if (starts.size() == max_buckets) {
      return InvalidArgument(fmt::format(
          "{} to {} spans more than {} buckets of one {}; choose a larger interval or a later "
          "since",
          FormatTimestamp(first), FormatTimestamp(last), max_buckets,
          BucketIntervalName(interval)));
    }
    starts.push_back(start);
  }
  return starts;
}

BucketInterval ChooseBucketInterval(TimePoint first, TimePoint last, std::size_t max_buckets) {
  for (BucketInterval interval : {BucketInterval::kDay, BucketInterval::kWeek}) {
    if (BucketStarts(first, last, interval, max_buckets).has_value()) {
      return interval;
    }
  }
  return BucketInterval::kMonth;
}

std::string FormatMicros(TimePoint time) {
  const sys_days day = floor<days>(time);
  const std::chrono::year_month_day date(day);
  const std::chrono::hh_mm_ss<std::chrono::microseconds> clock(time - day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count(),
                     clock.subseconds().count());
}

}  // namespace rampart::server
