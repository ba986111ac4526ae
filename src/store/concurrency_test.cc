// Two store handles on one database file, used from two threads at once.
#include <atomic>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "store/sqlite_finding_store.h"
#include "store/test_support.h"

namespace rampart::store {
namespace {

constexpr int kBatches = 40;
constexpr int kBatchSize = 25;

std::unique_ptr<SqliteFindingStore> OpenStore(const std::string& path) {
  auto store = SqliteFindingStore::Open(path);
  EXPECT_TRUE(store.has_value()) << store.status().ToString();
  return store ? std::move(*store) : nullptr;
}

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

TEST(Concurrency, TwoHandlesImportAtOnce) {
  RAMPART_REQUIRE_SHARED_DATA();
  testing::TempDir dir;
  const std::string path = dir.File("shared.db");
  auto first = OpenStore(path);
  auto second = OpenStore(path);
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
    auto store = OpenStore(path);
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

TEST(Concurrency, UpdateThroughOtherHandleIsSeen) {
  RAMPART_REQUIRE_SHARED_DATA();
  testing::TempDir dir;
  const std::string path = dir.File("shared.db");
  auto writer = OpenStore(path);
  auto other = OpenStore(path);
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

TEST(Concurrency, ConsumersNeverClaimTheSameEvent) {
  RAMPART_REQUIRE_SHARED_DATA();
  testing::TempDir dir;
  const std::string path = dir.File("outbox.db");
  auto producer = OpenStore(path);
  std::atomic<int> failures = 0;
  ImportBatches(*producer, testing::TrivyAlpineFindings(), "events", failures);
  ASSERT_EQ(failures, 0);

  std::vector<std::int64_t> claimed[2];
  std::thread consumers[2];
  for (int c = 0; c < 2; ++c) {
    consumers[c] = std::thread([&, c] {
      auto store = OpenStore(path);
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

}  // namespace
}  // namespace rampart::store
