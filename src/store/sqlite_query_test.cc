// The Id hash of the SQLite store's findings_id_hash index.
#include "store/sqlite_query.h"

#include <gtest/gtest.h>

namespace rampart::store {
namespace {

TEST(IdHash, IsFnv1a64) {
  EXPECT_EQ(static_cast<std::uint64_t>(sqlite::IdHash("")), 0xcbf29ce484222325ull);
  EXPECT_EQ(static_cast<std::uint64_t>(sqlite::IdHash("a")), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(static_cast<std::uint64_t>(sqlite::IdHash("foobar")), 0x85944171f73967e8ull);
}

}  // namespace
}  // namespace rampart::store
