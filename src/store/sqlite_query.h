// Compilation of parsed filters, sort criteria and group-by attributes into SQLite SQL over
// the findings table (alias `f`). Values are always bound as parameters, never spliced in.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/filter.h"
#include "store/sqlite_database.h"

namespace rampart::store::sqlite {

// A value bound to a `?` parameter: an integer, a float or a text.
struct SqlValue {
  enum class Type { kInteger, kFloat, kText };

  SqlValue(std::int64_t value) : type(Type::kInteger), integer(value) {}
  SqlValue(double value) : type(Type::kFloat), real(value) {}
  SqlValue(std::string value) : type(Type::kText), text(std::move(value)) {}

  Type type;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;
};

// A SQL fragment and the values of its `?` parameters, in order.
struct SqlFragment {
  std::string sql;
  std::vector<SqlValue> parameters;
};

// Returns true when a side-table condition (SQL over alias `s`, with its parameters) matches
// many rows. The compiler then probes the side table per finding instead of selecting the
// matching findings first, so a sorted page of a common resource type stops after a page.
using SideTableEstimator = std::function<bool(std::string_view table, std::string_view condition,
                                              std::span<const SqlValue> parameters)>;

// Compiles filters into a condition ("1" when there are none). Relative date ranges end at
// `now`. Without an estimator, every side-table condition selects its findings first.
SqlFragment CompileFilters(const Filters& filters, TimePoint now,
                           const SideTableEstimator& estimator = {});

// Returns the expression that sorts on `field`. A missing value sorts lowest. A multi-valued
// attribute sorts on its first value, and SeverityLabel sorts by severity rank
// (Severity.Normalized) rather than alphabetically.
std::string SortExpression(const FieldSpec& field);

// The pieces of a group-by query: tables joined to `findings f`, the grouped value, and
// whether a finding can yield several values (then findings are counted distinct).
struct GroupSource {
  std::string joins;
  std::string value;
  bool multi_valued = false;
};

// Returns how to group by `field`; fails for date attributes, which do not group.
Result<GroupSource> CompileGroupBy(const FieldSpec& field);

// Returns the 64-bit FNV-1a hash of a finding Id, the key of the findings_id_hash index.
std::int64_t IdHash(std::string_view id);

// Binds `values` to `statement` starting at parameter `first`; returns the next free index.
int BindAll(Statement& statement, const std::vector<SqlValue>& values, int first = 1);

}  // namespace rampart::store::sqlite
