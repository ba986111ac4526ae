#include "server/import_queue.h"

#include <exception>

namespace rampart::server {
namespace {

// Runs `store`, turning an exception into an error response: a round that never ends would
// leave every later import waiting.
std::vector<Result<Json>> StoreSafely(const ImportQueue::StoreRound& store,
                                      std::vector<ImportQueue::Request*>& requests) {
  try {
    return store(requests);
  } catch (const std::exception& error) {
    return std::vector<Result<Json>>(requests.size(),
                                     Internal(std::string("import failed: ") + error.what()));
  }
}

}  // namespace

ImportQueue::ImportQueue(std::size_t max_round_findings)
    : max_round_findings_(max_round_findings), writer_([this] { StoreRounds(); }) {}

ImportQueue::~ImportQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  writer_.join();
}

Result<Json> ImportQueue::Submit(Request request, const StoreRound& store) {
  Slot slot{std::move(request), &store, std::nullopt};
  std::unique_lock lock(mutex_);
  if (stopping_) {
    return Unavailable("the server is stopping; import the findings again later");
  }
  queue_.push_back(&slot);
  queued_.notify_one();
  responded_.wait(lock, [&slot] { return slot.response.has_value(); });
  return std::move(*slot.response);
}

void ImportQueue::StoreRounds() {
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) {
      return;
    }
    std::vector<Slot*> round = TakeRound();
    lock.unlock();

    std::vector<Request*> requests;
    requests.reserve(round.size());
    for (Slot* taken : round) {
      requests.push_back(&taken->request);
    }
    std::vector<Result<Json>> responses = StoreSafely(*round.front()->store, requests);

    lock.lock();
    for (std::size_t i = 0; i < round.size(); ++i) {
      round[i]->response = i < responses.size()
                               ? std::move(responses[i])
                               : Result<Json>(Internal("the import round lost a response"));
    }
    ++rounds_;
    requests_ += round.size();
    responded_.notify_all();
  }
}

std::vector<ImportQueue::Slot*> ImportQueue::TakeRound() {
  std::vector<Slot*> round;
  const std::string actor = queue_.front()->request.actor;
  std::size_t findings = 0;
  for (auto it = queue_.begin(); it != queue_.end();) {
    Slot* slot = *it;
    const std::size_t size = slot->request.findings.size();
    if (slot->request.actor != actor) {
      ++it;
      continue;
    }
    if (!round.empty() && findings + size > max_round_findings_) {
      break;
    }
    findings += size;
    round.push_back(slot);
    it = queue_.erase(it);
  }
  return round;
}

std::size_t ImportQueue::rounds() const {
  std::lock_guard lock(mutex_);
  return rounds_;
}

std::size_t ImportQueue::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t ImportQueue::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace rampart::server
