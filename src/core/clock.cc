#include "core/clock.h"

#include <cctype>

#include <fmt/format.h>

namespace rampart {
namespace {

bool ReadDigits(std::string_view text, std::size_t& pos, std::size_t count, int& value) {
  if (pos + count > text.size()) {
    return false;
  }
  value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool Expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

Status BadTimestamp(std::string_view text) {
  return InvalidArgument(fmt::format(
      "invalid timestamp \"{}\": expected RFC 3339 such as 2026-01-31T12:00:00Z", text));
}

}  // namespace

TimePoint SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

const Clock& DefaultClock() {
  static const SystemClock clock;
  return clock;
}

std::string FormatTimestamp(TimePoint time) {
  using namespace std::chrono;
  const auto day = floor<days>(time);
  const year_month_day ymd{day};
  const hh_mm_ss<microseconds> hms{time - day};
  const auto millis = duration_cast<milliseconds>(hms.subseconds()).count();
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(), millis);
}

Result<TimePoint> ParseTimestamp(std::string_view text) {
  using namespace std::chrono;
  std::size_t pos = 0;
  int year = 0, month = 0, day_of_month = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, month) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, day_of_month)) {
    return BadTimestamp(text);
  }
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    if (!ReadDigits(text, pos, 2, hour) || !Expect(text, pos, ':') ||
        !ReadDigits(text, pos, 2, minute) || !Expect(text, pos, ':') ||
        !ReadDigits(text, pos, 2, second)) {
      return BadTimestamp(text);
    }
  }
  std::int64_t micros = 0;
  if (Expect(text, pos, '.')) {
    int digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (digits < 6) {
        micros = micros * 10 + (text[pos] - '0');
      }
      ++digits;
      ++pos;
    }
    if (digits == 0) {
      return BadTimestamp(text);
    }
    for (int i = digits; i < 6; ++i) {
      micros *= 10;
    }
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int offset_hours = 0, offset_mins = 0;
    if (!ReadDigits(text, pos, 2, offset_hours)) {
      return BadTimestamp(text);
    }
    Expect(text, pos, ':');
    if (!ReadDigits(text, pos, 2, offset_mins)) {
      return BadTimestamp(text);
    }
    offset_minutes = sign * (offset_hours * 60 + offset_mins);
  }
  if (pos != text.size()) {
    return BadTimestamp(text);
  }
  const year_month_day ymd{std::chrono::year{year},
                           std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day_of_month)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) {
    return BadTimestamp(text);
  }
  TimePoint result{sys_days{ymd}};
  result += hours{hour} + minutes{minute} + seconds{second} + microseconds{micros};
  result -= minutes{offset_minutes};
  return result;
}

bool IsAsffTimestamp(std::string_view text) {
  // The shape: digits where the pattern has 'd', other characters as written.
  constexpr std::string_view kDateTime = "dddd-dd-ddTdd:dd:dd";
  const auto matches = [&text](std::size_t from, std::string_view pattern) {
    if (text.size() < from + pattern.size()) {
      return false;
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      const char c = text[from + i];
      if (pattern[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(c)) : c != pattern[i]) {
        return false;
      }
    }
    return true;
  };
  if (!matches(0, kDateTime)) {
    return false;
  }
  std::size_t pos = kDateTime.size();
  if (pos < text.size() && text[pos] == '.') {
    std::size_t digits = 0;
    while (pos + 1 + digits < text.size() &&
           std::isdigit(static_cast<unsigned char>(text[pos + 1 + digits]))) {
      ++digits;
    }
    if (digits == 0 || digits > 9) {
      return false;
    }
    pos += 1 + digits;
  }
  const std::string_view zone = text.substr(pos);
  const bool offset = zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') &&
                      matches(pos + 1, "dd:dd") && zone.substr(1, 2) <= "23" &&
                      zone.substr(4, 2) <= "59";
  return (zone == "Z" || offset) && ParseTimestamp(text).has_value();
}

std::int64_t ToUnixMicros(TimePoint time) { return time.time_since_epoch().count(); }

TimePoint FromUnixMicros(std::int64_t micros) {
  return TimePoint{std::chrono::microseconds{micros}};
}

}  // namespace rampart
