#include "server/rate_limiter.h"

#include <gtest/gtest.h>

namespace rampart::server {
namespace {

TEST(RateLimiter, AllowsBurstThenRefills) {
  FakeClock clock(FromUnixMicros(0));
  RateLimiter limiter(2.0, 3.0, clock);
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_FALSE(limiter.Allow("a"));
  EXPECT_NEAR(limiter.RetryAfterSeconds("a"), 0.5, 1e-9);
  clock.Advance(std::chrono::milliseconds(500));
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_FALSE(limiter.Allow("a"));
}

TEST(RateLimiter, KeysAreIndependent) {
  FakeClock clock(FromUnixMicros(0));
  RateLimiter limiter(1.0, 1.0, clock);
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_FALSE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("b"));
}

TEST(RateLimiter, ZeroRateDisablesLimit) {
  FakeClock clock(FromUnixMicros(0));
  RateLimiter limiter(0.0, 0.0, clock);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(limiter.Allow("a"));
  }
}

}  // namespace
}  // namespace rampart::server
