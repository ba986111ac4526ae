#include "server/rate_limiter.h"

#include <algorithm>

namespace rampart::server {

RateLimiter::Bucket& RateLimiter::Refill(const std::string& key) {
  const std::int64_t now = ToUnixMicros(clock_.Now());
  auto [it, inserted] = buckets_.try_emplace(key);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = burst_;
  } else {
    const double elapsed = static_cast<double>(now - bucket.updated_us) / 1e6;
    bucket.tokens = std::min(burst_, bucket.tokens + std::max(0.0, elapsed) * rate_);
  }
  bucket.updated_us = now;
  return bucket;
}

bool RateLimiter::Allow(const std::string& key) {
  if (rate_ <= 0) {
    return true;
  }
  std::lock_guard lock(mutex_);
  Bucket& bucket = Refill(key);
  if (bucket.tokens < 1.0) {
    return false;
  }
  bucket.tokens -= 1.0;
  return true;
}

double RateLimiter::RetryAfterSeconds(const std::string& key) {
  if (rate_ <= 0) {
    return 0;
  }
  std::lock_guard lock(mutex_);
  const Bucket& bucket = Refill(key);
  return bucket.tokens >= 1.0 ? 0 : (1.0 - bucket.tokens) / rate_;
}

}  // namespace rampart::server
