#include "core/posix_tz.h"

#include <cctype>
#include <chrono>

#include <fmt/format.h>

namespace rampart {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr std::int32_t kHour = 3600;

// Reads a TZ rule from left to right. Every reader returns false on text it cannot read.
class RuleReader {
 public:
  explicit RuleReader(std::string_view text) : text_(text) {}

  bool AtEnd() const { return position_ == text_.size(); }
  bool At(char c) const { return position_ < text_.size() && text_[position_] == c; }
  bool Take(char c) {
    if (At(c)) {
      ++position_;
      return true;
    }
    return false;
  }
  bool AtNameStart() const {
    return position_ < text_.size() &&
           (text_[position_] == '<' || std::isalpha(static_cast<unsigned char>(text_[position_])));
  }

  // Reads a zone abbreviation: three or more letters, or <...> around letters, digits and
  // signs, as in "<+0330>".
  bool Name() {
    const bool quoted = Take('<');
    const std::size_t start = position_;
    while (position_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[position_]);
      const bool allowed = quoted ? (std::isalnum(c) || c == '+' || c == '-') : std::isalpha(c);
      if (!allowed) {
        break;
      }
      ++position_;
    }
    const bool long_enough = position_ - start >= 3;
    return long_enough && (!quoted || Take('>'));
  }

  // Reads [+-]hh[:mm[:ss]] into seconds, with hours up to `max_hours`.
  bool Time(int max_hours, std::int32_t& seconds) {
    int sign = 1;
    if (Take('-')) {
      sign = -1;
    } else {
      Take('+');
    }
    int hours = 0;
    int minutes = 0;
    int secs = 0;
    if (!Number(3, hours) || hours > max_hours) {
      return false;
    }
    if (Take(':') && (!Number(2, minutes) || minutes > 59 || (Take(':') && !Seconds(secs)))) {
      return false;
    }
    seconds = sign * (hours * kHour + minutes * 60 + secs);
    return true;
  }

  // Reads Jn, n or Mm.w.d, then an optional /time.
  bool Date(PosixTzDate& date) {
    bool valid = false;
    if (Take('J')) {
      date.kind = PosixTzDate::Kind::kJulianNoLeap;
      valid = Number(3, date.day) && date.day >= 1 && date.day <= 365;
    } else if (Take('M')) {
      date.kind = PosixTzDate::Kind::kMonthWeekDay;
      valid = Number(2, date.month) && date.month >= 1 && date.month <= 12 && Take('.') &&
              Number(1, date.week) && date.week >= 1 && date.week <= 5 && Take('.') &&
              Number(1, date.day) && date.day <= 6;
    } else {
      date.kind = PosixTzDate::Kind::kZeroBasedDay;
      valid = Number(3, date.day) && date.day <= 365;
    }
    return valid && (!Take('/') || Time(167, date.seconds));
  }

 private:
  bool Number(std::size_t max_digits, int& value) {
    const std::size_t start = position_;
    value = 0;
    while (position_ < text_.size() && position_ - start < max_digits &&
           std::isdigit(static_cast<unsigned char>(text_[position_]))) {
      value = value * 10 + (text_[position_] - '0');
      ++position_;
    }
    return position_ > start;
  }
  bool Seconds(int& seconds) { return Number(2, seconds) && seconds <= 59; }

  std::string_view text_;
  std::size_t position_ = 0;
};

// Returns the first day of `date` in `year`.
sys_days DayOf(const PosixTzDate& date, int year) {
  const std::chrono::year y{year};
  const sys_days january_first{y / std::chrono::January / 1};
  switch (date.kind) {
    case PosixTzDate::Kind::kJulianNoLeap: {
      // Jn never counts February 29, so from March on a leap year is one day further.
      const int leap_shift = y.is_leap() && date.day >= 60 ? 1 : 0;
      return january_first + days{date.day - 1 + leap_shift};
    }
    case PosixTzDate::Kind::kZeroBasedDay:
      return january_first + days{date.day};
    case PosixTzDate::Kind::kMonthWeekDay:
      break;
  }
  const std::chrono::month month{static_cast<unsigned>(date.month)};
  const std::chrono::weekday weekday{static_cast<unsigned>(date.day)};
  if (date.week == 5) {
    return sys_days{std::chrono::year_month_weekday_last{y, month, weekday[std::chrono::last]}};
  }
  return sys_days{y / month / weekday[static_cast<unsigned>(date.week)]};
}

// Returns the local time of `date` in `year` as seconds since the Unix epoch.
std::int64_t LocalSeconds(const PosixTzDate& date, int year) {
  const auto day = DayOf(date, year).time_since_epoch().count();
  return std::int64_t{day} * 86400 + date.seconds;
}

}  // namespace

std::int32_t PosixTzRule::OffsetAt(std::int64_t utc_seconds) const {
  if (!has_daylight_saving) {
    return standard_offset;
  }
  const auto local_day = std::chrono::floor<days>(
      std::chrono::sys_seconds{std::chrono::seconds{utc_seconds + standard_offset}});
  const int year = static_cast<int>(std::chrono::year_month_day{local_day}.year());
  // The start is written in standard time and the end in daylight saving time.
  const std::int64_t start = LocalSeconds(this->start, year) - standard_offset;
  const std::int64_t end = LocalSeconds(this->end, year) - daylight_offset;
  // In the southern hemisphere daylight saving time spans the new year, so start > end.
  const bool daylight = start < end ? (utc_seconds >= start && utc_seconds < end)
                                    : (utc_seconds < end || utc_seconds >= start);
  return daylight ? daylight_offset : standard_offset;
}

Result<PosixTzRule> ParsePosixTz(std::string_view text) {
  auto invalid = [&](std::string_view what) {
    return InvalidArgument(fmt::format("time zone rule \"{}\": {}", text, what));
  };
  RuleReader reader(text);
  PosixTzRule rule;

  std::int32_t west = 0;
  if (!reader.Name() || !reader.Time(24, west)) {
    return invalid("expected a standard time name and offset, such as CET-1");
  }
  // TZ strings count hours west of UTC; the rule stores seconds east.
  rule.standard_offset = -west;
  if (reader.AtEnd()) {
    return rule;
  }

  if (!reader.AtNameStart() || !reader.Name()) {
    return invalid("expected a daylight saving time name after the standard offset");
  }
  rule.has_daylight_saving = true;
  // Without its own offset, daylight saving time is one hour ahead of standard time.
  std::int32_t daylight_west = west - kHour;
  if (!reader.AtEnd() && !reader.At(',') && !reader.Time(24, daylight_west)) {
    return invalid("invalid daylight saving time offset");
  }
  rule.daylight_offset = -daylight_west;

  if (!reader.Take(',')) {
    return invalid("daylight saving time has no start and end dates");
  }
  if (!reader.Date(rule.start) || !reader.Take(',') || !reader.Date(rule.end) || !reader.AtEnd()) {
    return invalid("invalid start or end date of daylight saving time");
  }
  return rule;
}

}  // namespace rampart
