// Queries of the SQLite finding store: GetFindings pages, counts and group-by counts.
#include <fmt/format.h>

#include "store/import_outcome.h"
#include "store/page_token.h"
#include "store/sqlite_finding_store.h"
#include "store/sqlite_query.h"

namespace rampart::store {
namespace {

using sqlite::SqlFragment;
using sqlite::SqlValue;
using sqlite::Statement;

// Dynamic query shapes are cached as prepared statements up to this many.
constexpr std::size_t kMaxCachedStatements = 256;

SortCriterion DefaultSort() { return {FindField("UpdatedAt"), SortOrder::kDescending}; }

SqlValue ToSqlValue(const Json& value) {
  if (value.is_number_integer()) {
    return value.get<std::int64_t>();
  }
  if (value.is_number()) {
    return value.get<double>();
  }
  return value.get<std::string>();
}

Json ColumnJson(const Statement& statement, int column) {
  switch (statement.ColumnType(column)) {
    case 1:  // SQLITE_INTEGER
      return statement.ColumnInt64(column);
    case 2:  // SQLITE_FLOAT
      return statement.ColumnDouble(column);
    default:
      return std::string(statement.ColumnText(column));
  }
}

// Builds the condition that selects the rows after the token's row in sort order: for keys
// k0..kn (the last is f.seq), k0 after v0, or k0 = v0 and k1 after v1, and so on. The
// leading bound on k0 alone lets SQLite use an index range.
SqlFragment AfterToken(const std::vector<std::string>& keys, const std::vector<bool>& descending,
                       const PageToken& token) {
  std::vector<SqlValue> values;
  for (const Json& value : token.sort_values) {
    values.push_back(ToSqlValue(value));
  }
  values.emplace_back(token.sequence);
  SqlFragment fragment;
  fragment.sql = fmt::format("{} {} ?", keys[0], descending[0] ? "<=" : ">=");
  fragment.parameters.push_back(values[0]);
  std::vector<std::string> terms;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::string term;
    for (std::size_t j = 0; j < i; ++j) {
      term += fmt::format("{} = ? AND ", keys[j]);
      fragment.parameters.push_back(values[j]);
    }
    term += fmt::format("{} {} ?", keys[i], descending[i] ? "<" : ">");
    fragment.parameters.push_back(values[i]);
    terms.push_back(fmt::format("({})", term));
  }
  fragment.sql = fmt::format("{} AND ({})", fragment.sql, fmt::join(terms, " OR "));
  return fragment;
}

}  // namespace

Result<FindingPage> SqliteFindingStore::List(const FindingQuery& query) {
  if (query.max_results == 0 || query.max_results > kMaxPageSize) {
    return InvalidArgument(
        fmt::format("MaxResults: {} is outside 1-{}", query.max_results, kMaxPageSize));
  }
  db_->TrimStatementCache(kMaxCachedStatements);
  std::vector<SortCriterion> sort = query.sort;
  if (sort.empty()) {
    sort.push_back(DefaultSort());
  }
  std::vector<std::string> keys;
  std::vector<bool> descending;
  for (const SortCriterion& criterion : sort) {
    keys.push_back(sqlite::SortExpression(*criterion.field));
    descending.push_back(criterion.order == SortOrder::kDescending);
  }
  keys.push_back("f.seq");
  descending.push_back(descending.front());

  const std::string fingerprint = QueryFingerprint(query.filters, sort);
  SqlFragment after{"1", {}};
  if (!query.next_token.empty()) {
    auto token = DecodePageToken(query.next_token, fingerprint, sort.size());
    if (!token) {
      return token.status();
    }
    after = AfterToken(keys, descending, *token);
  }
  const SqlFragment where = sqlite::CompileFilters(query.filters, clock_->Now(), estimator_);

  std::vector<std::string> order;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    order.push_back(fmt::format("{} {}", keys[i], descending[i] ? "DESC" : "ASC"));
  }
  const std::string sql = fmt::format(
      "SELECT f.seq, f.document, {} FROM findings f WHERE ({}) AND ({}) ORDER BY {} LIMIT ?",
      fmt::join(keys.begin(), keys.end() - 1, ", "), where.sql, after.sql, fmt::join(order, ", "));
  auto statement = db_->Prepare(sql);
  if (!statement) {
    return statement.status();
  }
  Statement& select = **statement;
  int next = sqlite::BindAll(select, where.parameters);
  next = sqlite::BindAll(select, after.parameters, next);
  select.BindInt64(next, static_cast<std::int64_t>(query.max_results + 1));

  FindingPage page;
  PageToken last;
  while (true) {
    auto row = select.Step();
    if (!row) {
      return row.status();
    }
    if (!*row) {
      break;
    }
    if (page.findings.size() + page.texts.size() == query.max_results) {
      page.next_token = EncodePageToken(last, fingerprint);
      break;
    }
    if (query.as_text) {
      page.texts.emplace_back(select.ColumnText(1));
    } else {
      auto document = ParseStored(select.ColumnText(1));
      if (!document) {
        return document.status();
      }
      page.findings.push_back(std::move(*document));
    }
    last.sequence = select.ColumnInt64(0);
    last.sort_values.clear();
    for (std::size_t i = 0; i < sort.size(); ++i) {
      last.sort_values.push_back(ColumnJson(select, static_cast<int>(i) + 2));
    }
  }
  select.Reset();
  return page;
}

Result<std::int64_t> SqliteFindingStore::Count(const Filters& filters) {
  db_->TrimStatementCache(kMaxCachedStatements);
  const SqlFragment where = sqlite::CompileFilters(filters, clock_->Now(), estimator_);
  auto statement = db_->Prepare(fmt::format("SELECT count(*) FROM findings f WHERE {}", where.sql));
  if (!statement) {
    return statement.status();
  }
  sqlite::BindAll(**statement, where.parameters);
  auto row = (*statement)->Step();
  if (!row) {
    return row.status();
  }
  const std::int64_t count = (*statement)->ColumnInt64(0);
  (*statement)->Reset();
  return count;
}

Result<std::vector<GroupCount>> SqliteFindingStore::GroupBy(const Filters& filters,
                                                            std::string_view attribute) {
  auto field = FindGroupByField(attribute);
  if (!field) {
    return field.status();
  }
  auto source = sqlite::CompileGroupBy(**field);
  if (!source) {
    return source.status();
  }
  db_->TrimStatementCache(kMaxCachedStatements);
  const SqlFragment where = sqlite::CompileFilters(filters, clock_->Now(), estimator_);
  const std::string sql = fmt::format(
      "SELECT v, {} FROM (SELECT {} AS v, f.seq AS seq FROM findings f{} WHERE {}) "
      "WHERE v IS NOT NULL AND v != '' GROUP BY v ORDER BY 2 DESC, 1 ASC",
      source->multi_valued ? "count(DISTINCT seq)" : "count(*)", source->value, source->joins,
      where.sql);
  auto statement = db_->Prepare(sql);
  if (!statement) {
    return statement.status();
  }
  Statement& select = **statement;
  sqlite::BindAll(select, where.parameters);
  std::vector<GroupCount> groups;
  while (true) {
    auto row = select.Step();
    if (!row) {
      return row.status();
    }
    if (!*row) {
      break;
    }
    groups.push_back({std::string(select.ColumnText(0)), select.ColumnInt64(1)});
  }
  select.Reset();
  return groups;
}

}  // namespace rampart::store
