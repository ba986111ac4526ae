// Compilation of parsed filters, sort criteria and group-by attributes into PostgreSQL SQL
// over the findings table (alias `f`), with the semantics of the SQLite compiler in
// sqlite_query.h. Values are always passed as parameters ($1, $2, ...), never spliced in.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/filter.h"

namespace rampart::store::postgres {

// A SQL fragment and the text of its parameters, in order. Each parameter is written as
// `$n::TYPE` in the SQL, so its text is the value's text form.
struct SqlFragment {
  std::string sql;
  std::vector<std::string> parameters;
};

// Compiles filters into a condition ("TRUE" when there are none). Parameters are numbered
// from `first_parameter`. Relative date ranges end at `now`.
SqlFragment CompileFilters(const Filters& filters, TimePoint now, std::size_t first_parameter = 1);

// The type of a sort expression's values, for page tokens and parameter casts.
enum class SortType { kInteger, kFloat, kText };

struct SortKey {
  std::string expression;
  SortType type;
};

// Returns the expression that sorts on `field`, as SortExpression in sqlite_query.h: a missing
// value sorts lowest, a multi-valued attribute sorts on its first value, and SeverityLabel
// sorts by Severity.Normalized. Text sorts by bytes.
SortKey SortExpression(const FieldSpec& field);

// The pieces of a group-by query: tables joined to `findings f`, the grouped value as text,
// and whether a finding can yield several values (then findings are counted distinct).
struct GroupSource {
  std::string joins;
  std::string value;
  bool multi_valued = false;
};

// Returns how to group by `field`; fails for date attributes, which do not group.
Result<GroupSource> CompileGroupBy(const FieldSpec& field);

}  // namespace rampart::store::postgres
