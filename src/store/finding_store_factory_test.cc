#include "store/finding_store_factory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/test_support.h"
#include "store/testing/postgres_server.h"

namespace rampart::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Imports one finding and returns how many the store then holds.
std::int64_t ImportOne(FindingStore& store) {
  Json finding = testing::AsrFinding("cis-1.3.finding.json");
  auto summary = store.Import({finding}, {});
  EXPECT_TRUE(summary.has_value()) << summary.status().ToString();
  auto count = store.Count(Filters{});
  EXPECT_TRUE(count.has_value()) << count.status().ToString();
  return count ? *count : -1;
}

TEST(OpenFindingStore, SqlitePath) {
  RAMPART_REQUIRE_SHARED_DATA();
  testing::TempDir dir;
  auto store = OpenFindingStore("sqlite:" + dir.File("findings.db"));
  ASSERT_TRUE(store.has_value()) << store.status().ToString();
  EXPECT_EQ(ImportOne(**store), 1);
  EXPECT_TRUE(std::filesystem::exists(dir.File("findings.db")));
}

TEST(OpenFindingStore, PostgresqlUrl) {
  RAMPART_REQUIRE_SHARED_DATA();
  auto server = testing::SharedPostgresServer();
  ASSERT_TRUE(server.has_value()) << server.status().ToString();
  auto url = (*server)->CreateDatabase();
  ASSERT_TRUE(url.has_value()) << url.status().ToString();
  auto store = OpenFindingStore(*url);
  ASSERT_TRUE(store.has_value()) << store.status().ToString();
  EXPECT_EQ(ImportOne(**store), 1);

  // The short scheme that libpq also accepts reaches the same database.
  std::string short_url = *url;
  short_url.replace(0, std::string_view("postgresql").size(), "postgres");
  auto again = OpenFindingStore(short_url);
  ASSERT_TRUE(again.has_value()) << again.status().ToString();
  auto count = (*again)->Count(Filters{});
  ASSERT_TRUE(count.has_value()) << count.status().ToString();
  EXPECT_EQ(*count, 1);
}

TEST(OpenFindingStore, UnknownSchemeIsRejected) {
  auto store = OpenFindingStore("mysql://rampart:s3cret@127.0.0.1/hub");
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr("mysql://rampart:***@127.0.0.1/hub"));
  EXPECT_THAT(store.status().message(), HasSubstr("sqlite:PATH"));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("s3cret")));
}

TEST(OpenFindingStore, BarePathIsRejected) {
  auto store = OpenFindingStore("findings.db");
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr("\"findings.db\""));
}

TEST(OpenFindingStore, EmptySqlitePathIsRejected) {
  auto store = OpenFindingStore("sqlite:");
  ASSERT_FALSE(store.has_value());
  EXPECT_THAT(store.status().message(), HasSubstr("names no file"));
}

TEST(OpenFindingStore, UnreachablePostgresIsUnavailable) {
  // Port 1 on the loopback address has no server.
  auto store = OpenFindingStore("postgresql://rampart:s3cret@127.0.0.1:1/hub");
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(store.status().message(), Not(HasSubstr("s3cret")));
}

}  // namespace
}  // namespace rampart::store
