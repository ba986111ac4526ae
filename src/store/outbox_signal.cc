#include "store/outbox_signal.h"

namespace rampart::store {

void OutboxSignal::Notify() {
  {
    std::lock_guard lock(mutex_);
    count_ += 1;
  }
  changed_.notify_all();
}

std::uint64_t OutboxSignal::WaitFor(std::uint64_t seen, std::chrono::microseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return count_ != seen; });
  return count_;
}

std::uint64_t OutboxSignal::count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

}  // namespace rampart::store
