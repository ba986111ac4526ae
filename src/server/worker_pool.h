// A pool of threads that grows on demand: one thread per connection being served, up to a cap.
// Tasks beyond the cap wait in order. Threads idle for a while exit, so a burst of connections
// does not keep its threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace rampart::server {

class WorkerPool {
 public:
  // Keeps `min_threads` threads always, and runs at most `max_threads` tasks at once. Each
  // thread lowers its own priority by `nice` (a Linux nice increment) when it starts.
  WorkerPool(std::size_t min_threads, std::size_t max_threads,
             std::chrono::milliseconds idle_exit = std::chrono::seconds(30), int nice = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Enqueue(std::function<void()> task);
  // Runs the tasks already queued, then joins every thread.
  void Shutdown();

  std::size_t threads() const;
  std::size_t busy() const;

 private:
  void Spawn();
  void JoinFinished();
  void Work();

  const std::size_t min_threads_;
  const std::size_t max_threads_;
  const std::chrono::milliseconds idle_exit_;
  const int nice_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable exited_;
  std::deque<std::function<void()>> tasks_;
  std::map<std::thread::id, std::thread> running_;
  std::vector<std::thread> finished_;  // exited threads not yet joined
  std::size_t threads_ = 0;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace rampart::server
