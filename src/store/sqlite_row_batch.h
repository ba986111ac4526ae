// Rows collected for one table and inserted together with multi-row INSERT statements.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/sqlite_database.h"

namespace rampart::store::sqlite {

// Rows for one table, inserted with multi-row INSERT statements. One statement that inserts
// 32 rows costs less than 32 executions of a one-row statement when the table has many
// indexes, because each execution opens a cursor per index (docs/performance-store.md has
// the measurement). The statements are INSERT OR FAIL: a plain multi-row INSERT could fail
// after some of its rows, so SQLite would copy every page it changes into a statement
// journal first, which costs more than the batching saves. After a failure, the rows
// inserted before it stay until the caller's transaction rolls back. Values are copied in,
// and the buffers are kept across flushes, so a batch allocates only while it grows.
class RowBatch {
 public:
  // `table` and `columns` form "INSERT INTO table (columns)"; `column_count` is the number of
  // names in `columns`.
  RowBatch(std::string_view table, std::string_view columns, int column_count);

  // Starts a row, whose values follow in column order.
  void StartRow();
  void AddInt64(std::int64_t value);
  void AddDouble(double value);
  void AddText(std::string_view text);
  void AddNull();

  std::size_t rows() const { return rows_; }

  // Inserts the rows into `db`, in the order they were added, and empties the batch, also on
  // error. Fails when the last row is incomplete.
  Status Flush(Database& db);
  // Empties the batch without inserting.
  void Clear();

 private:
  struct Value {
    enum class Type { kInteger, kFloat, kText, kNull };
    Type type = Type::kNull;
    std::int64_t integer = 0;
    double real = 0;
    std::string text;
  };

  Value& Next();
  // Inserts `rows` rows from `first_row` on with the statement `sql`.
  Status InsertRows(Database& db, const std::string& sql, std::size_t first_row, std::size_t rows);

  std::string table_;
  int column_count_;
  std::vector<std::string> chunk_sql_;  // the INSERT of kChunkRows[i] rows
  std::vector<Value> values_;           // rows_ * column_count_ used; more kept for reuse
  std::size_t used_ = 0;
  std::size_t rows_ = 0;
};

}  // namespace rampart::store::sqlite
