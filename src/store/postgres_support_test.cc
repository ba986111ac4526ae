#include "store/postgres_support.h"

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/clock.h"
#include "store/postgres_schema.h"
#include "store/testing/postgres_server.h"

namespace rampart::store::postgres {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr Migration kTwoSteps[] = {
    {1, "CREATE TABLE widgets (id INTEGER PRIMARY KEY)"},
    {2, "ALTER TABLE widgets ADD COLUMN name TEXT"},
};

std::string NewDatabase() {
  auto server = store::testing::SharedPostgresServer();
  if (!server) {
    ADD_FAILURE() << server.status().ToString();
    return "";
  }
  auto url = (*server)->CreateDatabase();
  EXPECT_TRUE(url.has_value()) << url.status().ToString();
  return url ? *url : "";
}

TEST(RedactUrl, HidesPasswords) {
  EXPECT_EQ(RedactUrl("postgresql://rampart:s3cret@db.internal:5432/hub"),
            "postgresql://rampart:***@db.internal:5432/hub");
  EXPECT_EQ(RedactUrl("postgresql://rampart@db/hub?password=s3cret&sslmode=require"),
            "postgresql://rampart@db/hub?password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("host=db user=rampart password='two words' dbname=hub"),
            "host=db user=rampart password=*** dbname=hub");
  EXPECT_EQ(RedactUrl("postgresql://rampart@db/hub"), "postgresql://rampart@db/hub");
  EXPECT_EQ(RedactUrl("postgresql://a:b@c@host/db"), "postgresql://a:***@host/db");
  // Generated passwords may hold '/', '?' or '#' that the writer did not percent-encode.
  for (const char* password : {"Hun/ter2Secret", "Hun?ter2Secret", "Hun#ter2Secret"}) {
    EXPECT_EQ(RedactUrl(std::string("postgresql://rampart:") + password + "@db:5432/hub"),
              "postgresql://rampart:***@db:5432/hub")
        << password;
  }
}

TEST(Connect, PasswordWithSlashStaysOutOfMessage) {
  auto connection = Connect("postgresql://rampart:Hun/ter2Secret@127.0.0.1:1/hub");
  ASSERT_FALSE(connection.has_value());
  EXPECT_THAT(connection.status().message(), ::testing::Not(HasSubstr("Hun")));
  EXPECT_THAT(connection.status().message(), ::testing::Not(HasSubstr("ter2Secret")));
}

TEST(Connect, UnreachableServerIsUnavailableWithoutPassword) {
  // Port 1 on the loopback address has no server.
  auto connection = Connect("postgresql://rampart:s3cret@127.0.0.1:1/hub?connect_timeout=5");
  ASSERT_FALSE(connection.has_value());
  EXPECT_EQ(connection.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(connection.status().message(), HasSubstr("127.0.0.1:1/hub"));
  EXPECT_THAT(connection.status().message(), Not(HasSubstr("s3cret")));
}

TEST(Migrate, AppliesEachVersionOnce) {
  const std::string url = NewDatabase();
  auto connection = Connect(url);
  ASSERT_TRUE(connection.has_value()) << connection.status().ToString();
  ASSERT_TRUE(Migrate(**connection, url, "widgets", std::span(kTwoSteps).first(1)).ok());
  auto version = SchemaVersion(**connection, url, "widgets");
  ASSERT_TRUE(version.has_value()) << version.status().ToString();
  EXPECT_EQ(*version, 1);

  const Status again = Migrate(**connection, url, "widgets", kTwoSteps);
  ASSERT_TRUE(again.ok()) << again.ToString();
  ASSERT_TRUE(Migrate(**connection, url, "widgets", kTwoSteps).ok());
  version = SchemaVersion(**connection, url, "widgets");
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(*version, 2);
  pqxx::work work(**connection);
  EXPECT_EQ(work.exec1("SELECT count(*) FROM rampart_schema_versions")[0].as<int>(), 2);
}

TEST(Migrate, NewerDatabaseIsRejected) {
  const std::string url = NewDatabase();
  auto connection = Connect(url);
  ASSERT_TRUE(connection.has_value()) << connection.status().ToString();
  ASSERT_TRUE(Migrate(**connection, url, "widgets", kTwoSteps).ok());
  const Status older = Migrate(**connection, url, "widgets", std::span(kTwoSteps).first(1));
  EXPECT_EQ(older.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(older.message(), HasSubstr("version 2"));
}

TEST(Migrate, ProcessesStartingTogetherDoNotRace) {
  const std::string url = NewDatabase();
  constexpr int kWorkers = 4;
  std::vector<Status> results(kWorkers);
  std::vector<std::thread> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.emplace_back([&, i] {
      auto connection = Connect(url);
      results[i] = connection ? Migrate(**connection, url, kFindingsComponent, FindingMigrations())
                              : connection.status();
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  for (const Status& result : results) {
    EXPECT_TRUE(result.ok()) << result.ToString();
  }
  auto connection = Connect(url);
  ASSERT_TRUE(connection.has_value());
  auto version = SchemaVersion(**connection, url, kFindingsComponent);
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(*version, FindingMigrations().back().version);
}

TEST(SchemaFunctions, MicrosFollowsParseTimestamp) {
  const std::string url = NewDatabase();
  auto connection = Connect(url);
  ASSERT_TRUE(connection.has_value());
  ASSERT_TRUE(Migrate(**connection, url, kFindingsComponent, FindingMigrations()).ok());
  const char* texts[] = {"2026-01-31T12:00:00Z",
                         "2026-01-31T12:00:00.1234567+02:00",
                         "2026-01-31t12:00:00-0130",
                         "2026-01-31",
                         "2024-02-29T00:00:00Z",
                         "2023-02-29T00:00:00Z",
                         "2026-13-01T00:00:00Z",
                         "2026-01-31T24:00:00Z",
                         "not a date",
                         "2026-01-31T12:00Z",
                         "1969-12-31T23:59:59.5Z",
                         "2026-01-31T12:00:60Z"};
  pqxx::work work(**connection);
  for (const char* text : texts) {
    const pqxx::row row = work.exec_params1("SELECT rampart_micros($1)", std::string(text));
    auto expected = ParseTimestamp(text);
    if (expected) {
      ASSERT_FALSE(row[0].is_null()) << text;
      EXPECT_EQ(row[0].as<std::int64_t>(), ToUnixMicros(*expected)) << text;
    } else {
      EXPECT_TRUE(row[0].is_null()) << text << " gave " << row[0].c_str();
    }
  }
}

TEST(SchemaFunctions, CidrContains) {
  const std::string url = NewDatabase();
  auto connection = Connect(url);
  ASSERT_TRUE(connection.has_value());
  ASSERT_TRUE(Migrate(**connection, url, kFindingsComponent, FindingMigrations()).ok());
  const struct {
    const char* network;
    const char* address;
    bool contains;
  } cases[] = {{"10.0.0.0/8", "10.1.2.3", true},
               {"10.0.0.0/8", "11.1.2.3", false},
               {"10.0.0.5", "10.0.0.5", true},
               {"10.0.0.5", "10.0.0.6", false},
               {"10.0.0.0/8", "not an ip", false},
               {"10.0.0.0/8", "10.0.0.1/32", false},
               {"2001:db8::/32", "2001:db8::1", true},
               {"0.0.0.0/0", "::1", false},
               {"192.168.1.0/25", "192.168.1.200", false}};
  pqxx::work work(**connection);
  for (const auto& test : cases) {
    const pqxx::row row = work.exec_params1("SELECT rampart_cidr_contains($1, $2)",
                                            std::string(test.network), std::string(test.address));
    EXPECT_EQ(row[0].as<bool>(), test.contains) << test.network << " " << test.address;
  }
}

}  // namespace
}  // namespace rampart::store::postgres
