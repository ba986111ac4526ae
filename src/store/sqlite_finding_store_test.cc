// Opening the SQLite finding store; its behaviour is in finding_store_contract_test.cc.
#include "store/sqlite_finding_store.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/test_support.h"

namespace rampart::store {
namespace {

using ::testing::HasSubstr;

TEST(SqliteFindingStoreOpen, MissingDatabaseIsNotFound) {
  testing::TempDir dir;
  SqliteStoreOptions options;
  options.database.create_if_missing = false;
  auto store = SqliteFindingStore::Open(dir.File("absent.db"), options);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(store.status().message(), HasSubstr("absent.db"));
}

TEST(SqliteFindingStoreOpen, NotADatabaseIsRejected) {
  testing::TempDir dir;
  {
    std::ofstream file(dir.File("text.db"));
    file << "this is a text file, not SQLite, and it is long enough to have a header";
  }
  auto store = SqliteFindingStore::Open(dir.File("text.db"));
  ASSERT_FALSE(store.has_value());
  EXPECT_THAT(store.status().message(), HasSubstr("text.db"));
}

}  // namespace
}  // namespace rampart::store
