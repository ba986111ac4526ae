// Several store handles on one database, used from several threads at once, on every
// backend. On PostgreSQL each handle is its own connection, as separate workers would be.
#include <atomic>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "store/test_support.h"
#include "store/testing/store_backends.h"

namespace rampart::store {
namespace {

constexpr int kBatches = 40;
constexpr int kBatchSize = 25;

class ConcurrencyTest : public ::testing::TestWithParam<testing::TestBackend> {
 protected:
  void SetUp() override {
    RAMPART_REQUIRE_SHARED_DATA();
    ASSERT_TRUE(database_.status().ok()) << database_.status().ToString();
  }

  std::unique_ptr<FindingStore> OpenStore(const testing::TestStoreOptions& options = {}) {
    auto store = database_.Open(options);
    EXPECT_TRUE(store.has_value()) << store.status().ToString();
    return store ? std::move(*store) : nullptr;
  }

  testing::TestDatabase database_{GetParam()};
};

void ImportBatches(FindingStore& store, const std::vector<Json>& templates, const std::string& tag,
                   std::atomic<int>& failures) {
  for (int batch = 0; batch < kBatches; ++batch) {
    std::vector<Json> findings;
    for (int i = 0; i < kBatchSize; ++i) {
      Json finding = templates[i % templates.size()];
      finding["Id"] = tag + "/" + std::to_string(batch) + "/" + std::to_string(i);
      findings.push_back(std::move(finding));
    }
    auto summary = store.Import(std::move(findings), {});
    if (!summary || summary->created != kBatchSize) {
      ++failures;
    }
  }
}

TEST_P(ConcurrencyTest, TwoHandlesImportAtOnce) {
  auto first = OpenStore();
  auto second = OpenStore();
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  const std::vector<Json> templates = testing::TrivyAlpineFindings();

  std::atomic<int> failures = 0;
  std::atomic<bool> done = false;
  std::thread a([&] { ImportBatches(*first, templates, "a", failures); });
  std::thread b([&] { ImportBatches(*second, templates, "b", failures); });
  // A third handle reads while both write; counts only grow.
  std::int64_t last_count = 0;
  std::atomic<int> read_errors = 0;
  std::thread reader([&] {
    auto store = OpenStore();
    while (!done) {
      auto count = store->Count(Filters{});
      if (!count || *count < last_count) {
        ++read_errors;
      } else {
        last_count = *count;
      }
    }
  });
  a.join();
  b.join();
  done = true;
  reader.join();

  EXPECT_EQ(failures, 0);
  EXPECT_EQ(read_errors, 0);
  for (auto* store : {first.get(), second.get()}) {
    auto count = store->Count(Filters{});
    ASSERT_TRUE(count.has_value());
    EXPECT_EQ(*count, 2 * kBatches * kBatchSize);
  }
}

TEST_P(ConcurrencyTest, UpdateThroughOtherHandleIsSeen) {
  auto writer = OpenStore();
  auto other = OpenStore();
  const Json finding = testing::AsrFinding("cis-4.1.finding.json");
  ASSERT_TRUE(writer->Import({finding}, {}).has_value());

  FindingUpdate update;
  update.finding_identifiers = {{finding["Id"], finding["ProductArn"]}};
  update.workflow_status = "NOTIFIED";
  auto summary = other->Update(update, "carol");
  ASSERT_TRUE(summary.has_value()) << summary.status().ToString();
  ASSERT_EQ(summary->processed.size(), 1u);

  auto stored = writer->Get(testing::KeyOf(finding));
  ASSERT_TRUE(stored.has_value());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((**stored)["Workflow"]["Status"], "NOTIFIED");
}

TEST_P(ConcurrencyTest, ConsumersNeverClaimTheSameEvent) {
  auto producer = OpenStore();
  std::atomic<int> failures = 0;
  ImportBatches(*producer, testing::TrivyAlpineFindings(), "events", failures);
  ASSERT_EQ(failures, 0);

  std::vector<std::int64_t> claimed[2];
  std::thread consumers[2];
  for (int c = 0; c < 2; ++c) {
    consumers[c] = std::thread([&, c] {
      auto store = OpenStore();
      while (true) {
        auto events =
            store->ClaimEvents("consumer-" + std::to_string(c), 7, std::chrono::minutes(5));
        if (!events) {
          ++failures;
          return;
        }
        if (events->empty()) {
          return;
        }
        std::vector<std::int64_t> sequences;
        for (const OutboxEvent& event : *events) {
          sequences.push_back(event.sequence);
        }
        claimed[c].insert(claimed[c].end(), sequences.begin(), sequences.end());
        if (!store->MarkDelivered(sequences).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& consumer : consumers) {
    consumer.join();
  }
  EXPECT_EQ(failures, 0);
  std::set<std::int64_t> all(claimed[0].begin(), claimed[0].end());
  for (const std::int64_t sequence : claimed[1]) {
    EXPECT_TRUE(all.insert(sequence).second) << "claimed twice: " << sequence;
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kBatches * kBatchSize));
}

// Consumers that never deliver hold every lease they take, so each event must go to exactly
// one of them. Each claim uses a new consumer name, since a consumer gets its own claims back.
TEST_P(ConcurrencyTest, HeldLeasesClaimEachEventOnce) {
  auto producer = OpenStore();
  std::atomic<int> failures = 0;
  ImportBatches(*producer, testing::TrivyAlpineFindings(), "leases", failures);
  ASSERT_EQ(failures, 0);

  constexpr int kConsumers = 3;
  std::vector<std::int64_t> claimed[kConsumers];
  std::vector<std::thread> consumers;
  for (int c = 0; c < kConsumers; ++c) {
    consumers.emplace_back([&, c] {
      auto store = OpenStore();
      for (int round = 0;; ++round) {
        const std::string name = fmt::format("consumer-{}-{}", c, round);
        auto events = store->ClaimEvents(name, 9, std::chrono::hours(1));
        if (!events) {
          ++failures;
          return;
        }
        if (events->empty()) {
          return;
        }
        for (const OutboxEvent& event : *events) {
          claimed[c].push_back(event.sequence);
        }
      }
    });
  }
  for (auto& consumer : consumers) {
    consumer.join();
  }
  EXPECT_EQ(failures, 0);
  std::set<std::int64_t> all;
  for (const auto& sequences : claimed) {
    for (const std::int64_t sequence : sequences) {
      EXPECT_TRUE(all.insert(sequence).second) << "claimed twice: " << sequence;
    }
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kBatches * kBatchSize));
}

// Two writers import versions of one finding at once: the store must end with one finding
// whose history lists one creation and one record per accepted update, in order.
TEST_P(ConcurrencyTest, SameFindingFromTwoWriters) {
  const Json original = testing::AsrFinding("cis-1.3.finding.json");
  constexpr int kVersions = 30;
  std::atomic<int> failures = 0;
  std::atomic<int> created = 0;
  std::atomic<int> updated = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      auto store = OpenStore();
      for (int version = 0; version < kVersions; ++version) {
        Json finding = testing::Later(original, 2 * version + w);
        finding["Title"] = fmt::format("version {} of writer {}", version, w);
        auto summary = store->Import({std::move(finding)}, ImportOptions{fmt::format("w{}", w)});
        if (!summary || summary->failed != 0) {
          ++failures;
          continue;
        }
        created += static_cast<int>(summary->created);
        updated += static_cast<int>(summary->updated);
      }
    });
  }
  for (auto& writer : writers) {
    writer.join();
  }
  ASSERT_EQ(failures, 0);
  EXPECT_EQ(created, 1);

  auto store = OpenStore();
  auto count = store->Count(Filters{});
  ASSERT_TRUE(count.has_value()) << count.status().ToString();
  EXPECT_EQ(*count, 1);
  auto history = store->History(testing::KeyOf(original));
  ASSERT_TRUE(history.has_value()) << history.status().ToString();
  ASSERT_EQ(history->size(), static_cast<std::size_t>(1 + updated));
  EXPECT_TRUE(history->front().finding_created);
  for (std::size_t i = 1; i < history->size(); ++i) {
    EXPECT_FALSE((*history)[i].finding_created) << i;
    EXPECT_FALSE((*history)[i].updates.empty()) << i;
  }
  auto events = store->ReadEvents(0, 1000);
  ASSERT_TRUE(events.has_value()) << events.status().ToString();
  EXPECT_EQ(events->size(), static_cast<std::size_t>(1 + updated));

  // The stored version is the newest one that either writer sent.
  auto stored = store->Get(testing::KeyOf(original));
  ASSERT_TRUE(stored.has_value()) << stored.status().ToString();
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((**stored)["UpdatedAt"],
            testing::Later(original, 2 * (kVersions - 1) + 1)["UpdatedAt"]);
}

// A reader that resumes after the last sequence it has seen, while two writers commit, must
// end up with every event: no lower sequence may become visible after a higher one.
TEST_P(ConcurrencyTest, ResumingReaderMissesNoEvent) {
  auto first = OpenStore();
  auto second = OpenStore();
  const std::vector<Json> templates = testing::TrivyAlpineFindings();
  std::atomic<int> failures = 0;
  std::atomic<bool> done = false;
  std::set<std::int64_t> seen;
  std::thread reader([&] {
    auto store = OpenStore();
    std::int64_t after = 0;
    while (true) {
      const bool last_pass = done;
      auto events = store->ReadEvents(after, 1000);
      if (!events) {
        ++failures;
        return;
      }
      for (const OutboxEvent& event : *events) {
        seen.insert(event.sequence);
        after = event.sequence;
      }
      if (last_pass && events->empty()) {
        return;
      }
    }
  });
  std::thread a([&] { ImportBatches(*first, templates, "a", failures); });
  std::thread b([&] { ImportBatches(*second, templates, "b", failures); });
  a.join();
  b.join();
  done = true;
  reader.join();
  EXPECT_EQ(failures, 0);

  auto all = first->ReadEvents(0, 10000);
  ASSERT_TRUE(all.has_value()) << all.status().ToString();
  ASSERT_EQ(all->size(), static_cast<std::size_t>(2 * kBatches * kBatchSize));
  for (const OutboxEvent& event : *all) {
    EXPECT_TRUE(seen.contains(event.sequence)) << "the reader skipped " << event.sequence;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrencyTest, ::testing::ValuesIn(testing::StoreBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace rampart::store
