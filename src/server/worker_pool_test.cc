#include "server/worker_pool.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <future>

namespace rampart::server {
namespace {

TEST(WorkerPoolTest, RunsEveryTask) {
  std::atomic<int> sum = 0;
  {
    WorkerPool pool(2, 8);
    for (int i = 1; i <= 100; ++i) {
      pool.Enqueue([&sum, i] { sum += i; });
    }
    pool.Shutdown();
  }
  EXPECT_EQ(sum.load(), 5050);
}

TEST(WorkerPoolTest, ThreadsLowerTheirPriority) {
  // On Linux, PRIO_PROCESS with id 0 reads the nice value of the calling thread.
  const int base = getpriority(PRIO_PROCESS, 0);
  std::promise<int> seen;
  {
    WorkerPool pool(1, 1, std::chrono::seconds(30), 3);
    pool.Enqueue([&seen] { seen.set_value(getpriority(PRIO_PROCESS, 0)); });
    pool.Shutdown();
  }
  EXPECT_EQ(seen.get_future().get(), std::min(base + 3, 19));
  EXPECT_EQ(getpriority(PRIO_PROCESS, 0), base);
}

TEST(WorkerPoolTest, GrowsToCapWhileTasksBlock) {
  WorkerPool pool(1, 4);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> started = 0;
  for (int i = 0; i < 6; ++i) {
    pool.Enqueue([&started, released] {
      ++started;
      released.wait();
    });
  }
  while (started.load() < 4) {
    std::this_thread::yield();
  }
  // Four tasks occupy the four threads, so the other two wait.
  EXPECT_EQ(pool.threads(), 4u);
  EXPECT_EQ(pool.busy(), 4u);
  EXPECT_EQ(started.load(), 4);
  release.set_value();
  pool.Shutdown();
  EXPECT_EQ(started.load(), 6);
  EXPECT_EQ(pool.threads(), 0u);
}

TEST(WorkerPoolTest, IdleExtraThreadsExit) {
  WorkerPool pool(1, 8, std::chrono::milliseconds(20));
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> started = 0;
  for (int i = 0; i < 5; ++i) {
    pool.Enqueue([&started, released] {
      ++started;
      released.wait();
    });
  }
  while (started.load() < 5) {
    std::this_thread::yield();
  }
  EXPECT_EQ(pool.threads(), 5u);
  release.set_value();
  // Generous deadline: the threads exit 20 ms after going idle.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (pool.threads() > 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(pool.threads(), 1u);
}

}  // namespace
}  // namespace rampart::server
