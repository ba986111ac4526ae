// What only the PostgreSQL finding store does: its schema and indexes, its locks, and the
// U+0000 character that PostgreSQL cannot store. The shared behaviour is in the contract tests.
#include "store/postgres_finding_store.h"

#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "store/audit_log.h"
#include "store/postgres_schema.h"
#include "store/postgres_support.h"
#include "store/test_support.h"
#include "store/testing/postgres_server.h"

namespace rampart::store {
namespace {

using ::testing::HasSubstr;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RAMPART_REQUIRE_SHARED_DATA();
    auto server = testing::SharedPostgresServer();
    ASSERT_TRUE(server.has_value()) << server.status().ToString();
    auto url = (*server)->CreateDatabase();
    ASSERT_TRUE(url.has_value()) << url.status().ToString();
    url_ = *url;
    auto store = PostgresFindingStore::Open(url_, {.clock = &clock_, .random_seed = 13});
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    store_ = std::move(*store);
  }

  // Waits until another session of this database waits for an advisory lock; false after
  // ten seconds.
  bool SomeoneWaitsForAdvisoryLock(pqxx::connection& observer) {
    for (int attempt = 0; attempt < 1000; ++attempt) {
      pqxx::nontransaction work(observer);
      const pqxx::row row =
          work.exec1("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
      if (row[0].as<int>() > 0) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::string url_;
  FakeClock clock_{FromUnixMicros(1'790'000'000'000'000)};
  std::unique_ptr<PostgresFindingStore> store_;
};

TEST_F(PostgresStoreTest, FilteredColumnsAreIndexed) {
  pqxx::connection connection(url_);
  pqxx::nontransaction work(connection);
  const pqxx::result rows = work.exec(
      "SELECT indexdef FROM pg_indexes WHERE tablename IN "
      "('findings', 'finding_resources', 'finding_vulnerabilities', 'outbox')");
  std::string all;
  for (const pqxx::row& row : rows) {
    all += row[0].as<std::string>() + "\n";
  }
  for (const FieldSpec& field : AllFields()) {
    if (field.storage == FieldStorage::kDocument) {
      continue;
    }
    EXPECT_THAT(all, HasSubstr(fmt::format("({}", field.column))) << field.name;
  }
  EXPECT_THAT(all, HasSubstr("UNIQUE INDEX findings_product_arn_id_key"));
  EXPECT_THAT(all, HasSubstr("outbox_pending ON public.outbox USING btree (sequence) WHERE"));
}

TEST_F(PostgresStoreTest, ReopeningKeepsSchemaVersion) {
  auto again = PostgresFindingStore::Open(url_);
  ASSERT_TRUE(again.has_value()) << again.status().ToString();
  pqxx::connection connection(url_);
  auto version = postgres::SchemaVersion(connection, url_, postgres::kFindingsComponent);
  ASSERT_TRUE(version.has_value()) << version.status().ToString();
  EXPECT_EQ(*version, postgres::FindingMigrations().back().version);
  pqxx::nontransaction work(connection);
  EXPECT_EQ(work.exec1("SELECT count(*) FROM rampart_schema_versions")[0].as<int>(),
            static_cast<int>(postgres::FindingMigrations().size()));
}

TEST_F(PostgresStoreTest, NulCharacterKeyIsNotFound) {
  const Json finding = testing::AsrFinding("cis-1.3.finding.json");
  ASSERT_TRUE(store_->Import({finding}, {}).has_value());
  // Truncated at U+0000, this key would name the stored finding.
  FindingKey key = testing::KeyOf(finding);
  key.id += std::string("\0suffix", 7);
  auto stored = store_->Get(key);
  ASSERT_TRUE(stored.has_value()) << stored.status().ToString();
  EXPECT_FALSE(stored->has_value());
  auto history = store_->History(key);
  ASSERT_FALSE(history.has_value());
  EXPECT_EQ(history.status().code(), StatusCode::kNotFound);
  FindingUpdate update;
  update.finding_identifiers = {{key.id, key.product_arn}};
  update.workflow_status = "NOTIFIED";
  auto updated = store_->Update(update, "alice");
  ASSERT_TRUE(updated.has_value()) << updated.status().ToString();
  ASSERT_EQ(updated->unprocessed.size(), 1u);
  EXPECT_EQ(updated->unprocessed[0].error_code, "FindingNotFound");
}

// PostgreSQL rejects a parameter that is not valid UTF-8, so such an Id must fail its own
// finding instead of the whole batch.
TEST_F(PostgresStoreTest, InvalidUtf8IdFailsOnlyItsFinding) {
  Json bad = testing::AsrFinding("cis-1.3.finding.json");
  bad["Id"] = std::string("finding-\xff\xfe");
  const Json good = testing::AsrFinding("cis-4.1.finding.json");
  auto summary = store_->Import({bad, good}, {});
  ASSERT_TRUE(summary.has_value()) << summary.status().ToString();
  EXPECT_EQ(summary->created, 1u);
  ASSERT_EQ(summary->failed, 1u);
  EXPECT_EQ(summary->results[0].error_code, "InvalidInput");
  auto stored = store_->Get({bad["ProductArn"], bad["Id"]});
  ASSERT_TRUE(stored.has_value()) << stored.status().ToString();
  EXPECT_FALSE(stored->has_value());
}

// A claim passes over an event that another transaction has locked instead of waiting.
TEST_F(PostgresStoreTest, ClaimSkipsLockedEvents) {
  ASSERT_TRUE(store_->Import(testing::UniqueByKey(testing::TrivyAlpineFindings()), {}));
  auto events = store_->ReadEvents(0, 10);
  ASSERT_TRUE(events.has_value()) << events.status().ToString();
  ASSERT_GE(events->size(), 2u);

  pqxx::connection other(url_);
  pqxx::work lock(other);
  lock.exec_params("SELECT 1 FROM outbox WHERE sequence = $1 FOR UPDATE", (*events)[0].sequence);
  auto claimed = store_->ClaimEvents("worker", 10, std::chrono::seconds(30));
  ASSERT_TRUE(claimed.has_value()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), events->size() - 1);
  EXPECT_EQ((*claimed)[0].sequence, (*events)[1].sequence);
  lock.commit();

  auto rest = store_->ClaimEvents("other-worker", 10, std::chrono::seconds(30));
  ASSERT_TRUE(rest.has_value()) << rest.status().ToString();
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].sequence, (*events)[0].sequence);
}

// A write that has events waits for the outbox lock of a transaction still in flight, so it
// cannot draw a sequence and commit before that transaction does.
TEST_F(PostgresStoreTest, EventsWaitForOutboxLock) {
  pqxx::connection other(url_);
  pqxx::work in_flight(other);
  in_flight.exec_params("SELECT pg_advisory_xact_lock($1, $2)", postgres::kAdvisoryLockClass,
                        postgres::kOutboxLock);
  std::atomic<bool> finished = false;
  Status status;
  std::thread writer([&] {
    auto summary = store_->Import({testing::AsrFinding("cis-1.3.finding.json")}, {});
    status = summary ? Status::Ok() : summary.status();
    finished = true;
  });
  pqxx::connection observer(url_);
  EXPECT_TRUE(SomeoneWaitsForAdvisoryLock(observer));
  EXPECT_FALSE(finished);
  in_flight.commit();
  writer.join();
  EXPECT_TRUE(status.ok()) << status.ToString();
  auto events = store_->ReadEvents(0, 10);
  ASSERT_TRUE(events.has_value()) << events.status().ToString();
  EXPECT_EQ(events->size(), 1u);
}

// A worker keeps its store open while the database server restarts. Reads and outbox calls
// that meet the broken connection run again on a new one, so the first count after the
// restart works. An import that meets it may fail as unavailable, and a later call works.
TEST(PostgresStoreRestart, StoreReconnects) {
  RAMPART_REQUIRE_SHARED_DATA();
  // Durable, since the restart is a crash for the server and fast mode loses recent commits.
  auto server = testing::PostgresServer::Start(testing::Durability::kDurable);
  ASSERT_TRUE(server.has_value()) << server.status().ToString();
  auto url = (*server)->CreateDatabase();
  ASSERT_TRUE(url.has_value()) << url.status().ToString();
  auto store = PostgresFindingStore::Open(*url);
  ASSERT_TRUE(store.has_value()) << store.status().ToString();
  ASSERT_TRUE((*store)->Import({testing::AsrFinding("cis-1.3.finding.json")}, {}).has_value());

  const Status restarted = (*server)->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  auto first = (*store)->Count(Filters{});
  ASSERT_TRUE(first.has_value()) << first.status().ToString();
  EXPECT_EQ(*first, 1);
  const Status restarted_again = (*server)->Restart();
  ASSERT_TRUE(restarted_again.ok()) << restarted_again.ToString();
  auto events = (*store)->ReadEvents(0, 10);
  ASSERT_TRUE(events.has_value()) << events.status().ToString();
  EXPECT_EQ(events->size(), 1u);
  ASSERT_TRUE((*server)->Restart().ok());
  auto summary = (*store)->Import({testing::AsrFinding("cis-4.1.finding.json")}, {});
  if (!summary) {
    EXPECT_EQ(summary.status().code(), StatusCode::kUnavailable) << summary.status().ToString();
    summary = (*store)->Import({testing::AsrFinding("cis-4.1.finding.json")}, {});
  }
  ASSERT_TRUE(summary.has_value()) << summary.status().ToString();
  EXPECT_EQ(summary->created, 1u);
  auto count = (*store)->Count(Filters{});
  ASSERT_TRUE(count.has_value()) << count.status().ToString();
  EXPECT_EQ(*count, 2);
}

// The stores that share one session per connection (audit log, tokens, remediations) run a
// call that meets a connection closed by a restart again on a new connection. So the first
// append after the restart is stored instead of failing.
TEST(PostgresStoreRestart, AuditAppendAfterRestartSucceeds) {
  auto server = testing::PostgresServer::Start(testing::Durability::kDurable);
  ASSERT_TRUE(server.has_value()) << server.status().ToString();
  auto url = (*server)->CreateDatabase();
  ASSERT_TRUE(url.has_value()) << url.status().ToString();
  auto audit = AuditLog::Open(*url);
  ASSERT_TRUE(audit.has_value()) << audit.status().ToString();
  ASSERT_TRUE((*audit)->Append("ops", "finding.update", "a", Json::object()).has_value());

  const Status restarted = (*server)->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  auto appended = (*audit)->Append("ops", "finding.update", "b", Json::object());
  ASSERT_TRUE(appended.has_value()) << appended.status().ToString();
  EXPECT_EQ(appended->sequence, 2);
  auto verified = (*audit)->Verify();
  ASSERT_TRUE(verified.has_value()) << verified.status().ToString();
  EXPECT_TRUE(verified->ok) << verified->problem;
  EXPECT_EQ(verified->entries, 2);
}

TEST(PostgresStoreOpen, FailureNamesUrlWithoutPassword) {
  auto server = testing::SharedPostgresServer();
  ASSERT_TRUE(server.has_value()) << server.status().ToString();
  // The test server trusts every local user, so a missing database is the error here.
  const std::string url =
      fmt::format("postgresql://postgres:s3cret@127.0.0.1:{}/no_such_database", (*server)->port());
  auto store = PostgresFindingStore::Open(url);
  ASSERT_FALSE(store.has_value());
  EXPECT_THAT(store.status().message(), HasSubstr("postgres:***@127.0.0.1"));
  EXPECT_THAT(store.status().message(), HasSubstr("no_such_database"));
  EXPECT_THAT(store.status().message(), ::testing::Not(HasSubstr("s3cret")));
}

}  // namespace
}  // namespace rampart::store
