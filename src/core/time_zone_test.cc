// Expected instants come from Python 3.11's zoneinfo over the same zones, the system's
// tzdata or the same TZif bytes. It reads a time that clocks skip with the offset before the
// change, and a repeated time as two instants (fold 0 and fold 1).
#include "core/time_zone.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <string>

#include <unistd.h>

#include "core/file.h"

namespace rampart {
namespace {

// Returns a local date and time as seconds since 1970-01-01 00:00 of the same clock.
std::int64_t Local(int year, unsigned month, unsigned day, int hour, int minute, int second) {
  const std::chrono::sys_days date{std::chrono::year{year} / month / day};
  return std::int64_t{date.time_since_epoch().count()} * 86400 + hour * 3600 + minute * 60 + second;
}

std::string BigEndian32(std::uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
          static_cast<char>(value >> 8), static_cast<char>(value)};
}

// Returns a TZif file of `version` ('\0' or '2') with one time type (`offset`, named
// "STD") and no transitions, ending with the TZ rule `footer` from version 2 on.
std::string Tzif(char version, std::int32_t offset, const std::string& footer) {
  std::string header = "TZif";
  header += version;
  header += std::string(15, '\0');
  for (std::uint32_t count : {0u, 0u, 0u, 0u, 1u, 4u}) {
    header += BigEndian32(count);
  }
  const std::string block =
      BigEndian32(static_cast<std::uint32_t>(offset)) + std::string("\0\0STD\0", 6);
  if (version == '\0') {
    return header + block;
  }
  return header + block + header + block + "\n" + footer + "\n";
}

// A local time and the UTC instants it is expected to have.
struct Reading {
  std::int64_t local;
  std::int64_t earlier;
  std::int64_t later;  // equal to earlier unless clocks repeat the local time
  bool skipped = false;
};

void ExpectReadings(const TimeZone& zone, std::initializer_list<Reading> readings) {
  for (const Reading& reading : readings) {
    const LocalInstants instants = zone.ToUtc(reading.local);
    EXPECT_EQ(instants.earlier, reading.earlier) << zone.name() << " " << reading.local;
    EXPECT_EQ(instants.later, reading.later) << zone.name() << " " << reading.local;
    EXPECT_EQ(instants.skipped, reading.skipped) << zone.name() << " " << reading.local;
  }
}

// Returns the zone `name` of the system's zoneinfo folder, or nullopt when it is absent.
std::optional<TimeZone> SystemZone(const std::string& name) {
  if (!std::filesystem::exists(TimeZone::DefaultZoneinfoFolder() + "/" + name)) {
    return std::nullopt;
  }
  auto zone = TimeZone::Load(name);
  EXPECT_TRUE(zone.has_value()) << zone.status().ToString();
  return zone ? std::optional<TimeZone>(*zone) : std::nullopt;
}

TEST(TimeZone, ZurichAcrossDaylightSaving) {
  const std::optional<TimeZone> zurich = SystemZone("Europe/Zurich");
  if (!zurich) {
    GTEST_SKIP() << "the system has no zoneinfo file for Europe/Zurich";
  }
  ExpectReadings(*zurich, {
                              {Local(2024, 1, 15, 12, 0, 0), 1705316400, 1705316400},
                              {Local(2024, 7, 1, 12, 0, 0), 1719828000, 1719828000},
                              {Local(1900, 1, 1, 12, 0, 0), -2208949200, -2208949200},
                              {Local(2024, 3, 31, 2, 30, 0), 1711848600, 1711848600, true},
                              {Local(2024, 10, 27, 2, 30, 0), 1729989000, 1729992600},
                              {Local(2024, 10, 27, 3, 30, 0), 1729996200, 1729996200},
                          });
}

// Past the transitions a TZif file lists, the TZ rule at its end gives the offsets.
TEST(TimeZone, ZurichAfterListedTransitions) {
  const std::optional<TimeZone> zurich = SystemZone("Europe/Zurich");
  if (!zurich) {
    GTEST_SKIP() << "the system has no zoneinfo file for Europe/Zurich";
  }
  ExpectReadings(*zurich, {
                              {Local(2040, 3, 25, 1, 59, 59), 2216249999, 2216249999},
                              {Local(2040, 3, 25, 3, 0, 0), 2216250000, 2216250000},
                              {Local(2040, 10, 28, 2, 30, 0), 2234997000, 2235000600},
                              {Local(2040, 12, 1, 12, 0, 0), 2237972400, 2237972400},
                          });
}

TEST(TimeZone, OtherSystemZones) {
  const std::optional<TimeZone> sydney = SystemZone("Australia/Sydney");
  const std::optional<TimeZone> new_york = SystemZone("America/New_York");
  const std::optional<TimeZone> kolkata = SystemZone("Asia/Kolkata");
  const std::optional<TimeZone> jerusalem = SystemZone("Asia/Jerusalem");
  if (!sydney || !new_york || !kolkata || !jerusalem) {
    GTEST_SKIP() << "the system lacks one of the zoneinfo files";
  }
  // Daylight saving time spans the new year in the southern hemisphere.
  ExpectReadings(*sydney, {
                              {Local(2050, 1, 15, 12, 0, 0), 2525821200, 2525821200},
                              {Local(2050, 7, 15, 12, 0, 0), 2541463200, 2541463200},
                              {Local(2024, 1, 15, 12, 0, 0), 1705280400, 1705280400},
                          });
  ExpectReadings(*new_york, {
                                {Local(2024, 3, 10, 2, 30, 0), 1710055800, 1710055800, true},
                                {Local(2024, 11, 3, 1, 30, 0), 1730611800, 1730615400},
                            });
  ExpectReadings(*kolkata, {{Local(2024, 6, 1, 12, 0, 0), 1717223400, 1717223400}});

  // Israel's rule "IST-2IDT,M3.4.4/26,M10.5.0" starts at hour 26 of a Thursday.
  EXPECT_EQ(jerusalem->OffsetAt(2531779199), 7200);
  EXPECT_EQ(jerusalem->OffsetAt(2531779200), 10800);
  EXPECT_EQ(jerusalem->OffsetAt(2550697199), 10800);
  EXPECT_EQ(jerusalem->OffsetAt(2550697200), 7200);
  ExpectReadings(*jerusalem, {{Local(2050, 10, 30, 1, 30, 0), 2550695400, 2550699000}});
}

TEST(TimeZone, RuleOnlyFile) {
  auto zone = TimeZone::FromTzif(Tzif('2', 3600, "CET-1CEST,M3.5.0,M10.5.0/3"), "test");
  ASSERT_TRUE(zone.has_value()) << zone.status().ToString();
  ExpectReadings(*zone, {
                            {Local(2024, 1, 15, 12, 0, 0), 1705316400, 1705316400},
                            {Local(2024, 7, 1, 12, 0, 0), 1719828000, 1719828000},
                            {Local(2024, 3, 31, 2, 30, 0), 1711848600, 1711848600, true},
                            {Local(2024, 10, 27, 2, 30, 0), 1729989000, 1729992600},
                        });
}

// RFC 8536 section 3.3.1: a rule from January 1 00:00 to December 31 24:00 plus the
// daylight saving shift keeps daylight saving time all year.
TEST(TimeZone, RuleOfDaylightSavingAllYear) {
  auto zone = TimeZone::FromTzif(Tzif('2', -18000, "EST5EDT,0/0,J365/25"), "test");
  ASSERT_TRUE(zone.has_value()) << zone.status().ToString();
  ExpectReadings(*zone, {
                            {Local(2024, 1, 1, 0, 30, 0), 1704083400, 1704083400},
                            {Local(2024, 7, 1, 12, 0, 0), 1719849600, 1719849600},
                            {Local(2024, 12, 31, 23, 30, 0), 1735702200, 1735702200},
                            {Local(2023, 12, 31, 23, 30, 0), 1704079800, 1704079800},
                        });
}

TEST(TimeZone, VersionOneFile) {
  auto zone = TimeZone::FromTzif(Tzif('\0', 19800, ""), "test");
  ASSERT_TRUE(zone.has_value()) << zone.status().ToString();
  ExpectReadings(*zone, {{Local(2024, 6, 1, 12, 0, 0), 1717223400, 1717223400}});
}

TEST(TimeZone, RejectsDamagedFiles) {
  for (const std::string& bytes :
       {std::string("hello"), Tzif('2', 3600, "CET-1CEST").substr(0, 50),
        Tzif('2', 3600, "CET-1CEST"), Tzif('2', 3600, "1CET"), Tzif('2', 200000, "")}) {
    auto zone = TimeZone::FromTzif(bytes, "Bad/Zone");
    ASSERT_FALSE(zone.has_value()) << bytes;
    EXPECT_NE(zone.status().message().find("time zone \"Bad/Zone\": invalid TZif file"),
              std::string::npos)
        << zone.status().message();
  }
}

TEST(TimeZone, FixedOffsets) {
  const std::pair<const char*, std::int32_t> kCases[] = {
      {"+02:00", 7200}, {"-05:30", -19800}, {"+0530", 19800}, {"+02", 7200},
      {"-00:00", 0},    {"+23:59", 86340},  {"UTC", 0},
  };
  for (const auto& [name, offset] : kCases) {
    auto zone = TimeZone::Load(name);
    ASSERT_TRUE(zone.has_value()) << name << ": " << zone.status().ToString();
    EXPECT_EQ(zone->OffsetAt(0), offset) << name;
    EXPECT_EQ(zone->ToUtc(Local(2024, 7, 1, 12, 0, 0)).earlier,
              Local(2024, 7, 1, 12, 0, 0) - offset)
        << name;
    EXPECT_EQ(zone->name(), name);
  }
  for (const char* name : {"+24:00", "+2:00", "+02:60", "+02:0", "+020", "-", "+02:00:00"}) {
    auto zone = TimeZone::Load(name);
    ASSERT_FALSE(zone.has_value()) << name;
    EXPECT_NE(zone.status().message().find(std::string("\"") + name + "\": invalid offset"),
              std::string::npos)
        << zone.status().message();
  }
}

// A zone name becomes a path under the zoneinfo folder, so it must not leave it.
TEST(TimeZone, RejectsNamesOutsideFolder) {
  for (const char* name : {"../../etc/passwd", "Europe/../../etc/hostname", "/etc/localtime",
                           "Europe//Zurich", "Europe/Zurich/", "Europe/Zürich", ""}) {
    auto zone = TimeZone::Load(name);
    ASSERT_FALSE(zone.has_value()) << name;
    EXPECT_EQ(zone.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_NE(zone.status().message().find("invalid name"), std::string::npos)
        << zone.status().message();
  }
}

TEST(TimeZone, UnknownNameNamesValueAndFolder) {
  const auto folder =
      std::filesystem::temp_directory_path() / ("rampart_zoneinfo_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder / "Test");
  ASSERT_TRUE(WriteFileAtomic((folder / "Test/Zone").string(), Tzif('2', 3600, "")).ok());

  auto known = TimeZone::Load("Test/Zone", folder.string());
  ASSERT_TRUE(known.has_value()) << known.status().ToString();
  EXPECT_EQ(known->OffsetAt(0), 3600);
  EXPECT_EQ(known->name(), "Test/Zone");
  for (const char* name : {"Test/Zoen", "Test"}) {
    auto unknown = TimeZone::Load(name, folder.string());
    ASSERT_FALSE(unknown.has_value()) << name;
    EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
    EXPECT_NE(unknown.status().message().find(std::string("time zone \"") + name + "\": unknown"),
              std::string::npos)
        << unknown.status().message();
    EXPECT_NE(unknown.status().message().find("Europe/Zurich"), std::string::npos);
  }
  std::filesystem::remove_all(folder);
}

TEST(PosixTz, ParsesRuleForms) {
  auto tehran = ParsePosixTz("<+0330>-3:30");
  ASSERT_TRUE(tehran.has_value()) << tehran.status().ToString();
  EXPECT_EQ(tehran->standard_offset, 12600);
  EXPECT_FALSE(tehran->has_daylight_saving);

  auto sydney = ParsePosixTz("AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(sydney.has_value()) << sydney.status().ToString();
  EXPECT_EQ(sydney->standard_offset, 36000);
  EXPECT_EQ(sydney->daylight_offset, 39600);
  EXPECT_EQ(sydney->end.seconds, 3 * 3600);

  auto explicit_offset = ParsePosixTz("XXX3YYY1:30,J60/-1,300/+25:30:15");
  ASSERT_TRUE(explicit_offset.has_value()) << explicit_offset.status().ToString();
  EXPECT_EQ(explicit_offset->standard_offset, -10800);
  EXPECT_EQ(explicit_offset->daylight_offset, -5400);
  EXPECT_EQ(explicit_offset->start.kind, PosixTzDate::Kind::kJulianNoLeap);
  EXPECT_EQ(explicit_offset->start.seconds, -3600);
  EXPECT_EQ(explicit_offset->end.kind, PosixTzDate::Kind::kZeroBasedDay);
  EXPECT_EQ(explicit_offset->end.seconds, 25 * 3600 + 30 * 60 + 15);

  for (const char* invalid :
       {"", "CE-1", "CET", "CET-1CEST", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0",
        "CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,J0,J365",
        "CET-1CEST,M3.5.0/168,M10.5.0", "CET-1CEST,M3.5.0,M10.5.0x"}) {
    auto rule = ParsePosixTz(invalid);
    EXPECT_FALSE(rule.has_value()) << invalid;
  }
}

}  // namespace
}  // namespace rampart
