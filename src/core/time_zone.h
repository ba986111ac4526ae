// Time zones for reading local times that carry no offset, such as those of classic syslog
// lines: a fixed offset from UTC, or an IANA zone read from a TZif file (RFC 8536) of the
// system's zoneinfo folder. libstdc++ 12 lacks std::chrono::locate_zone, and the C library's
// zone (the TZ environment variable) is one for the whole process, so zones are read here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/posix_tz.h"
#include "core/status.h"

namespace rampart {

// The UTC instants of one local time, in seconds since the Unix epoch. A local time is
// usually one instant. Where clocks go back it may be two (earlier < later). Where clocks go
// forward it may not exist, and then both hold the instant the offset before the change
// gives, which is how Python's zoneinfo reads such a time.
struct LocalInstants {
  std::int64_t earlier = 0;
  std::int64_t later = 0;
  bool skipped = false;  // the local time does not exist (clocks went forward)
};

// A time zone: offsets from UTC and the instants of their changes. Immutable once made, so
// one zone may be shared by threads.
class TimeZone {
 public:
  // Returns UTC.
  TimeZone();

  // Returns the zone named `name`: "UTC", a fixed offset "+hh:mm", "-hh:mm", "+hhmm" or "+hh"
  // (hours up to 23), or an IANA name such as "Europe/Zurich" read from `zoneinfo_folder`.
  // An unknown or invalid name is an error naming it.
  static Result<TimeZone> Load(std::string_view name,
                               const std::string& zoneinfo_folder = DefaultZoneinfoFolder());

  // Returns the zone of a TZif file's bytes (version 1 to 4), named `name` in messages.
  static Result<TimeZone> FromTzif(std::string_view bytes, std::string name);

  // Returns $TZDIR when set, else /usr/share/zoneinfo.
  static std::string DefaultZoneinfoFolder();

  // Returns the offset east of UTC, in seconds, at `utc_seconds`.
  std::int32_t OffsetAt(std::int64_t utc_seconds) const;

  // Returns the UTC instants of a local time given as seconds since 1970-01-01 00:00 local.
  LocalInstants ToUtc(std::int64_t local_seconds) const;

  const std::string& name() const { return name_; }

 private:
  std::string name_ = "UTC";
  std::int32_t initial_offset_ = 0;        // before the first transition
  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<std::int32_t> offsets_;      // the offset from each transition on
  std::optional<PosixTzRule> rule_;        // after the last transition, when the file has one
};

}  // namespace rampart
