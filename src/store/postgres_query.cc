#include "store/postgres_query.h"

#include <fmt/format.h>

namespace rampart::store::postgres {
namespace {

// Returns the text[] literal of a dotted path for the #> operator: "A.B" becomes '{A,B}'.
// Paths come from the attribute catalog, never from input, so they need no escaping.
std::string PathLiteral(std::string_view dotted) {
  std::string literal = "'{";
  for (const char c : dotted) {
    literal += c == '.' ? ',' : c;
  }
  return literal + "}'";
}

// Returns the JSONB value at `tail` inside `element`, or `element` itself for an empty tail.
std::string Member(const std::string& element, const std::string& tail) {
  return tail.empty() ? element : fmt::format("({} #> {})", element, PathLiteral(tail));
}

// Builds "jsonb_array_elements(...) AS j0(value), jsonb_array_elements(...) AS j1(value)"
// over the arrays of a path and returns the innermost element expression in `innermost`.
std::string EachChain(const std::vector<std::string>& arrays, std::string& innermost) {
  std::string chain;
  std::string source = "f.document";
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    if (i > 0) {
      chain += ", ";
    }
    chain += fmt::format("jsonb_array_elements(rampart_array({} #> {})) AS j{}(value)", source,
                         PathLiteral(arrays[i]), i);
    source = fmt::format("j{}.value", i);
  }
  innermost = source;
  return chain;
}

// Returns the typed value of a JSONB expression for an attribute of `kind`.
std::string Typed(FieldKind kind, const std::string& json) {
  switch (kind) {
    case FieldKind::kNumber:
      return fmt::format("rampart_number({})", json);
    case FieldKind::kDate:
      return fmt::format("rampart_micros(rampart_text({}))", json);
    case FieldKind::kBoolean:
      return fmt::format("rampart_bool({})", json);
    default:
      return fmt::format("rampart_text({})", json);
  }
}

// The source of one attribute's values: the set-returning functions to search (empty for a
// single value), the typed value expression, and the side table for the indexed ones.
struct ValueSource {
  std::string from;
  std::string value;
  std::string side_table;
};

// Returns the attribute's values as JSONB: the member of the innermost array element, or of
// the document when the path crosses no array. `from` receives the array chain.
std::string JsonValue(const FieldSpec& field, std::string& from) {
  const SplitPath split = SplitAtArrays(field.path);
  if (split.arrays.empty()) {
    return Member("f.document", split.tail);
  }
  std::string innermost;
  from = EachChain(split.arrays, innermost);
  return Member(innermost, split.tail);
}

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
  ValueSource source;
  source.value = Typed(field.kind, JsonValue(field, source.from));
  return source;
}

// The members of a map attribute as jsonb_each rows, aliased m(key, value).
std::string MapChain(const FieldSpec& field) {
  std::string from;
  const std::string map = JsonValue(field, from);
  const std::string each = fmt::format("jsonb_each(rampart_object({})) AS m(key, value)", map);
  return from.empty() ? each : fmt::format("{}, {}", from, each);
}

class Compiler {
 public:
  Compiler(TimePoint now, std::size_t first_parameter) : now_(now), first_(first_parameter) {}

  SqlFragment Take(const std::vector<std::string>& clauses) {
    SqlFragment fragment;
    fragment.sql = clauses.empty() ? "TRUE" : fmt::format("{}", fmt::join(clauses, " AND "));
    fragment.parameters = std::move(parameters_);
    return fragment;
  }

  std::string Field(const FieldFilter& filter) {
    const FieldSpec& field = *filter.field;
    if (field.kind == FieldKind::kMap) {
      return MapField(field, std::get<std::vector<MapCondition>>(filter.conditions));
    }
    const ValueSource source = SourceOf(field);
    const bool on_column = field.storage != FieldStorage::kDocument;
    std::vector<std::string> parts;
    // Positive conditions first, then negative ones.
    for (const bool negative : {false, true}) {
      std::vector<std::string> tests;
      std::visit(
          [&](const auto& conditions) {
            for (const auto& condition : conditions) {
              Condition(source.value, on_column, condition, negative, tests);
            }
          },
          filter.conditions);
      if (!tests.empty()) {
        parts.push_back(Search(source, Any(tests), !negative));
      }
    }
    return fmt::format("({})", fmt::join(parts, " AND "));
  }

 private:
  std::string Bind(std::string value, std::string_view type) {
    parameters_.push_back(std::move(value));
    return fmt::format("${}::{}", first_ + parameters_.size() - 1, type);
  }

  static std::string Any(const std::vector<std::string>& conditions) {
    return fmt::format("({})", fmt::join(conditions, " OR "));
  }

  // Wraps the OR of per-value conditions into the finding-level test: some value matches
  // (`matches`), or no value matches (negative comparisons).
  static std::string Search(const ValueSource& source, const std::string& any, bool matches) {
    const char* negation = matches ? "" : "NOT ";
    if (!source.side_table.empty()) {
      return fmt::format("{}EXISTS (SELECT 1 FROM {} s WHERE s.finding_seq = f.seq AND {})",
                         negation, source.side_table, any);
    }
    if (!source.from.empty()) {
      return fmt::format("{}EXISTS (SELECT 1 FROM {} WHERE {})", negation, source.from, any);
    }
    return matches ? any : fmt::format("NOT coalesce({}, FALSE)", any);
  }

  void Condition(const std::string& value, bool on_column, const StringCondition& condition,
                 bool negative, std::vector<std::string>& tests) {
    if (IsNegative(condition.comparison) != negative) {
      return;
    }
    switch (condition.comparison) {
      case StringComparison::kEquals:
      case StringComparison::kNotEquals:
        tests.push_back(fmt::format("{} = {}", value, Bind(condition.value, "text")));
        break;
      case StringComparison::kPrefix:
      case StringComparison::kPrefixNotEquals: {
        const std::string prefix = Bind(condition.value, "text");
        // On an indexed column the lower bound lets PostgreSQL scan the index from the
        // prefix; starts_with decides.
        tests.push_back(on_column
                            ? fmt::format("({0} >= {1} AND starts_with({0}, {1}))", value, prefix)
                            : fmt::format("starts_with({}, {})", value, prefix));
        break;
      }
      case StringComparison::kContains:
      case StringComparison::kNotContains:
        tests.push_back(fmt::format("strpos({}, {}) > 0", value, Bind(condition.value, "text")));
        break;
    }
  }

  // Number, date, IP and boolean conditions are all positive.
  void Condition(const std::string& value, bool, const NumberCondition& condition, bool negative,
                 std::vector<std::string>& tests) {
    if (negative) {
      return;
    }
    std::vector<std::string> bounds;
    const std::pair<const std::optional<double>*, const char*> checks[] = {{&condition.gte, ">="},
                                                                           {&condition.lte, "<="},
                                                                           {&condition.eq, "="},
                                                                           {&condition.gt, ">"},
                                                                           {&condition.lt, "<"}};
    for (const auto& [bound, op] : checks) {
      if (*bound) {
        bounds.push_back(
            fmt::format("{} {} {}", value, op, Bind(fmt::format("{}", **bound), "float8")));
      }
    }
    tests.push_back(fmt::format("({})", fmt::join(bounds, " AND ")));
  }

  void Condition(const std::string& value, bool, const DateCondition& condition, bool negative,
                 std::vector<std::string>& tests) {
    if (negative) {
      return;
    }
    std::optional<TimePoint> start = condition.start;
    std::optional<TimePoint> end = condition.end;
    if (condition.days) {
      start = now_ - std::chrono::hours(24 * *condition.days);
      end = now_;
    }
    std::vector<std::string> bounds;
    if (start) {
      bounds.push_back(
          fmt::format("{} >= {}", value, Bind(std::to_string(ToUnixMicros(*start)), "bigint")));
    }
    if (end) {
      bounds.push_back(
          fmt::format("{} <= {}", value, Bind(std::to_string(ToUnixMicros(*end)), "bigint")));
    }
    tests.push_back(fmt::format("({})", fmt::join(bounds, " AND ")));
  }

  void Condition(const std::string& value, bool, const IpCondition& condition, bool negative,
                 std::vector<std::string>& tests) {
    if (!negative) {
      tests.push_back(
          fmt::format("rampart_cidr_contains({}, {})", Bind(condition.cidr, "text"), value));
    }
  }

  void Condition(const std::string& value, bool, const BooleanCondition& condition, bool negative,
                 std::vector<std::string>& tests) {
    if (!negative) {
      tests.push_back(fmt::format("coalesce({}, FALSE) = {}", value,
                                  Bind(condition.value ? "true" : "false", "boolean")));
    }
  }

  void Condition(const std::string&, bool, const MapCondition&, bool, std::vector<std::string>&) {}

  std::string MapField(const FieldSpec& field, const std::vector<MapCondition>& conditions) {
    const ValueSource source{MapChain(field), "", ""};
    std::vector<std::string> parts;
    for (const bool negative : {false, true}) {
      std::vector<std::string> tests;
      for (const auto& condition : conditions) {
        if (IsNegative(condition.comparison) != negative) {
          continue;
        }
        const bool equals = condition.comparison == MapComparison::kEquals ||
                            condition.comparison == MapComparison::kNotEquals;
        const std::string key = Bind(condition.key, "text");
        const std::string value = Bind(condition.value, "text");
        tests.push_back(equals
                            ? fmt::format("(m.key = {} AND rampart_text(m.value) = {})", key, value)
                            : fmt::format("(m.key = {} AND strpos(rampart_text(m.value), {}) > 0)",
                                          key, value));
      }
      if (!tests.empty()) {
        parts.push_back(Search(source, Any(tests), !negative));
      }
    }
    return fmt::format("({})", fmt::join(parts, " AND "));
  }

  TimePoint now_;
  std::size_t first_;
  std::vector<std::string> parameters_;
};

}  // namespace

SqlFragment CompileFilters(const Filters& filters, TimePoint now, std::size_t first_parameter) {
  Compiler compiler(now, first_parameter);
  std::vector<std::string> clauses;
  for (const FieldFilter& filter : filters.fields) {
    clauses.push_back(compiler.Field(filter));
  }
  return compiler.Take(clauses);
}

SortKey SortExpression(const FieldSpec& field) {
  if (field.name == "SeverityLabel" || field.name == "SeverityNormalized") {
    return {"f.severity_normalized", SortType::kFloat};
  }
  if (field.storage == FieldStorage::kColumn) {
    const SortType type = field.kind == FieldKind::kDate ? SortType::kInteger : SortType::kText;
    return {fmt::format("f.{}", field.column), type};
  }
  const std::string json =
      fmt::format("(f.document #> {})", PathLiteral(FirstValuePath(field.path, ".0")));
  switch (field.kind) {
    case FieldKind::kNumber:
      return {fmt::format("coalesce(rampart_number({}), '-1.7976931348623157e308'::float8)", json),
              SortType::kFloat};
    case FieldKind::kDate:
      return {fmt::format("coalesce(rampart_micros(rampart_text({})), "
                          "'-9223372036854775808'::bigint)",
                          json),
              SortType::kInteger};
    case FieldKind::kBoolean:
      return {fmt::format("(CASE WHEN rampart_bool({}) THEN 1 ELSE 0 END)", json),
              SortType::kInteger};
    default:
      return {fmt::format("(coalesce(rampart_text({}), '') COLLATE \"C\")", json), SortType::kText};
  }
}

Result<GroupSource> CompileGroupBy(const FieldSpec& field) {
  if (field.kind == FieldKind::kDate) {
    return InvalidArgument(fmt::format(
        "{} is a date attribute; group by a string attribute such as ResourceType", field.name));
  }
  if (field.kind == FieldKind::kMap) {
    return GroupSource{", " + MapChain(field), "m.key || '=' || (m.value #>> '{}')", true};
  }
  switch (field.storage) {
    case FieldStorage::kColumn:
      return GroupSource{"", fmt::format("f.{}::text", field.column), false};
    case FieldStorage::kResourceTable:
      return GroupSource{" JOIN finding_resources s ON s.finding_seq = f.seq",
                         fmt::format("s.{}", field.column), true};
    case FieldStorage::kVulnerabilityTable:
      return GroupSource{" JOIN finding_vulnerabilities s ON s.finding_seq = f.seq",
                         fmt::format("s.{}", field.column), true};
    case FieldStorage::kDocument:
      break;
  }
  std::string from;
  const std::string json = JsonValue(field, from);
  // A boolean groups as 1 or 0, as SQLite's json_extract returns it.
  const std::string value =
      field.kind == FieldKind::kBoolean
          ? fmt::format("(CASE rampart_bool({}) WHEN TRUE THEN '1' WHEN FALSE THEN '0' END)", json)
          : fmt::format("({} #>> '{{}}')", json);
  if (from.empty()) {
    return GroupSource{"", value, false};
  }
  return GroupSource{", " + from, value, true};
}

}  // namespace rampart::store::postgres
