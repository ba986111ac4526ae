// Helpers for bus tests: a temporary SQLite finding store and findings that produce events.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "bus/connection.h"
#include "bus/stream.h"
#include "bus/testing/nats_server.h"
#include "core/json.h"
#include "store/sqlite_finding_store.h"

namespace rampart::bus::testing {

// A fresh folder under the system temp folder, removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Opens a SQLite finding store at `path`, or fails the test and returns null.
std::unique_ptr<store::SqliteFindingStore> OpenStore(const std::string& path);

// Returns a valid ASFF finding with the given Id and severity label.
Json TestFinding(const std::string& id, const std::string& severity = "HIGH");

// A test with a running nats-server, a connection to it and an empty SQLite finding store.
// The stream is not created, so that tests can check what happens without it.
class NatsTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Opens another connection to the server, or fails the test and returns null.
  std::unique_ptr<Connection> Connect();

  // Imports `count` new findings and returns the ids of the outbox events they produced.
  std::set<std::string> ImportFindings(int count);

  NatsServer server_;
  ScratchDir dir_;
  std::unique_ptr<Connection> connection_;
  std::unique_ptr<store::SqliteFindingStore> findings_;
  StreamOptions stream_;
  int imported_ = 0;
};

}  // namespace rampart::bus::testing

namespace rampart::bus::testing {

// A finding store that forwards to another and fails the next `n` MarkDelivered calls, as a
// process that crashes after publishing and before marking its events delivered.
class CrashingStore final : public store::FindingStore {
 public:
  explicit CrashingStore(store::FindingStore& inner) : inner_(inner) {}

  void FailMarkDelivered(int n) { failures_left_ = n; }

  Result<store::ImportSummary> Import(std::vector<Json> findings,
                                      const store::ImportOptions& options) override {
    return inner_.Import(std::move(findings), options);
  }
  Result<store::UpdateSummary> Update(const store::FindingUpdate& update,
                                      std::string_view actor) override {
    return inner_.Update(update, actor);
  }
  Result<std::optional<Json>> Get(const store::FindingKey& key) override { return inner_.Get(key); }
  Result<store::FindingPage> List(const store::FindingQuery& query) override {
    return inner_.List(query);
  }
  Result<std::int64_t> Count(const store::Filters& filters) override {
    return inner_.Count(filters);
  }
  Result<std::vector<store::GroupCount>> GroupBy(const store::Filters& filters,
                                                 std::string_view attribute) override {
    return inner_.GroupBy(filters, attribute);
  }
  Result<std::vector<store::HistoryRecord>> History(const store::FindingKey& key) override {
    return inner_.History(key);
  }
  Result<std::vector<store::OutboxEvent>> ReadEvents(std::int64_t after_sequence,
                                                     std::size_t limit) override {
    return inner_.ReadEvents(after_sequence, limit);
  }
  Result<std::vector<store::OutboxEvent>> ClaimEvents(std::string_view consumer, std::size_t limit,
                                                      std::chrono::seconds lease) override {
    return inner_.ClaimEvents(consumer, limit, lease);
  }
  Result<std::int64_t> PublishEvent(const Json& event) override {
    return inner_.PublishEvent(event);
  }
  Status MarkDelivered(std::span<const std::int64_t> sequences) override {
    if (failures_left_ > 0) {
      failures_left_ -= 1;
      return Unavailable("simulated crash before MarkDelivered");
    }
    return inner_.MarkDelivered(sequences);
  }
  Result<std::int64_t> PruneDelivered(TimePoint before) override {
    return inner_.PruneDelivered(before);
  }
  Result<std::string> Identity() override { return inner_.Identity(); }

 private:
  store::FindingStore& inner_;
  int failures_left_ = 0;
};

}  // namespace rampart::bus::testing
