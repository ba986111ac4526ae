// Per-key token buckets: `rate` requests per second on average, bursts up to `burst`.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"

namespace rampart::server {

// Thread-safe.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst, const Clock& clock)
      : rate_(rate), burst_(burst), clock_(clock) {}

  // Takes one token from `key`'s bucket; returns false when the bucket is empty. A rate of
  // zero disables limiting.
  bool Allow(const std::string& key);

  // Seconds until `key` has a token again (0 when it has one now).
  double RetryAfterSeconds(const std::string& key);

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t updated_us = 0;
  };
  Bucket& Refill(const std::string& key);

  double rate_;
  double burst_;
  const Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace rampart::server
