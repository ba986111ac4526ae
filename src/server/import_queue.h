// Group commit for imports: findings of requests that arrive while another import is being
// stored wait, and the next round stores them together in one transaction. With many
// concurrent clients sending small batches, each commit then covers many requests. Rounds run
// on the queue's own thread, which keeps the priority of the thread that created the queue
// while the request threads may run at a lower one.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "store/finding_store.h"

namespace rampart::server {

class ImportQueue {
 public:
  // One request's findings, prepared on its own thread, and the token that sent them.
  struct Request {
    std::vector<store::PreparedFinding> findings;
    std::string actor;
  };
  // Stores a round: requests of one actor, in the order they arrived. Returns one response per
  // request, in the same order. Each request stays with the thread that submitted it, which
  // frees its findings after the round, so the next round need not wait for that.
  using StoreRound = std::function<std::vector<Result<Json>>(std::vector<Request*>& round)>;

  // Starts the thread that stores rounds. A round takes the queued requests of the first
  // request's actor, up to `max_round_findings` findings. The first request always goes in,
  // even a larger one.
  explicit ImportQueue(std::size_t max_round_findings);
  // Stores the requests still queued, then stops the thread.
  ~ImportQueue();
  ImportQueue(const ImportQueue&) = delete;
  ImportQueue& operator=(const ImportQueue&) = delete;

  // Queues `request` and returns its response once a round has stored it. A round is stored
  // with the `store` of its first request.
  Result<Json> Submit(Request request, const StoreRound& store);

  // Rounds stored so far, the requests in them, and the requests waiting for a round.
  std::size_t rounds() const;
  std::size_t requests() const;
  std::size_t queued() const;

 private:
  struct Slot {
    Request request;
    const StoreRound* store = nullptr;
    std::optional<Result<Json>> response;
  };
  // Stores rounds until the queue stops and is empty.
  void StoreRounds();
  std::vector<Slot*> TakeRound();

  const std::size_t max_round_findings_;
  mutable std::mutex mutex_;
  std::condition_variable queued_;
  std::condition_variable responded_;
  std::deque<Slot*> queue_;
  bool stopping_ = false;
  std::size_t rounds_ = 0;
  std::size_t requests_ = 0;
  std::thread writer_;  // last, so that it starts after the members it uses
};

}  // namespace rampart::server
