#include "store/sqlite_query.h"

#include <span>

#include <fmt/format.h>

namespace rampart::store::sqlite {
namespace {

std::string JsonPath(std::string_view relative) { return fmt::format("'$.{}'", relative); }

// Returns `element`'s member at `tail`, or NULL when the element is not an object, so
// malformed documents never make json_extract fail.
std::string Member(const std::string& alias, const std::string& tail) {
  if (tail.empty()) {
    return alias + ".value";
  }
  return fmt::format("CASE WHEN {0}.type = 'object' THEN json_extract({0}.value, {1}) END", alias,
                     JsonPath(tail));
}

// Builds "json_each(...) AS j0, json_each(...) AS j1" over the arrays of a path and returns
// the alias of the innermost element.
std::string EachChain(const std::vector<std::string>& arrays, std::string& innermost) {
  std::string chain;
  std::string source = "f.document";
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    const std::string alias = fmt::format("j{}", i);
    if (i > 0) {
      chain += ", ";
      source =
          fmt::format("CASE WHEN {0}.type = 'object' THEN {0}.value ELSE '{{}}' END", innermost);
    }
    chain += fmt::format("json_each({}, {}) AS {}", source, JsonPath(arrays[i]), alias);
    innermost = alias;
  }
  return chain;
}

// The source of one attribute's values: a table expression to search (empty for a single
// value) and the value expression inside it.
struct ValueSource {
  std::string from;        // "json_each(...) AS j0", or "" for a scalar
  std::string value;       // the SQL expression of one value
  std::string side_table;  // for side tables: the table name
};

ValueSource SourceOf(const FieldSpec& field) {
  switch (field.storage) {
    case FieldStorage::kColumn:
      return {"", fmt::format("f.{}", field.column), ""};
    case FieldStorage::kResourceTable:
      return {"", fmt::format("s.{}", field.column), "finding_resources"};
    case FieldStorage::kVulnerabilityTable:
      return {"", fmt::format("s.{}", field.column), "finding_vulnerabilities"};
    case FieldStorage::kDocument:
      break;
  }
  const SplitPath split = SplitAtArrays(field.path);
  if (split.arrays.empty()) {
    return {"", fmt::format("json_extract(f.document, {})", JsonPath(split.tail)), ""};
  }
  std::string innermost;
  std::string chain = EachChain(split.arrays, innermost);
  return {std::move(chain), Member(innermost, split.tail), ""};
}

// The map object of a map attribute as a json_each over its members, aliased `m`.
std::string MapChain(const FieldSpec& field) {
  const SplitPath split = SplitAtArrays(field.path);
  if (split.arrays.empty()) {
    return fmt::format("json_each(f.document, {}) AS m", JsonPath(split.tail));
  }
  std::string innermost;
  std::string chain = EachChain(split.arrays, innermost);
  return fmt::format(
      "{0}, json_each(CASE WHEN {1}.type = 'object' THEN {1}.value ELSE '{{}}' END, {2}) AS m",
      chain, innermost, JsonPath(split.tail));
}

// The smallest string greater than every string that starts with `prefix`, for PREFIX as
// an index-friendly range; empty when there is none.
std::string PrefixUpperBound(std::string prefix) {
  while (!prefix.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last < 0xff) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

class Compiler {
 public:
  Compiler(TimePoint now, const SideTableEstimator& estimator) : now_(now), estimator_(estimator) {}

  SqlFragment Take(std::vector<std::string> clauses) {
    SqlFragment fragment;
    fragment.sql = clauses.empty() ? "1" : fmt::format("{}", fmt::join(clauses, " AND "));
    fragment.parameters = std::move(parameters_);
    return fragment;
  }

  std::string Field(const FieldFilter& filter) {
    const FieldSpec& field = *filter.field;
    if (field.kind == FieldKind::kMap) {
      return MapField(field, std::get<std::vector<MapCondition>>(filter.conditions));
    }
    const ValueSource source = SourceOf(field);
    std::vector<std::string> parts;
    // Positive conditions first, then negative ones, each with its parameters together.
    for (const bool negative : {false, true}) {
      const std::size_t first_parameter = parameters_.size();
      std::vector<std::string> tests;
      std::visit(
          [&](const auto& conditions) {
            for (const auto& condition : conditions) {
              Condition(field, source.value, condition, negative, tests);
            }
          },
          filter.conditions);
      if (!tests.empty()) {
        parts.push_back(Search(source, Any(tests), !negative, first_parameter));
      }
    }
    return fmt::format("({})", fmt::join(parts, " AND "));
  }

 private:
  std::string Bind(SqlValue value) {
    parameters_.push_back(std::move(value));
    return "?";
  }

  static std::string Any(const std::vector<std::string>& conditions) {
    return fmt::format("({})", fmt::join(conditions, " OR "));
  }

  // Wraps the OR of per-value conditions into the finding-level test: some value matches
  // (`matches`), or no value matches (negative comparisons). A side-table condition that
  // matches many rows is probed per finding (EXISTS), so a sorted page stops early; one that
  // matches few rows selects those findings directly (IN).
  std::string Search(const ValueSource& source, const std::string& any, bool matches,
                     std::size_t first_parameter) {
    if (!source.side_table.empty()) {
      const std::span<const SqlValue> parameters =
          std::span<const SqlValue>(parameters_).subspan(first_parameter);
      if (estimator_ && estimator_(source.side_table, any, parameters)) {
        return fmt::format("{}EXISTS (SELECT 1 FROM {} s WHERE s.finding_seq = f.seq AND {})",
                           matches ? "" : "NOT ", source.side_table, any);
      }
      return fmt::format("f.seq {}IN (SELECT s.finding_seq FROM {} s WHERE {})",
                         matches ? "" : "NOT ", source.side_table, any);
    }
    if (!source.from.empty()) {
      return fmt::format("{}EXISTS (SELECT 1 FROM {} WHERE {})", matches ? "" : "NOT ", source.from,
                         any);
    }
    return matches ? any : fmt::format("coalesce({}, 0) = 0", any);
  }

  void Condition(const FieldSpec&, const std::string& value, const StringCondition& condition,
                 bool negative, std::vector<std::string>& tests) {
    if (IsNegative(condition.comparison) != negative) {
      return;
    }
    std::string test;
    switch (condition.comparison) {
      case StringComparison::kEquals:
      case StringComparison::kNotEquals:
        if (value == "f.id") {
          // Id is indexed through its hash.
          // Two statements, because argument evaluation order (and so binding order) is
          // unspecified within one call.
          const std::string hash = Bind(IdHash(condition.value));
          test = fmt::format("(f.id_hash = {} AND f.id = {})", hash, Bind(condition.value));
        } else {
          test = fmt::format("{} = {}", value, Bind(condition.value));
        }
        break;
      case StringComparison::kPrefix:
      case StringComparison::kPrefixNotEquals: {
        const std::string upper = PrefixUpperBound(condition.value);
        test = fmt::format("({} >= {}", value, Bind(condition.value));
        test += upper.empty() ? ")" : fmt::format(" AND {} < {})", value, Bind(upper));
        break;
      }
      case StringComparison::kContains:
      case StringComparison::kNotContains:
        test = fmt::format("instr({}, {}) > 0", value, Bind(condition.value));
        break;
    }
    tests.push_back(std::move(test));
  }

  // Number, date, IP and boolean conditions are all positive.
  void Condition(const FieldSpec& field, const std::string& value, const NumberCondition& condition,
                 bool negative, std::vector<std::string>& tests) {
    if (negative) {
      return;
    }
    std::vector<std::string> bounds;
    if (field.storage != FieldStorage::kColumn) {
      bounds.push_back(fmt::format("typeof({}) IN ('integer', 'real')", value));
    }
    const std::pair<const std::optional<double>*, const char*> checks[] = {{&condition.gte, ">="},
                                                                           {&condition.lte, "<="},
                                                                           {&condition.eq, "="},
                                                                           {&condition.gt, ">"},
                                                                           {&condition.lt, "<"}};
    for (const auto& [bound, op] : checks) {
      if (*bound) {
        bounds.push_back(fmt::format("{} {} {}", value, op, Bind(**bound)));
      }
    }
    tests.push_back(fmt::format("({})", fmt::join(bounds, " AND ")));
  }

  void Condition(const FieldSpec& field, const std::string& value, const DateCondition& condition,
                 bool negative, std::vector<std::string>& tests) {
    if (negative) {
      return;
    }
    const std::string micros =
        field.storage == FieldStorage::kColumn ? value : fmt::format("rampart_micros({})", value);
    std::optional<TimePoint> start = condition.start;
    std::optional<TimePoint> end = condition.end;
    if (condition.days) {
      start = now_ - std::chrono::hours(24 * *condition.days);
      end = now_;
    }
    std::vector<std::string> bounds;
    if (start) {
      bounds.push_back(fmt::format("{} >= {}", micros, Bind(ToUnixMicros(*start))));
    }
    if (end) {
      bounds.push_back(fmt::format("{} <= {}", micros, Bind(ToUnixMicros(*end))));
    }
    tests.push_back(fmt::format("({})", fmt::join(bounds, " AND ")));
  }

  void Condition(const FieldSpec&, const std::string& value, const IpCondition& condition,
                 bool negative, std::vector<std::string>& tests) {
    if (!negative) {
      tests.push_back(
          fmt::format("rampart_cidr_contains({}, {}) = 1", Bind(condition.cidr), value));
    }
  }

  void Condition(const FieldSpec&, const std::string& value, const BooleanCondition& condition,
                 bool negative, std::vector<std::string>& tests) {
    if (!negative) {
      tests.push_back(
          fmt::format("coalesce({}, 0) = {}", value, Bind(std::int64_t{condition.value ? 1 : 0})));
    }
  }

  void Condition(const FieldSpec&, const std::string&, const MapCondition&, bool,
                 std::vector<std::string>&) {}

  std::string MapField(const FieldSpec& field, const std::vector<MapCondition>& conditions) {
    const ValueSource source{MapChain(field), "", ""};
    std::vector<std::string> parts;
    for (const bool negative : {false, true}) {
      const std::size_t first_parameter = parameters_.size();
      std::vector<std::string> tests;
      for (const auto& condition : conditions) {
        if (IsNegative(condition.comparison) != negative) {
          continue;
        }
        const bool equals = condition.comparison == MapComparison::kEquals ||
                            condition.comparison == MapComparison::kNotEquals;
        const std::string key = Bind(condition.key);
        const std::string value = Bind(condition.value);
        tests.push_back(equals
                            ? fmt::format("(m.key = {} AND m.value = {})", key, value)
                            : fmt::format("(m.key = {} AND instr(m.value, {}) > 0)", key, value));
      }
      if (!tests.empty()) {
        parts.push_back(Search(source, Any(tests), !negative, first_parameter));
      }
    }
    return fmt::format("({})", fmt::join(parts, " AND "));
  }

  TimePoint now_;
  const SideTableEstimator& estimator_;
  std::vector<SqlValue> parameters_;
};

}  // namespace

SqlFragment CompileFilters(const Filters& filters, TimePoint now,
                           const SideTableEstimator& estimator) {
  Compiler compiler(now, estimator);
  std::vector<std::string> clauses;
  for (const FieldFilter& filter : filters.fields) {
    clauses.push_back(compiler.Field(filter));
  }
  return compiler.Take(std::move(clauses));
}

std::string SortExpression(const FieldSpec& field) {
  if (field.name == "SeverityLabel") {
    return "f.severity_normalized";
  }
  if (field.storage == FieldStorage::kColumn) {
    return fmt::format("f.{}", field.column);
  }
  const std::string value =
      fmt::format("json_extract(f.document, {})", JsonPath(FirstValuePath(field.path, "[0]")));
  switch (field.kind) {
    case FieldKind::kNumber:
      return fmt::format("ifnull({}, -9223372036854775808)", value);
    case FieldKind::kDate:
      return fmt::format("ifnull(rampart_micros({}), -9223372036854775808)", value);
    case FieldKind::kBoolean:
      return fmt::format("ifnull({}, 0)", value);
    default:
      return fmt::format("ifnull({}, '')", value);
  }
}

Result<GroupSource> CompileGroupBy(const FieldSpec& field) {
  if (field.kind == FieldKind::kDate) {
    return InvalidArgument(fmt::format(
        "{} is a date attribute; group by a string attribute such as ResourceType", field.name));
  }
  if (field.kind == FieldKind::kMap) {
    return GroupSource{", " + MapChain(field), "m.key || '=' || m.value", true};
  }
  switch (field.storage) {
    case FieldStorage::kColumn:
      return GroupSource{"", fmt::format("f.{}", field.column), false};
    case FieldStorage::kResourceTable:
      return GroupSource{" JOIN finding_resources s ON s.finding_seq = f.seq",
                         fmt::format("s.{}", field.column), true};
    case FieldStorage::kVulnerabilityTable:
      return GroupSource{" JOIN finding_vulnerabilities s ON s.finding_seq = f.seq",
                         fmt::format("s.{}", field.column), true};
    case FieldStorage::kDocument:
      break;
  }
  const ValueSource source = SourceOf(field);
  if (source.from.empty()) {
    return GroupSource{"", source.value, false};
  }
  return GroupSource{", " + source.from, source.value, true};
}

std::int64_t IdHash(std::string_view id) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return static_cast<std::int64_t>(hash);
}

int BindAll(Statement& statement, const std::vector<SqlValue>& values, int first) {
  int index = first;
  for (const SqlValue& value : values) {
    switch (value.type) {
      case SqlValue::Type::kInteger:
        statement.BindInt64(index, value.integer);
        break;
      case SqlValue::Type::kFloat:
        statement.BindDouble(index, value.real);
        break;
      case SqlValue::Type::kText:
        statement.BindText(index, value.text);
        break;
    }
    ++index;
  }
  return index;
}

}  // namespace rampart::store::sqlite
