#include "core/time_zone.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "core/file.h"

namespace rampart {
namespace {

constexpr std::size_t kMaxZoneNameLength = 255;
constexpr std::size_t kMaxTzifBytes = std::size_t{1} << 20;
// Offsets are at most 26 hours from UTC, so every offset that can apply to a local time is
// in effect within this many seconds of it.
constexpr std::int64_t kOffsetWindow = 26 * 3600;

constexpr std::string_view kNameHint =
    "use an IANA name such as Europe/Zurich, or a fixed offset such as +02:00";

// Returns true for a zone name of '/'-separated parts of letters, digits and "._+-", with no
// part "." or "..", so that the name stays inside the zoneinfo folder.
bool IsValidZoneName(std::string_view name) {
  if (name.empty() || name.size() > kMaxZoneNameLength) {
    return false;
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return false;
    }
    for (const char c : part) {
      const bool allowed = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                           c == '+' || c == '-';
      if (!allowed) {
        return false;
      }
    }
    start = end + 1;
  }
  return true;
}

// Reads two decimal digits.
bool ParseTwoDigits(std::string_view text, int& value) {
  if (text.size() != 2 || !std::isdigit(static_cast<unsigned char>(text[0])) ||
      !std::isdigit(static_cast<unsigned char>(text[1]))) {
    return false;
  }
  value = (text[0] - '0') * 10 + (text[1] - '0');
  return true;
}

// Parses "+hh", "+hhmm" or "+hh:mm" (or with '-') into seconds east of UTC.
std::optional<std::int32_t> ParseFixedOffset(std::string_view text) {
  const int sign = text.front() == '-' ? -1 : 1;
  const std::string_view rest = text.substr(1);
  std::string_view minutes_text = "00";
  if (rest.size() == 4) {
    minutes_text = rest.substr(2);
  } else if (rest.size() == 5 && rest[2] == ':') {
    minutes_text = rest.substr(3);
  } else if (rest.size() != 2) {
    return std::nullopt;
  }
  int hours = 0;
  int minutes = 0;
  if (!ParseTwoDigits(rest.substr(0, 2), hours) || !ParseTwoDigits(minutes_text, minutes) ||
      hours > 23 || minutes > 59) {
    return std::nullopt;
  }
  return sign * (hours * 3600 + minutes * 60);
}

}  // namespace

TimeZone::TimeZone() = default;

std::string TimeZone::DefaultZoneinfoFolder() {
  const char* folder = std::getenv("TZDIR");
  return folder != nullptr && folder[0] != '\0' ? folder : "/usr/share/zoneinfo";
}

Result<TimeZone> TimeZone::Load(std::string_view name, const std::string& zoneinfo_folder) {
  if (name == "UTC") {
    return TimeZone();
  }
  if (!name.empty() && (name.front() == '+' || name.front() == '-')) {
    const std::optional<std::int32_t> offset = ParseFixedOffset(name);
    if (!offset) {
      return InvalidArgument(fmt::format(
          "time zone \"{}\": invalid offset; write it as +hh:mm or -hh:mm with hours up to 23, "
          "such as +02:00",
          name));
    }
    TimeZone zone;
    zone.name_ = std::string(name);
    zone.initial_offset_ = *offset;
    return zone;
  }
  if (!IsValidZoneName(name)) {
    return InvalidArgument(fmt::format("time zone \"{}\": invalid name; {}", name, kNameHint));
  }
  const std::string path = zoneinfo_folder + "/" + std::string(name);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return NotFound(fmt::format("time zone \"{}\": unknown, no such zone in {}; {}", name,
                                zoneinfo_folder, kNameHint));
  }
  auto bytes = ReadFile(path, kMaxTzifBytes);
  if (!bytes) {
    return bytes.status();
  }
  return FromTzif(*bytes, std::string(name));
}

std::int32_t TimeZone::OffsetAt(std::int64_t utc_seconds) const {
  const auto next = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  if (next == transitions_.begin()) {
    return transitions_.empty() && rule_ ? rule_->OffsetAt(utc_seconds) : initial_offset_;
  }
  if (next == transitions_.end() && rule_) {
    return rule_->OffsetAt(utc_seconds);
  }
  return offsets_[static_cast<std::size_t>(next - transitions_.begin()) - 1];
}

LocalInstants TimeZone::ToUtc(std::int64_t local_seconds) const {
  // The offsets before and after any change near this local time.
  const std::int32_t before = OffsetAt(local_seconds - kOffsetWindow);
  const std::int32_t after = OffsetAt(local_seconds + kOffsetWindow);
  const bool before_fits = OffsetAt(local_seconds - before) == before;
  const bool after_fits = OffsetAt(local_seconds - after) == after;
  LocalInstants instants;
  if (before_fits && after_fits) {
    instants.earlier = std::min(local_seconds - before, local_seconds - after);
    instants.later = std::max(local_seconds - before, local_seconds - after);
  } else if (after_fits) {
    instants.earlier = instants.later = local_seconds - after;
  } else {
    // Clocks went forward over this time, or it fits the offset before the change alone.
    instants.skipped = !before_fits;
    instants.earlier = instants.later = local_seconds - before;
  }
  return instants;
}

}  // namespace rampart
