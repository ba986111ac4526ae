#include "store/sqlite_row_batch.h"

#include <fmt/format.h>

namespace rampart::store::sqlite {
namespace {

// Rows per statement: large chunks first, then the rest in smaller ones, so that each table
// needs three prepared statements.
constexpr std::size_t kChunkRows[] = {32, 8, 1};

}  // namespace

RowBatch::RowBatch(std::string_view table, std::string_view columns, int column_count)
    : table_(table), column_count_(column_count) {
  std::string row = "(";
  for (int i = 0; i < column_count; ++i) {
    row += i == 0 ? "?" : ",?";
  }
  row += ")";
  for (const std::size_t rows : kChunkRows) {
    std::string sql = fmt::format("INSERT OR FAIL INTO {} ({}) VALUES ", table, columns);
    for (std::size_t i = 0; i < rows; ++i) {
      sql += i == 0 ? row : "," + row;
    }
    chunk_sql_.push_back(std::move(sql));
  }
}

void RowBatch::StartRow() { ++rows_; }

RowBatch::Value& RowBatch::Next() {
  if (used_ == values_.size()) {
    values_.emplace_back();
  }
  return values_[used_++];
}

void RowBatch::AddInt64(std::int64_t value) {
  Value& next = Next();
  next.type = Value::Type::kInteger;
  next.integer = value;
}

void RowBatch::AddDouble(double value) {
  Value& next = Next();
  next.type = Value::Type::kFloat;
  next.real = value;
}

void RowBatch::AddText(std::string_view text) {
  Value& next = Next();
  next.type = Value::Type::kText;
  next.text.assign(text);
}

void RowBatch::AddNull() { Next().type = Value::Type::kNull; }

void RowBatch::Clear() {
  used_ = 0;
  rows_ = 0;
}

Status RowBatch::InsertRows(Database& db, const std::string& sql, std::size_t first_row,
                            std::size_t rows) {
  auto statement = db.Prepare(sql);
  if (!statement) {
    return statement.status();
  }
  Statement& insert = **statement;
  const std::size_t first = first_row * static_cast<std::size_t>(column_count_);
  const std::size_t count = rows * static_cast<std::size_t>(column_count_);
  for (std::size_t i = 0; i < count; ++i) {
    const Value& value = values_[first + i];
    const int index = static_cast<int>(i) + 1;
    switch (value.type) {
      case Value::Type::kInteger:
        insert.BindInt64(index, value.integer);
        break;
      case Value::Type::kFloat:
        insert.BindDouble(index, value.real);
        break;
      case Value::Type::kText:
        insert.BindTextNoCopy(index, value.text);
        break;
      case Value::Type::kNull:
        insert.BindNull(index);
        break;
    }
  }
  return insert.Run();
}

Status RowBatch::Flush(Database& db) {
  const std::size_t expected = rows_ * static_cast<std::size_t>(column_count_);
  if (used_ != expected) {
    Status status = Internal(fmt::format("rows for {}: {} values for {} rows of {} columns", table_,
                                         used_, rows_, column_count_));
    Clear();
    return status;
  }
  std::size_t row = 0;
  for (std::size_t i = 0; i < std::size(kChunkRows); ++i) {
    const std::size_t chunk = kChunkRows[i];
    while (rows_ - row >= chunk) {
      Status status = InsertRows(db, chunk_sql_[i], row, chunk);
      if (!status.ok()) {
        Clear();
        return status;
      }
      row += chunk;
    }
  }
  Clear();
  return Status::Ok();
}

}  // namespace rampart::store::sqlite
