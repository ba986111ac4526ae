#include "core/clock.h"

#include <gtest/gtest.h>

namespace rampart {
namespace {

TEST(Timestamp, RoundTripsMilliseconds) {
  auto parsed = ParseTimestamp("2026-12-04T16:05:00.123Z");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(FormatTimestamp(*parsed), "2026-12-04T16:05:00.123Z");
}

TEST(Timestamp, AppliesOffset) {
  auto with_offset = ParseTimestamp("2026-12-04T18:05:00+02:00");
  auto utc = ParseTimestamp("2026-12-04T16:05:00Z");
  ASSERT_TRUE(with_offset.has_value());
  ASSERT_TRUE(utc.has_value());
  EXPECT_EQ(*with_offset, *utc);
}

TEST(Timestamp, KeepsMicroseconds) {
  auto a = ParseTimestamp("2020-01-01T00:00:00.000001Z");
  auto b = ParseTimestamp("2020-01-01T00:00:00Z");
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(ToUnixMicros(*a) - ToUnixMicros(*b), 1);
}

TEST(Timestamp, RejectsGarbage) {
  EXPECT_FALSE(ParseTimestamp("yesterday").has_value());
  EXPECT_FALSE(ParseTimestamp("2026-13-01T00:00:00Z").has_value());
  EXPECT_FALSE(ParseTimestamp("2026-02-30T00:00:00Z").has_value());
  EXPECT_FALSE(ParseTimestamp("2026-01-01T00:00:00Zjunk").has_value());
}

TEST(Timestamp, AcceptsDateOnly) {
  auto parsed = ParseTimestamp("2024-02-29");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(FormatTimestamp(*parsed), "2024-02-29T00:00:00.000Z");
}

// The forms the ASFF reference lists: whole seconds or up to nine fraction digits, with Z or
// an offset, and date and time separated by an upper-case T.
TEST(AsffTimestamp, AcceptsReferenceForms) {
  EXPECT_TRUE(IsAsffTimestamp("2024-01-01T10:00:00Z"));
  EXPECT_TRUE(IsAsffTimestamp("2024-01-01T10:00:00.123456789Z"));
  EXPECT_TRUE(IsAsffTimestamp("2024-01-01T10:00:00+05:30"));
  EXPECT_TRUE(IsAsffTimestamp("2024-01-01T10:00:00.5-08:00"));
}

TEST(AsffTimestamp, RejectsLenientForms) {
  EXPECT_FALSE(IsAsffTimestamp("2024-01-01"));
  EXPECT_FALSE(IsAsffTimestamp("2024-01-01 10:00:00Z"));
  EXPECT_FALSE(IsAsffTimestamp("2024-01-01t10:00:00Z"));
  EXPECT_FALSE(IsAsffTimestamp("2024-01-01T10:00:00"));
  EXPECT_FALSE(IsAsffTimestamp("2024-01-01T10:00Z"));
  EXPECT_FALSE(IsAsffTimestamp("2024-01-01T10:00:00.Z"));
  EXPECT_FALSE(IsAsffTimestamp("2024-01-01T10:00:00.1234567890Z"));
  EXPECT_FALSE(IsAsffTimestamp("2024-01-01T10:00:00+0530"));
  EXPECT_FALSE(IsAsffTimestamp("2024-01-01T10:00:00+24:00"));
  EXPECT_FALSE(IsAsffTimestamp("2024-02-30T10:00:00Z"));
  EXPECT_FALSE(IsAsffTimestamp("2024-01-01T25:00:00Z"));
}

}  // namespace
}  // namespace rampart
