// An index of closed, open and half-open ranges over an ordered key (numbers, IP
// addresses) that returns every range containing a key in O(log n + matches).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace rampart::pattern {

template <typename Key>
struct KeyRange {
  Key low{};
  bool low_inclusive = true;
  Key high{};
  bool high_inclusive = true;

  bool operator==(const KeyRange&) const = default;
};

// The sorted distinct end points cut the key space into elementary slots: slot 2i is the
// open gap just below point i, slot 2i+1 is point i itself, slot 2n lies above every point.
// Each range covers a run of slots. When the ranges overlap little, every slot stores the
// ranges covering it, so a query is one binary search and one read. Otherwise each range is
// stored in the O(log n) nodes of a segment tree over the slots that cover its run, and a
// query walks from the key's slot up to the root, which bounds memory at O(n log n).
template <typename Key>
class RangeIndex {
 public:
  void Add(const KeyRange<Key>& range, std::uint32_t target) {
    entries_.push_back({range, target});
  }

  bool Remove(const KeyRange<Key>& range, std::uint32_t target) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->target == target && it->range == range) {
        entries_.erase(it);
        return true;
      }
    }
    return false;
  }

  bool empty() const { return entries_.empty(); }

  void Build() {
    points_.clear();
    for (const Entry& entry : entries_) {
      points_.push_back(entry.range.low);
      points_.push_back(entry.range.high);
    }
    std::sort(points_.begin(), points_.end());
    points_.erase(std::unique(points_.begin(), points_.end()), points_.end());
    directory_.clear();
    for (std::size_t i = 0; i < points_.size(); i += kBlock) {
      directory_.push_back(points_[i]);
    }

    const std::size_t slots = 2 * points_.size() + 1;
    std::size_t covered = 0;
    for (const Entry& entry : entries_) {
      const auto [first, last] = SlotRun(entry.range);
      covered += first <= last ? last - first + 1 : 0;
    }
    flat_ = covered <= 4 * entries_.size() + slots;
    std::vector<std::vector<std::uint32_t>> lists;
    if (flat_) {
      lists.resize(slots);
      for (const Entry& entry : entries_) {
        const auto [first, last] = SlotRun(entry.range);
        for (std::size_t slot = first; slot <= last && first <= last; ++slot) {
          lists[slot].push_back(entry.target);
        }
      }
    } else {
      leaves_ = 1;
      while (leaves_ < slots) {
        leaves_ *= 2;
      }
      lists.resize(2 * leaves_);
      for (const Entry& entry : entries_) {
        const auto [first, last] = SlotRun(entry.range);
        if (first <= last) {
          Insert(lists, first + leaves_, last + leaves_ + 1, entry.target);
        }
      }
    }
    offsets_.assign(1, 0);
    targets_.clear();
    for (const auto& list : lists) {
      targets_.insert(targets_.end(), list.begin(), list.end());
      offsets_.push_back(static_cast<std::uint32_t>(targets_.size()));
    }
  }

  // Appends the target of every range containing `key`. Needs Build().
  void Query(const Key& key, std::vector<std::uint32_t>& out) const {
    if (entries_.empty() || offsets_.size() <= 1) {
      return;
    }
    const std::size_t i = PointIndex(key);
    const auto it = points_.begin() + static_cast<std::ptrdiff_t>(i);
    const bool on_point = it != points_.end() && !(key < *it);
    const std::size_t slot = on_point ? 2 * i + 1 : 2 * i;
    if (flat_) {
      out.insert(out.end(), targets_.begin() + offsets_[slot],
                 targets_.begin() + offsets_[slot + 1]);
      return;
    }
    for (std::size_t node = leaves_ + slot; node >= 1; node /= 2) {
      out.insert(out.end(), targets_.begin() + offsets_[node],
                 targets_.begin() + offsets_[node + 1]);
    }
  }

  std::size_t MemoryUsage() const {
    return sizeof(*this) + entries_.capacity() * sizeof(Entry) + points_.capacity() * sizeof(Key) +
           (offsets_.capacity() + targets_.capacity()) * 4;
  }

 private:
  struct Entry {
    KeyRange<Key> range;
    std::uint32_t target;
  };

  // Returns the first and last slot a range covers; first > last when it covers none.
  std::pair<std::size_t, std::size_t> SlotRun(const KeyRange<Key>& range) const {
    const std::size_t low = PointIndex(range.low);
    const std::size_t high = PointIndex(range.high);
    return {range.low_inclusive ? 2 * low + 1 : 2 * low + 2,
            range.high_inclusive ? 2 * high + 1 : 2 * high};
  }

  // Returns the index of the first point not below `key`. A directory of every 16th point
  // (small enough to stay in cache) narrows the search to one block of points.
  std::size_t PointIndex(const Key& key) const {
    const auto block = static_cast<std::size_t>(
        std::upper_bound(directory_.begin(), directory_.end(), key) - directory_.begin());
    const std::size_t begin = block == 0 ? 0 : (block - 1) * kBlock;
    const std::size_t end = std::min(points_.size(), block * kBlock);
    return static_cast<std::size_t>(
        std::lower_bound(points_.begin() + begin, points_.begin() + end, key) - points_.begin());
  }

  // Adds `target` to the canonical nodes of the half-open leaf run [begin, end).
  static void Insert(std::vector<std::vector<std::uint32_t>>& lists, std::size_t begin,
                     std::size_t end, std::uint32_t target) {
    while (begin < end) {
      if (begin & 1) {
        lists[begin++].push_back(target);
      }
      if (end & 1) {
        lists[--end].push_back(target);
      }
      begin /= 2;
      end /= 2;
    }
  }

  static constexpr std::size_t kBlock = 16;

  std::vector<Entry> entries_;
  std::vector<Key> points_;
  std::vector<Key> directory_;  // points_[0], points_[16], ...
  bool flat_ = true;
  std::size_t leaves_ = 1;
  std::vector<std::uint32_t> offsets_;  // per slot (flat) or tree node, into targets_

  std::vector<std::uint32_t> targets_;
};

}  // namespace rampart::pattern
