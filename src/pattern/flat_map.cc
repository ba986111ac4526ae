#include "pattern/flat_map.h"

#include <bit>

namespace rampart::pattern {
namespace {

constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;

std::uint64_t Mix(std::uint64_t value) {
  value ^= value >> 31;
  value *= 0xBF58476D1CE4E5B9ULL;
  value ^= value >> 29;
  return value;
}

}  // namespace

std::uint64_t HashBytes(std::string_view bytes) {
  std::uint64_t hash = bytes.size() * kMultiplier;
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + i, 8);
    hash = (hash ^ Mix(word)) * kMultiplier;
  }
  if (i < bytes.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + i, bytes.size() - i);
    hash = (hash ^ Mix(word ^ 0xFF)) * kMultiplier;
  }
  hash = Mix(hash);
  return hash == 0 ? 1 : hash;
}

void FlatTargetMap::Reset(std::size_t entries) {
  slots_.clear();
  keys_.clear();
  targets_.clear();
  mask_ = 0;
  if (entries == 0) {
    return;
  }
  std::size_t capacity = 8;
  while (capacity < entries * 2) {  // load factor at most one half
    capacity *= 2;
  }
  slots_.assign(capacity, Slot());
  mask_ = capacity - 1;
  // The slot index uses the low bits of the hash and the filter the high ones.
  const int filter_bits_log2 = std::bit_width(capacity * 8) - 1;  // 16 bits per key at most
  filter_.assign((std::size_t{1} << filter_bits_log2) / 64 + 1, 0);
  filter_shift_ = 64 - filter_bits_log2;
}

void FlatTargetMap::Insert(std::string_view key, const std::vector<std::uint32_t>& targets) {
  if (targets.empty()) {
    return;
  }
  const std::uint64_t hash = HashBytes(key);
  std::size_t i = hash & mask_;
  while (slots_[i].hash != 0) {
    i = (i + 1) & mask_;
  }
  const std::uint64_t filter_bit = hash >> filter_shift_;
  filter_[filter_bit / 64] |= 1ULL << (filter_bit % 64);
  Slot& slot = slots_[i];
  slot.hash = hash;
  slot.key_offset = static_cast<std::uint32_t>(keys_.size());
  slot.key_length = static_cast<std::uint32_t>(key.size());
  keys_.append(key);
  slot.target_count = static_cast<std::uint32_t>(targets.size());
  if (targets.size() == 1) {
    slot.targets = targets.front();
  } else {
    slot.targets = static_cast<std::uint32_t>(targets_.size());
    targets_.insert(targets_.end(), targets.begin(), targets.end());
  }
}

}  // namespace rampart::pattern
