#include "server/import_queue.h"

#include <gtest/gtest.h>

#include <future>
#include <stdexcept>
#include <thread>

namespace rampart::server {
namespace {

using Request = ImportQueue::Request;

Request MakeRequest(const std::string& actor, int first, int count) {
  Request request;
  request.actor = actor;
  for (int i = 0; i < count; ++i) {
    store::PreparedFinding finding;
    finding.finding = Json{{"n", first + i}};
    request.findings.push_back(std::move(finding));
  }
  return request;
}

// Responds to each request with the numbers it carried and the size of its round, and records
// each round's actor and request count.
struct Recorder {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::size_t>> rounds;

  std::vector<Result<Json>> Store(std::vector<Request*>& round) {
    std::lock_guard lock(mutex);
    rounds.emplace_back(round.front()->actor, round.size());
    std::vector<Result<Json>> responses;
    for (const Request* request : round) {
      Json numbers = Json::array();
      for (const store::PreparedFinding& finding : request->findings) {
        EXPECT_EQ(request->actor, round.front()->actor);
        numbers.push_back(finding.finding["n"]);
      }
      responses.emplace_back(Json{{"numbers", numbers}, {"round", round.size()}});
    }
    return responses;
  }
};

// Holds the first round in the store until released, so that later requests queue.
class BlockedQueue {
 public:
  explicit BlockedQueue(std::size_t max_findings) : queue_(max_findings) {
    store_ = [this](std::vector<Request*>& round) {
      if (!first_done_) {
        first_done_ = true;
        entered_.set_value();
        released_.wait();
      }
      return recorder_.Store(round);
    };
  }

  std::future<Result<Json>> Submit(Request request) {
    return std::async(std::launch::async, [this, request = std::move(request)]() mutable {
      return queue_.Submit(std::move(request), store_);
    });
  }
  void WaitUntilStoring() { entered_future_.wait(); }
  void WaitUntilQueued(std::size_t count) {
    while (queue_.queued() < count) {
      std::this_thread::yield();
    }
  }
  void Release() { release_.set_value(); }

  ImportQueue& queue() { return queue_; }
  Recorder& recorder() { return recorder_; }

 private:
  ImportQueue queue_;
  Recorder recorder_;
  ImportQueue::StoreRound store_;
  bool first_done_ = false;
  std::promise<void> entered_;
  std::future<void> entered_future_ = entered_.get_future();
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

// Submits `requests` one after another while the first round is held, so they queue in
// order, then releases the round and returns the number of failed requests.
int QueueInOrderAndRelease(BlockedQueue& blocked, std::vector<Request> requests) {
  auto first = blocked.Submit(MakeRequest(requests.front().actor, 0, 1));
  blocked.WaitUntilStoring();
  std::vector<std::future<Result<Json>>> later;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    later.push_back(blocked.Submit(std::move(requests[i])));
    blocked.WaitUntilQueued(i + 1);
  }
  blocked.Release();
  int failed = first.get().has_value() ? 0 : 1;
  for (auto& response : later) {
    failed += response.get().has_value() ? 0 : 1;
  }
  return failed;
}

TEST(ImportQueueTest, LoneRequestGetsOwnRound) {
  ImportQueue queue(100);
  Recorder recorder;
  auto response = queue.Submit(MakeRequest("ci", 1, 3), [&recorder](std::vector<Request*>& round) {
    return recorder.Store(round);
  });
  ASSERT_TRUE(response.has_value()) << response.status().ToString();
  EXPECT_EQ((*response)["numbers"], Json::parse("[1, 2, 3]"));
  EXPECT_EQ(queue.rounds(), 1u);
  EXPECT_EQ(queue.requests(), 1u);
}

TEST(ImportQueueTest, LateRequestsShareNextRound) {
  BlockedQueue blocked(1000);
  auto first = blocked.Submit(MakeRequest("ci", 0, 1));
  blocked.WaitUntilStoring();
  std::vector<std::future<Result<Json>>> later;
  for (int i = 1; i <= 5; ++i) {
    later.push_back(blocked.Submit(MakeRequest("ci", i * 10, 2)));
  }
  blocked.WaitUntilQueued(5);
  blocked.Release();

  ASSERT_TRUE(first.get().has_value());
  for (int i = 1; i <= 5; ++i) {
    auto response = later[static_cast<std::size_t>(i - 1)].get();
    ASSERT_TRUE(response.has_value()) << response.status().ToString();
    EXPECT_EQ((*response)["numbers"], Json::array({i * 10, i * 10 + 1}));
    EXPECT_EQ((*response)["round"], 5);
  }
  EXPECT_EQ(blocked.queue().rounds(), 2u);
  EXPECT_EQ(blocked.queue().requests(), 6u);
}

TEST(ImportQueueTest, ActorsNeverShareARound) {
  BlockedQueue blocked(1000);
  std::vector<Request> requests;
  for (const char* actor : {"a", "b", "a", "b"}) {
    requests.push_back(MakeRequest(actor, 1, 1));
  }
  ASSERT_EQ(QueueInOrderAndRelease(blocked, std::move(requests)), 0);

  const auto& rounds = blocked.recorder().rounds;
  ASSERT_EQ(rounds.size(), 3u);
  EXPECT_EQ(rounds[1], std::make_pair(std::string("a"), std::size_t{2}));
  EXPECT_EQ(rounds[2], std::make_pair(std::string("b"), std::size_t{2}));
}

TEST(ImportQueueTest, RoundStopsBeforeTheFindingLimit) {
  BlockedQueue blocked(5);
  std::vector<Request> requests;
  for (int size : {2, 3, 1, 9}) {
    requests.push_back(MakeRequest("ci", 1, size));
  }
  ASSERT_EQ(QueueInOrderAndRelease(blocked, std::move(requests)), 0);

  // 2 + 3 fill the first round. The 9 goes alone because 1 + 9 would pass the limit, and a
  // request larger than the limit still gets a round.
  const auto& rounds = blocked.recorder().rounds;
  ASSERT_EQ(rounds.size(), 4u);
  EXPECT_EQ(rounds[1].second, 2u);
  EXPECT_EQ(rounds[2].second, 1u);
  EXPECT_EQ(rounds[3].second, 1u);
}

TEST(ImportQueueTest, RoundsRunOnQueueThread) {
  ImportQueue queue(100);
  std::thread::id storing;
  auto response = queue.Submit(MakeRequest("ci", 1, 1), [&storing](std::vector<Request*>& round) {
    storing = std::this_thread::get_id();
    return std::vector<Result<Json>>(round.size(), Json::object());
  });
  ASSERT_TRUE(response.has_value()) << response.status().ToString();
  EXPECT_NE(storing, std::thread::id());
  EXPECT_NE(storing, std::this_thread::get_id());
}

TEST(ImportQueueTest, StoreExceptionBecomesErrorResponse) {
  ImportQueue queue(100);
  auto failed = queue.Submit(MakeRequest("ci", 0, 1),
                             [](std::vector<Request*>&) -> std::vector<Result<Json>> {
                               throw std::runtime_error("disk gone");
                             });
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.status().message().find("disk gone"), std::string::npos);

  Recorder recorder;
  auto response = queue.Submit(MakeRequest("ci", 7, 1), [&recorder](std::vector<Request*>& round) {
    return recorder.Store(round);
  });
  ASSERT_TRUE(response.has_value()) << response.status().ToString();
  EXPECT_EQ((*response)["numbers"], Json::array({7}));
}

}  // namespace
}  // namespace rampart::server
