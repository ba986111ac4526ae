// Wakes the outbox consumers of one process when a store in the same process commits new
// events, so that they need not poll the database to start work within milliseconds.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace rampart::store {

// A counter of commits that wrote outbox events, with a wait for the next one. Thread-safe.
// Only stores of this process opened with the signal notify it, so consumers still poll for
// events that other processes write.
class OutboxSignal {
 public:
  // Counts one commit and wakes every waiting consumer.
  void Notify();

  // Waits until the count differs from `seen` or `timeout` passes; returns the count.
  std::uint64_t WaitFor(std::uint64_t seen, std::chrono::microseconds timeout);

  std::uint64_t count() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t count_ = 0;
};

}  // namespace rampart::store
