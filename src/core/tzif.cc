// TimeZone::FromTzif: the TZif format of RFC 8536, versions 1 to 4.
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "core/time_zone.h"

namespace rampart {
namespace {

constexpr std::size_t kHeaderBytes = 44;
constexpr std::size_t kTimeTypeBytes = 6;
// RFC 8536 section 3.2 limits a time type's offset to this range.
constexpr std::int64_t kMinOffset = -89999;
constexpr std::int64_t kMaxOffset = 93599;

// The counts of a TZif header, in the order the file gives them.
struct TzifCounts {
  std::uint64_t isutcnt = 0;
  std::uint64_t isstdcnt = 0;
  std::uint64_t leapcnt = 0;
  std::uint64_t timecnt = 0;
  std::uint64_t typecnt = 0;
  std::uint64_t charcnt = 0;

  // Returns the length of the data block that follows the header.
  std::uint64_t BlockBytes(std::size_t time_bytes) const {
    return timecnt * time_bytes + timecnt + typecnt * kTimeTypeBytes + charcnt +
           leapcnt * (time_bytes + 4) + isstdcnt + isutcnt;
  }
};

std::uint64_t BigEndian(std::string_view bytes, std::size_t at, std::size_t length) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < length; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  }
  return value;
}

std::int64_t SignedBigEndian(std::string_view bytes, std::size_t at, std::size_t length) {
  const std::uint64_t value = BigEndian(bytes, at, length);
  if (length == 4) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
  }
  return static_cast<std::int64_t>(value);
}

// Reads the header at `at`. Fails unless it starts with "TZif".
bool ReadHeader(std::string_view bytes, std::size_t at, TzifCounts& counts) {
  if (bytes.size() < at + kHeaderBytes || bytes.substr(at, 4) != "TZif") {
    return false;
  }
  std::uint64_t* fields[] = {&counts.isutcnt, &counts.isstdcnt, &counts.leapcnt,
                             &counts.timecnt, &counts.typecnt,  &counts.charcnt};
  for (std::size_t i = 0; i < 6; ++i) {
    *fields[i] = BigEndian(bytes, at + 20 + 4 * i, 4);
  }
  return true;
}

}  // namespace

Result<TimeZone> TimeZone::FromTzif(std::string_view bytes, std::string name) {
  TimeZone zone;
  zone.name_ = std::move(name);
  auto invalid = [&](std::string_view what) {
    return InvalidArgument(
        fmt::format("time zone \"{}\": invalid TZif file: {}", zone.name_, what));
  };
  TzifCounts counts;
  if (!ReadHeader(bytes, 0, counts)) {
    return invalid("it does not start with \"TZif\"");
  }
  // Version 2 and later repeat the data with 64-bit times after the version 1 block, then
  // end with a TZ rule for the times after the last transition.
  const bool version1 = bytes[4] == '\0';
  std::size_t time_bytes = 4;
  std::size_t at = kHeaderBytes;
  if (!version1) {
    const std::uint64_t skipped = counts.BlockBytes(4);
    if (skipped > bytes.size() || !ReadHeader(bytes, kHeaderBytes + skipped, counts)) {
      return invalid("the version 2 header is missing");
    }
    time_bytes = 8;
    at = kHeaderBytes + skipped + kHeaderBytes;
  }
  if (counts.leapcnt != 0) {
    return invalid("zones with leap seconds (the right/ folder) are not supported");
  }
  if (counts.typecnt == 0 || counts.charcnt == 0 ||
      (counts.isstdcnt != 0 && counts.isstdcnt != counts.typecnt) ||
      (counts.isutcnt != 0 && counts.isutcnt != counts.typecnt) ||
      counts.BlockBytes(time_bytes) > bytes.size() - at) {
    return invalid("its counts do not match its length");
  }

  std::vector<std::int32_t> type_offsets;
  const std::size_t types_at = at + counts.timecnt * (time_bytes + 1);
  for (std::size_t type = 0; type < counts.typecnt; ++type) {
    const std::int64_t offset = SignedBigEndian(bytes, types_at + type * kTimeTypeBytes, 4);
    if (offset < kMinOffset || offset > kMaxOffset) {
      return invalid(fmt::format("time type {} has the offset {} s", type, offset));
    }
    type_offsets.push_back(static_cast<std::int32_t>(offset));
  }
  // Times before the first transition have time type 0.
  zone.initial_offset_ = type_offsets[0];
  for (std::size_t i = 0; i < counts.timecnt; ++i) {
    const std::int64_t time = SignedBigEndian(bytes, at + i * time_bytes, time_bytes);
    const auto type = static_cast<unsigned char>(bytes[at + counts.timecnt * time_bytes + i]);
    if (type >= counts.typecnt ||
        (!zone.transitions_.empty() && time <= zone.transitions_.back())) {
      return invalid(fmt::format("transition {} is out of order or names no time type", i));
    }
    zone.transitions_.push_back(time);
    zone.offsets_.push_back(type_offsets[type]);
  }
  if (version1) {
    return zone;
  }

  const std::size_t footer = at + counts.BlockBytes(time_bytes);
  const std::size_t footer_end = bytes.find('\n', footer + 1);
  if (footer >= bytes.size() || bytes[footer] != '\n' || footer_end == std::string_view::npos) {
    return invalid("the TZ rule after the data is missing");
  }
  const std::string_view rule_text = bytes.substr(footer + 1, footer_end - footer - 1);
  if (!rule_text.empty()) {
    auto rule = ParsePosixTz(rule_text);
    if (!rule) {
      return invalid(rule.status().message());
    }
    zone.rule_ = *rule;
  }
  return zone;
}

}  // namespace rampart
