// A read-only open-addressing hash table from byte strings to lists of targets, built from a
// mutable map. Most event values match no key, so a one-hash filter with at least 16 bits per
// key turns away 94% or more of the misses before the slot array is read. The filter is small
// enough to stay in the CPU caches. A hit reads one slot and the key and target arenas.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::pattern {

// A 64-bit hash of a byte string (multiply-xorshift over 8-byte words); never returns 0,
// which marks an empty slot.
std::uint64_t HashBytes(std::string_view bytes);

class FlatTargetMap {
 public:
  // Rebuilds the table from (key, targets) entries of any map-like container.
  template <typename Map>
  void Build(const Map& source) {
    Reset(source.size());
    for (const auto& [key, targets] : source) {
      Insert(KeyBytes(key), targets);
    }
  }

  // Appends the targets stored under `key`.
  void Find(std::string_view key, std::vector<std::uint32_t>& out) const {
    if (slots_.empty()) {
      return;
    }
    const std::uint64_t hash = HashBytes(key);
    const std::uint64_t filter_bit = hash >> filter_shift_;
    if (!((filter_[filter_bit / 64] >> (filter_bit % 64)) & 1)) {
      return;
    }
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.hash == 0) {
        return;
      }
      if (slot.hash == hash && slot.key_length == key.size() &&
          std::memcmp(keys_.data() + slot.key_offset, key.data(), key.size()) == 0) {
        if (slot.target_count == 1) {
          out.push_back(slot.targets);  // a single target is stored in place
        } else {
          out.insert(out.end(), targets_.begin() + slot.targets,
                     targets_.begin() + slot.targets + slot.target_count);
        }
        return;
      }
    }
  }

  bool empty() const { return slots_.empty(); }
  std::size_t MemoryUsage() const {
    return slots_.capacity() * sizeof(Slot) + keys_.capacity() + targets_.capacity() * 4 +
           filter_.capacity() * 8;
  }

  // The bytes under which a double is stored: its IEEE representation.
  static std::string_view NumberKey(const double& number) {
    return {reinterpret_cast<const char*>(&number), sizeof number};
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t key_offset = 0;
    std::uint32_t key_length = 0;
    std::uint32_t targets = 0;  // the target itself when target_count == 1, else an offset
    std::uint32_t target_count = 0;
  };

  static std::string_view KeyBytes(const std::string& key) { return key; }
  static std::string_view KeyBytes(const double& key) { return NumberKey(key); }

  void Reset(std::size_t entries);
  void Insert(std::string_view key, const std::vector<std::uint32_t>& targets);

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::vector<std::uint64_t> filter_;  // bit (hash >> filter_shift_) is set for every key
  int filter_shift_ = 63;
  std::string keys_;
  std::vector<std::uint32_t> targets_;
};

}  // namespace rampart::pattern
