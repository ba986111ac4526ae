// An index of closed, open and half-open ranges over an ordered key (numbers, IP
// addresses) that returns every range containing a key in O(log n + matches).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
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
// Each range covers a run of slots and is stored in the O(log n) nodes of a segment tree
// over the slots that cover that run; a query walks from the key's slot up to the root.
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

    const std::size_t slots = 2 * points_.size() + 1;
    leaves_ = 1;
    while (leaves_ < slots) {
      leaves_ *= 2;
    }
    std::vector<std::vector<std::uint32_t>> lists(2 * leaves_);
    for (const Entry& entry : entries_) {
      const std::size_t low = PointIndex(entry.range.low);
      const std::size_t high = PointIndex(entry.range.high);
      const std::size_t first = entry.range.low_inclusive ? 2 * low + 1 : 2 * low + 2;
      const std::size_t last = entry.range.high_inclusive ? 2 * high + 1 : 2 * high;
      if (first <= last) {
        Insert(lists, first + leaves_, last + leaves_ + 1, entry.target);
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
    if (offsets_.size() <= 1) {
      return;
    }
    const auto it = std::lower_bound(points_.begin(), points_.end(), key);
    const auto i = static_cast<std::size_t>(it - points_.begin());
    const bool on_point = it != points_.end() && !(key < *it);
    for (std::size_t node = leaves_ + (on_point ? 2 * i + 1 : 2 * i); node >= 1; node /= 2) {
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

  std::size_t PointIndex(const Key& key) const {
    return static_cast<std::size_t>(std::lower_bound(points_.begin(), points_.end(), key) -
                                    points_.begin());
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

  std::vector<Entry> entries_;
  std::vector<Key> points_;
  std::size_t leaves_ = 1;
  std::vector<std::uint32_t> offsets_;  // per tree node, into targets_; size 2*leaves_+1
  std::vector<std::uint32_t> targets_;
};

}  // namespace rampart::pattern
