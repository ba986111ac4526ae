// Several connections to one PostgreSQL database at once, as several `rampart serve` workers
// share it: claims, plans and audit appends stay single and ordered.
#include <atomic>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "store/audit_log.h"
#include "store/postgres_session.h"
#include "store/remediation_store.h"
#include "store/testing/store_backends.h"

namespace rampart::store {
namespace {

std::string NewDatabase() {
  const testing::TestDatabase database({"Postgres", testing::BackendKind::kPostgres});
  EXPECT_TRUE(database.status().ok()) << database.status().ToString();
  return database.location();
}

Remediation Due(const std::string& key, const Clock& clock) {
  Remediation record;
  record.idempotency_key = key;
  record.rule = "bump-images";
  record.action = "exec";
  record.finding_id = "finding-" + key;
  record.resource_id = "image:" + key;
  record.next_attempt_at_us = ToUnixMicros(clock.Now());
  return record;
}

std::vector<std::unique_ptr<RemediationStore>> OpenStores(const std::string& url, int count) {
  std::vector<std::unique_ptr<RemediationStore>> stores;
  for (int i = 0; i < count; ++i) {
    auto store = RemediationStore::Open(url);
    EXPECT_TRUE(store.has_value()) << store.status().ToString();
    if (store) {
      stores.push_back(std::move(*store));
    }
  }
  return stores;
}

TEST(PostgresSharing, ConcurrentClaimsNeverShareARecord) {
  const std::string url = NewDatabase();
  auto stores = OpenStores(url, 3);
  ASSERT_EQ(stores.size(), 3u);
  constexpr int kRecords = 300;
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_TRUE(stores[0]->Plan(Due("k" + std::to_string(i), DefaultClock())).has_value());
  }
  std::vector<std::vector<std::int64_t>> claimed(stores.size());
  std::vector<std::thread> workers;
  for (std::size_t w = 0; w < stores.size(); ++w) {
    workers.emplace_back([&, w] {
      while (true) {
        auto batch = stores[w]->ClaimDue(7, 60'000'000);
        ASSERT_TRUE(batch.has_value()) << batch.status().ToString();
        if (batch->empty()) {
          return;
        }
        for (const Remediation& record : *batch) {
          EXPECT_EQ(record.state, RemediationState::kRunning);
          EXPECT_EQ(record.attempts, 1);
          claimed[w].push_back(record.id);
        }
      }
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  std::set<std::int64_t> unique;
  std::size_t total = 0;
  for (const auto& ids : claimed) {
    total += ids.size();
    unique.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kRecords));
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kRecords));
}

TEST(PostgresSharing, ConcurrentPlansOfOneKeyInsertOnce) {
  const std::string url = NewDatabase();
  auto stores = OpenStores(url, 2);
  ASSERT_EQ(stores.size(), 2u);
  constexpr int kKeys = 100;
  std::vector<std::vector<std::pair<std::int64_t, bool>>> results(2);
  std::vector<std::thread> workers;
  for (std::size_t w = 0; w < 2; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < kKeys; ++i) {
        auto planned = stores[w]->Plan(Due("k" + std::to_string(i), DefaultClock()));
        ASSERT_TRUE(planned.has_value()) << planned.status().ToString();
        results[w].emplace_back(planned->first.id, planned->second);
      }
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  ASSERT_EQ(results[0].size(), static_cast<std::size_t>(kKeys));
  ASSERT_EQ(results[1].size(), static_cast<std::size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) {
    EXPECT_EQ(results[0][i].first, results[1][i].first) << "key k" << i;
    EXPECT_NE(results[0][i].second, results[1][i].second) << "key k" << i;
  }
  RemediationFilter all;
  all.limit = 1000;
  auto listed = stores[0]->List(all);
  ASSERT_TRUE(listed.has_value());
  EXPECT_EQ(listed->size(), static_cast<std::size_t>(kKeys));
}

TEST(PostgresSharing, ConcurrentAppendsBuildOneChain) {
  const std::string url = NewDatabase();
  std::vector<std::unique_ptr<AuditLog>> logs;
  for (int i = 0; i < 2; ++i) {
    auto log = AuditLog::Open(url);
    ASSERT_TRUE(log.has_value()) << log.status().ToString();
    logs.push_back(std::move(*log));
  }
  constexpr int kThreadsPerLog = 3;
  constexpr int kAppends = 40;
  std::vector<std::thread> writers;
  for (std::size_t l = 0; l < logs.size(); ++l) {
    for (int t = 0; t < kThreadsPerLog; ++t) {
      writers.emplace_back([&, l, t] {
        for (int i = 0; i < kAppends; ++i) {
          auto entry = logs[l]->Append("worker-" + std::to_string(l), "test", std::to_string(t),
                                       Json{{"i", i}});
          ASSERT_TRUE(entry.has_value()) << entry.status().ToString();
        }
      });
    }
  }
  for (auto& writer : writers) {
    writer.join();
  }
  auto report = logs[1]->Verify();
  ASSERT_TRUE(report.has_value()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->entries, static_cast<std::int64_t>(logs.size() * kThreadsPerLog * kAppends));
}

TEST(StorableText, ReplacesWhatPostgresRejects) {
  using postgres::StorableText;
  EXPECT_EQ(StorableText("plain caf\xC3\xA9 \xF0\x9F\x94\x92"),
            "plain caf\xC3\xA9 \xF0\x9F\x94\x92");
  EXPECT_EQ(StorableText(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(StorableText("\xFF"), "\xEF\xBF\xBD");
  EXPECT_EQ(StorableText("cut \xE2\x82"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(StorableText("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(StorableText("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

}  // namespace
}  // namespace rampart::store
