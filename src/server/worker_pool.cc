#include "server/worker_pool.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/log.h"

namespace rampart::server {
namespace {

// Adds `increment` to the nice value of the calling thread: on Linux the nice value belongs
// to each thread, not to the process. A failure leaves the priority as it was.
void LowerPriority(int increment) {
  errno = 0;
  if (::nice(increment) == -1 && errno != 0) {
    Logger("server")->warn(
        "failed to lower the priority of a request thread by {}: {}; it keeps the priority of "
        "the process",
        increment, std::strerror(errno));
  }
}

}  // namespace

WorkerPool::WorkerPool(std::size_t min_threads, std::size_t max_threads,
                       std::chrono::milliseconds idle_exit, int nice)
    : min_threads_(std::max<std::size_t>(1, std::min(min_threads, max_threads))),
      max_threads_(std::max<std::size_t>(1, max_threads)),
      idle_exit_(idle_exit),
      nice_(nice) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < min_threads_; ++i) {
    Spawn();
  }
}

WorkerPool::~WorkerPool() { Shutdown(); }

// Starts a thread. Called with the lock held, so the thread registers itself only after this.
void WorkerPool::Spawn() {
  JoinFinished();
  ++threads_;
  ++idle_;
  std::thread thread([this] { Work(); });
  const std::thread::id id = thread.get_id();
  running_.emplace(id, std::move(thread));
}

// Joins threads that left Work; they hold no lock and are about to return.
void WorkerPool::JoinFinished() {
  for (std::thread& thread : finished_) {
    thread.join();
  }
  finished_.clear();
}

void WorkerPool::Enqueue(std::function<void()> task) {
  std::lock_guard lock(mutex_);
  tasks_.push_back(std::move(task));
  if (idle_ < tasks_.size() && threads_ < max_threads_ && !stopping_) {
    Spawn();
  }
  wake_.notify_one();
}

void WorkerPool::Work() {
  if (nice_ > 0) {
    LowerPriority(nice_);
  }
  std::unique_lock lock(mutex_);
  for (;;) {
    const bool woke =
        wake_.wait_for(lock, idle_exit_, [this] { return !tasks_.empty() || stopping_; });
    if (tasks_.empty() && (stopping_ || (!woke && threads_ > min_threads_))) {
      break;
    }
    if (tasks_.empty()) {
      continue;
    }
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    --idle_;
    lock.unlock();
    task();
    task = nullptr;
    lock.lock();
    ++idle_;
  }
  --idle_;
  --threads_;
  auto self = running_.find(std::this_thread::get_id());
  finished_.push_back(std::move(self->second));
  running_.erase(self);
  exited_.notify_all();
}

void WorkerPool::Shutdown() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  wake_.notify_all();
  exited_.wait(lock, [this] { return threads_ == 0; });
  JoinFinished();
}

std::size_t WorkerPool::threads() const {
  std::lock_guard lock(mutex_);
  return threads_;
}

std::size_t WorkerPool::busy() const {
  std::lock_guard lock(mutex_);
  return threads_ - idle_;
}

}  // namespace rampart::server
