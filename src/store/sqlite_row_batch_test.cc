#include "store/sqlite_row_batch.h"

#include <gtest/gtest.h>

#include "store/test_support.h"

namespace rampart::store::sqlite {
namespace {

class RowBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.File("rows.db"), {});
    ASSERT_TRUE(db.has_value()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(
        db_->Execute("CREATE TABLE t (n INTEGER NOT NULL, x REAL, s TEXT, note TEXT)").ok());
  }

  std::int64_t Count(std::string_view where) {
    auto statement =
        db_->Prepare(std::string("SELECT count(*) FROM t WHERE ") + std::string(where));
    EXPECT_TRUE(statement.has_value());
    auto row = (*statement)->Step();
    EXPECT_TRUE(row.has_value()) << row.status().ToString();
    EXPECT_TRUE(row && *row);
    const std::int64_t count = (*statement)->ColumnInt64(0);
    (*statement)->Reset();
    return count;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

// 75 rows take two statements of 32 rows, one of 8 and three of 1.
TEST_F(RowBatchTest, InsertsEveryRowInOrder) {
  RowBatch batch("t", "n, x, s, note", 4);
  for (int i = 0; i < 75; ++i) {
    batch.StartRow();
    batch.AddInt64(i);
    batch.AddDouble(i + 0.5);
    batch.AddText("row " + std::to_string(i));
    if (i % 2 == 0) {
      batch.AddNull();
    } else {
      batch.AddText("odd");
    }
  }
  EXPECT_EQ(batch.rows(), 75u);
  ASSERT_TRUE(batch.Flush(*db_).ok());
  EXPECT_EQ(batch.rows(), 0u);

  EXPECT_EQ(Count("1"), 75);
  EXPECT_EQ(Count("note IS NULL"), 38);
  EXPECT_EQ(Count("note = 'odd'"), 37);
  EXPECT_EQ(Count("x = n + 0.5 AND s = 'row ' || n"), 75);
  EXPECT_EQ(Count("rowid = n + 1"), 75);
}

TEST_F(RowBatchTest, ReusedAfterFlush) {
  RowBatch batch("t", "n, x, s, note", 4);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 40; ++i) {
      batch.StartRow();
      batch.AddInt64(round);
      batch.AddDouble(0);
      batch.AddText(std::string(static_cast<std::size_t>(100 * (round + 1)), 'a'));
      batch.AddNull();
    }
    ASSERT_TRUE(batch.Flush(*db_).ok());
  }
  EXPECT_EQ(Count("n = 0 AND length(s) = 100"), 40);
  EXPECT_EQ(Count("n = 1 AND length(s) = 200"), 40);
  EXPECT_EQ(Count("n = 2 AND length(s) = 300"), 40);
}

TEST_F(RowBatchTest, ConstraintErrorEmptiesBatch) {
  RowBatch batch("t", "n, x, s, note", 4);
  batch.StartRow();
  batch.AddNull();  // n is NOT NULL
  batch.AddDouble(0);
  batch.AddText("");
  batch.AddNull();
  const Status status = batch.Flush(*db_);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("NOT NULL"), std::string::npos) << status.message();
  EXPECT_EQ(batch.rows(), 0u);
  EXPECT_EQ(Count("1"), 0);
}

TEST_F(RowBatchTest, IncompleteRowIsAnError) {
  RowBatch batch("t", "n, x, s, note", 4);
  batch.StartRow();
  batch.AddInt64(1);
  const Status status = batch.Flush(*db_);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("1 values for 1 rows of 4 columns"), std::string::npos)
      << status.message();
  EXPECT_EQ(Count("1"), 0);
}

}  // namespace
}  // namespace rampart::store::sqlite
