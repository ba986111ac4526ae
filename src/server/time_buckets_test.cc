#include "server/time_buckets.h"

#include <gtest/gtest.h>

namespace rampart::server {
namespace {

TimePoint At(const char* text) {
  auto time = ParseTimestamp(text);
  EXPECT_TRUE(time.has_value()) << text;
  return time ? *time : TimePoint();
}

TEST(TimeBuckets, StartsOfDayWeekAndMonth) {
  const TimePoint time = At("2024-02-29T17:45:12.345678Z");  // a Thursday in a leap year
  EXPECT_EQ(FormatMicros(BucketStart(time, BucketInterval::kDay)), "2024-02-29T00:00:00.000000Z");
  EXPECT_EQ(FormatMicros(BucketStart(time, BucketInterval::kWeek)), "2024-02-26T00:00:00.000000Z");
  EXPECT_EQ(FormatMicros(BucketStart(time, BucketInterval::kMonth)), "2024-02-01T00:00:00.000000Z");
  // A Monday starts its own week; a Sunday belongs to the week before.
  EXPECT_EQ(BucketStart(At("2024-03-04T00:00:00Z"), BucketInterval::kWeek), At("2024-03-04"));
  EXPECT_EQ(BucketStart(At("2024-03-03T23:00:00Z"), BucketInterval::kWeek), At("2024-02-26"));
}

TEST(TimeBuckets, NextStartsCrossMonthAndYearEnds) {
  EXPECT_EQ(NextBucketStart(At("2024-02-01"), BucketInterval::kMonth), At("2024-03-01"));
  EXPECT_EQ(NextBucketStart(At("2024-12-01"), BucketInterval::kMonth), At("2025-01-01"));
  EXPECT_EQ(NextBucketStart(At("2024-02-28"), BucketInterval::kDay), At("2024-02-29"));
  EXPECT_EQ(NextBucketStart(At("2024-12-30"), BucketInterval::kWeek), At("2025-01-06"));
}

TEST(TimeBuckets, StartsCoverFirstToLast) {
  auto starts = BucketStarts(At("2024-01-31T22:00:00Z"), At("2024-03-01T01:00:00Z"),
                             BucketInterval::kMonth, 10);
  ASSERT_TRUE(starts.has_value());
  ASSERT_EQ(starts->size(), 3u);
  EXPECT_EQ((*starts)[0], At("2024-01-01"));
  EXPECT_EQ((*starts)[2], At("2024-03-01"));

  auto too_many = BucketStarts(At("2024-01-01"), At("2024-12-31"), BucketInterval::kDay, 100);
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.status().code(), StatusCode::kInvalidArgument);
}

TEST(TimeBuckets, ChoiceKeepsBucketCountSmall) {
  EXPECT_EQ(ChooseBucketInterval(At("2024-01-01"), At("2024-01-31"), 60), BucketInterval::kDay);
  EXPECT_EQ(ChooseBucketInterval(At("2024-01-01"), At("2024-06-30"), 60), BucketInterval::kWeek);
  EXPECT_EQ(ChooseBucketInterval(At("2019-01-01"), At("2024-06-30"), 60), BucketInterval::kMonth);
}

TEST(TimeBuckets, IntervalNames) {
  EXPECT_EQ(ParseBucketInterval("week"), BucketInterval::kWeek);
  EXPECT_FALSE(ParseBucketInterval("hour").has_value());
  EXPECT_EQ(BucketIntervalName(BucketInterval::kMonth), "month");
}

}  // namespace
}  // namespace rampart::server
