// Group commit for imports: findings of requests that arrive while another import is being
// stored wait, and the next round stores them together in one transaction. With many
// concurrent clients sending small batches, each commit then covers many requests.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
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

  // A round takes the queued requests of the first request's actor, up to
  // `max_round_findings` findings. The first request always goes in, even a larger one.
  explicit ImportQueue(std::size_t max_round_findings) : max_round_findings_(max_round_findings) {}

  // Queues `request` and returns its response once a round has stored it. The calling thread
  // stores rounds itself, with `store`, while no other thread does.
  Result<Json> Submit(Request request, const StoreRound& store);

  // Rounds stored so far, the requests in them, and the requests waiting for a round.
  std::size_t rounds() const;
  std::size_t requests() const;
  std::size_t queued() const;

 private:
  struct Slot {
    Request request;
    std::optional<Result<Json>> response;
  };
  std::vector<Slot*> TakeRound();

  const std::size_t max_round_findings_;
  mutable std::mutex mutex_;
  std::condition_variable responded_;
  std::deque<Slot*> queue_;
  bool storing_ = false;
  std::size_t rounds_ = 0;
  std::size_t requests_ = 0;
};

}  // namespace rampart::server
