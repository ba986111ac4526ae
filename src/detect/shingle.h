// Shingling: the last `size` records of a time series joined into one point, so a model
// learns shapes over time rather than single values.
#pragma once

#include <cstddef>
#include <vector>

namespace rampart::detect {

// Keeps the last `size` records of `record_dimensions` values each. Not thread-safe.
class Shingle {
 public:
  Shingle(std::size_t record_dimensions, std::size_t size)
      : record_dimensions_(record_dimensions),
        size_(size),
        ring_(record_dimensions * size, 0.0),
        point_(record_dimensions * size, 0.0) {}

  // Adds a record of record_dimensions() values. Returns true once `size` records have
  // been seen, when point() contains a full shingle.
  bool Push(const double* record) {
    for (std::size_t d = 0; d < record_dimensions_; ++d) {
      ring_[next_ * record_dimensions_ + d] = record[d];
    }
    next_ = (next_ + 1) % size_;
    if (seen_ < size_) {
      ++seen_;
    }
    return full();
  }

  bool full() const { return seen_ == size_; }

  // Returns the shingle with the oldest record first.
  const std::vector<double>& point() {
    const std::size_t width = ring_.size();
    const std::size_t start = next_ * record_dimensions_;
    for (std::size_t i = 0; i < width; ++i) {
      const std::size_t from = start + i;
      point_[i] = ring_[from < width ? from : from - width];
    }
    return point_;
  }

  std::size_t record_dimensions() const { return record_dimensions_; }
  std::size_t size() const { return size_; }
  std::size_t seen() const { return seen_; }
  std::size_t next() const { return next_; }
  const std::vector<double>& ring() const { return ring_; }

  // Restores the state that seen(), next() and ring() returned.
  bool Restore(std::size_t seen, std::size_t next, const std::vector<double>& ring) {
    if (seen > size_ || next >= size_ || ring.size() != ring_.size()) {
      return false;
    }
    seen_ = seen;
    next_ = next;
    ring_ = ring;
    return true;
  }

 private:
  std::size_t record_dimensions_;
  std::size_t size_;
  std::size_t next_ = 0;  // the ring slot the next record goes to
  std::size_t seen_ = 0;
  std::vector<double> ring_;
  std::vector<double> point_;
};

}  // namespace rampart::detect
