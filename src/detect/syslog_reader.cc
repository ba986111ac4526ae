// Authentication lines of syslog (sshd and PAM) into LogEvents.
#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "core/clock.h"
#include "detect/log_event.h"

namespace rampart::detect {
namespace {

constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// The parts of "Mmm dd hh:mm:ss host program[pid]: message".
struct SyslogLine {
  TimePoint time;
  std::string program;
  std::string_view message;
};

// syslog daemons fold identical lines into "message repeated N times: [ ... ]". Each fold
// becomes N events, so a larger N is capped to keep a small file from expanding without bound.
constexpr int kMaxRepeats = 10'000;

bool ReadNumber(std::string_view text, int& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

// Picks the year of traditional syslog timestamps, which carry none. The first line gets
// the given year, or without one the current year unless that would date the line more
// than a day ahead, because a log is read after it is written. A month more than six
// before the previous line's starts the next year, as a log does at New Year.
class SyslogYears {
 public:
  SyslogYears(int year, TimePoint now) : year_(year), now_(now) {}

  int YearOf(int month, int day) {
    if (previous_month_ < 0 && year_ == 0) {
      const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(now_)};
      const int this_month = static_cast<int>(static_cast<unsigned>(today.month())) - 1;
      const int this_day = static_cast<int>(static_cast<unsigned>(today.day()));
      const bool ahead = month > this_month || (month == this_month && day > this_day + 1);
      year_ = static_cast<int>(today.year()) - (ahead ? 1 : 0);
    } else if (previous_month_ >= 0 && month + 6 < previous_month_) {
      ++year_;
    }
    previous_month_ = month;
    return year_;
  }

 private:
  int year_;
  TimePoint now_;
  int previous_month_ = -1;
};

// Turns the local times of syslog lines into UTC. A local time that clocks repeat when they
// go back is read as the instant nearer the previous line's, so that a log that runs
// through the repeated hour twice stays in order. Without a previous line it is the earlier.
class SyslogZone {
 public:
  explicit SyslogZone(const TimeZone& zone) : zone_(zone) {}

  TimePoint ToUtc(std::int64_t local_seconds) {
    const LocalInstants instants = zone_.ToUtc(local_seconds);
    std::int64_t utc = instants.earlier;
    if (has_previous_ && instants.later - previous_ < previous_ - instants.earlier) {
      utc = instants.later;
    }
    Observe(utc);
    return TimePoint{std::chrono::seconds{utc}};
  }

  // Records the time of a line that carried its own offset.
  void Observe(std::int64_t utc_seconds) {
    previous_ = utc_seconds;
    has_previous_ = true;
  }

 private:
  const TimeZone& zone_;
  bool has_previous_ = false;
  std::int64_t previous_ = 0;  // UTC seconds of the previous line
};

// Reads "Mmm dd hh:mm:ss " at the start of `line`. Returns the length read, or 0.
std::size_t ParseTraditionalTime(std::string_view line, SyslogYears& years, SyslogZone& zone,
                                 TimePoint& time) {
  if (line.size() < 16) {
    return 0;
  }
  int month = 0;
  while (month < 12 && line.substr(0, 3) != kMonths[month]) {
    ++month;
  }
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  const std::string_view day_text = line.substr(4, 2);
  if (month == 12 || line[3] != ' ' ||
      !ReadNumber(day_text[0] == ' ' ? day_text.substr(1) : day_text, day) || line[6] != ' ' ||
      !ReadNumber(line.substr(7, 2), hour) || line[9] != ':' ||
      !ReadNumber(line.substr(10, 2), minute) || line[12] != ':' ||
      !ReadNumber(line.substr(13, 2), second) || line[15] != ' ') {
    return 0;
  }
  const std::chrono::year_month_day date{std::chrono::year{years.YearOf(month, day)},
                                         std::chrono::month{static_cast<unsigned>(month + 1)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) {
    return 0;
  }
  const std::int64_t local_seconds =
      std::int64_t{std::chrono::sys_days{date}.time_since_epoch().count()} * 86400 + hour * 3600 +
      minute * 60 + second;
  time = zone.ToUtc(local_seconds);
  return 16;
}

// Reads an RFC 3339 time and the space after it, as rsyslog's high-precision format
// ("2024-03-01T10:00:00.123456+00:00 ") writes it. Returns the length read, or 0.
std::size_t ParseRfc3339Time(std::string_view line, TimePoint& time) {
  const std::size_t end = line.find(' ');
  if (line.size() < 20 || line[4] != '-' || line[10] != 'T' || end == std::string_view::npos) {
    return 0;
  }
  auto parsed = ParseTimestamp(line.substr(0, end));
  if (!parsed) {
    return 0;
  }
  time = *parsed;
  return end + 1;
}

bool ParseSyslogLine(std::string_view line, SyslogYears& years, SyslogZone& zone,
                     SyslogLine& parsed) {
  std::size_t start = ParseRfc3339Time(line, parsed.time);
  if (start != 0) {
    zone.Observe(std::chrono::floor<std::chrono::seconds>(parsed.time).time_since_epoch().count());
  } else {
    start = ParseTraditionalTime(line, years, zone, parsed.time);
  }
  if (start == 0) {
    return false;
  }
  const std::size_t host_end = line.find(' ', start);
  const std::size_t tag_end =
      line.find(": ", host_end == std::string_view::npos ? start : host_end);
  if (host_end == std::string_view::npos || tag_end == std::string_view::npos) {
    return false;
  }
  std::string_view tag = line.substr(host_end + 1, tag_end - host_end - 1);
  if (!tag.empty() && tag.back() == ']') {  // drop "[pid]", keeping "sshd(pam_unix)"
    tag = tag.substr(0, tag.rfind('['));
  }
  parsed.program = std::string(tag);
  parsed.message = line.substr(tag_end + 2);
  return true;
}

// Returns the word after `marker` in `text`, or "".
std::string_view WordAfter(std::string_view text, std::string_view marker) {
  const std::size_t at = text.find(marker);
  if (at == std::string_view::npos) {
    return {};
  }
  const std::string_view rest = text.substr(at + marker.size());
  return rest.substr(0, rest.find_first_of(" \t"));
}

// Fills `event` from an sshd "Failed ..." or "Accepted ..." message. Returns false for
// other messages.
bool ParseSshdOutcome(std::string_view message, LogEvent& event) {
  const bool failed = message.rfind("Failed ", 0) == 0;
  const bool accepted = message.rfind("Accepted ", 0) == 0;
  // The client chooses the user name, which may itself hold " from ", so the address is
  // the word after the last one.
  const std::size_t for_at = message.find(" for ");
  const std::size_t from_at = message.rfind(" from ");
  if ((!failed && !accepted) || for_at == std::string_view::npos ||
      from_at == std::string_view::npos || from_at < for_at) {
    return false;
  }
  std::string_view user = message.substr(for_at + 5, from_at - for_at - 5);
  if (user.rfind("invalid user ", 0) == 0) {
    user.remove_prefix(13);
  }
  event.principal = std::string(user);
  event.source_ip = std::string(WordAfter(message.substr(from_at), " from "));
  event.action = failed ? "FailedLogin" : "AcceptedLogin";
  event.failure = failed;
  event.login_success = accepted;
  return true;
}

// OpenSSH 9.8 and later log a session's outcome as sshd-session, earlier ones as sshd.
bool IsSshd(std::string_view program) { return program == "sshd" || program == "sshd-session"; }

}  // namespace

Result<LogReadResult> ReadSyslogAuth(std::string_view text, const LogReadOptions& options) {
  SyslogYears years(options.syslog_year, options.clock->Now());
  SyslogZone zone(options.syslog_zone);
  LogReadResult result;
  std::size_t line_number = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t end = text.find('\n', position);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      continue;
    }
    SyslogLine parsed;
    if (!ParseSyslogLine(line, years, zone, parsed)) {
      result.problems.push_back(
          {line_number, fmt::format("{}: line {}: not a syslog line (expected \"Mmm dd hh:mm:ss "
                                    "host program[pid]: message\", or an RFC 3339 time in "
                                    "place of \"Mmm dd hh:mm:ss\")",
                                    options.source_name, line_number)});
      continue;
    }
    LogEvent event;
    event.time = parsed.time;
    event.line = line_number;
    event.service = parsed.program;
    int repeats = 1;
    std::string_view message = parsed.message;
    if (message.rfind("message repeated ", 0) == 0) {
      const std::size_t times = message.find(" times: [ ");
      if (times != std::string_view::npos && ReadNumber(message.substr(17, times - 17), repeats)) {
        message = message.substr(times + 10);
      }
    }
    if (repeats < 1 || repeats > kMaxRepeats) {
      result.problems.push_back(
          {line_number,
           fmt::format("{}: line {}: \"message repeated {} times\" is outside 1..{}, so the "
                       "message counts {} times",
                       options.source_name, line_number, repeats, kMaxRepeats,
                       repeats < 1 ? 1 : kMaxRepeats)});
      repeats = repeats < 1 ? 1 : kMaxRepeats;
    }
    if (IsSshd(parsed.program) && ParseSshdOutcome(message, event)) {
      for (int i = 0; i < repeats; ++i) {
        result.events.push_back(event);
      }
      continue;
    }
    // PAM lines from a separate program tag, such as "sshd(pam_unix)" or "su(pam_unix)".
    if (!IsSshd(parsed.program) &&
        message.find("authentication failure;") != std::string_view::npos) {
      event.source_ip = std::string(WordAfter(message, "rhost="));
      event.principal = std::string(WordAfter(message, " user="));
      event.action = "FailedLogin";
      event.failure = true;
      result.events.push_back(std::move(event));
    }
  }
  return result;
}

}  // namespace rampart::detect
