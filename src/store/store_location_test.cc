#include "store/store_location.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rampart::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StoreLocation, PathsAndUrls) {
  auto path = ParseStoreLocation("var/rampart.db");
  ASSERT_TRUE(path.has_value());
  EXPECT_FALSE(path->postgres);
  EXPECT_EQ(path->target, "var/rampart.db");

  auto sqlite = ParseStoreLocation("sqlite:/var/lib/rampart/rampart.db");
  ASSERT_TRUE(sqlite.has_value());
  EXPECT_FALSE(sqlite->postgres);
  EXPECT_EQ(sqlite->target, "/var/lib/rampart/rampart.db");

  for (const char* url : {"postgresql://rampart@db:5432/hub", "postgres://rampart@db/hub"}) {
    auto postgres = ParseStoreLocation(url);
    ASSERT_TRUE(postgres.has_value()) << url;
    EXPECT_TRUE(postgres->postgres) << url;
    EXPECT_EQ(postgres->target, url);
  }
}

TEST(StoreLocation, RejectsEmptyPathAndOtherSchemes) {
  auto empty = ParseStoreLocation("sqlite:");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);

  auto mysql = ParseStoreLocation("mysql://rampart:s3cret@db/hub");
  ASSERT_FALSE(mysql.has_value());
  EXPECT_THAT(mysql.status().message(), HasSubstr("mysql://rampart:***@db/hub"));
  EXPECT_THAT(mysql.status().message(), Not(HasSubstr("s3cret")));
}

}  // namespace
}  // namespace rampart::store
