#include "core/duration.h"

#include <gtest/gtest.h>

namespace rampart {
namespace {

using std::chrono::microseconds;

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(*ParseDuration("500ms"), microseconds(500'000));
  EXPECT_EQ(*ParseDuration("30s"), microseconds(30'000'000));
  EXPECT_EQ(*ParseDuration("5m"), microseconds(300'000'000));
  EXPECT_EQ(*ParseDuration("1h30m"), microseconds(5'400'000'000));
  EXPECT_EQ(*ParseDuration("1d"), microseconds(86'400'000'000));
  EXPECT_EQ(*ParseDuration("1.5s"), microseconds(1'500'000));
}

TEST(Duration, BareNumberIsSeconds) { EXPECT_EQ(*ParseDuration("10"), microseconds(10'000'000)); }

TEST(Duration, RejectsUnknownUnit) {
  auto parsed = ParseDuration("5 minutes");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.status().message().find("\"5 minutes\""), std::string::npos);
  EXPECT_FALSE(ParseDuration("").has_value());
  EXPECT_FALSE(ParseDuration("h").has_value());
  EXPECT_FALSE(ParseDuration("10s5").has_value());
}

TEST(Duration, FormatsLargestUnits) {
  EXPECT_EQ(FormatDuration(microseconds(5'400'000'000)), "1h30m");
  EXPECT_EQ(FormatDuration(microseconds(250'000)), "250ms");
  EXPECT_EQ(FormatDuration(microseconds(86'400'000'000)), "1d");
}

}  // namespace
}  // namespace rampart
