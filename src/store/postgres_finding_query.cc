// Queries of the PostgreSQL finding store: GetFindings pages, counts and group-by counts.
#include <fmt/format.h>

#include "store/import_outcome.h"
#include "store/page_token.h"
#include "store/postgres_finding_store.h"
#include "store/postgres_query.h"

namespace rampart::store {
namespace {

using postgres::SortKey;
using postgres::SortType;
using postgres::SqlFragment;

SortCriterion DefaultSort() { return {FindField("UpdatedAt"), SortOrder::kDescending}; }

std::string_view CastOf(SortType type) {
  switch (type) {
    case SortType::kInteger:
      return "bigint";
    case SortType::kFloat:
      return "float8";
    case SortType::kText:
      return "text";
  }
  return "text";
}

// Returns the parameter text of a token's sort value, or nullopt when its JSON type does not
// fit the sort key.
std::optional<std::string> ParameterOf(const Json& value, SortType type) {
  switch (type) {
    case SortType::kInteger:
      return value.is_number_integer() ? std::optional(std::to_string(value.get<std::int64_t>()))
                                       : std::nullopt;
    case SortType::kFloat:
      return value.is_number() ? std::optional(fmt::format("{}", value.get<double>()))
                               : std::nullopt;
    case SortType::kText:
      return value.is_string() ? std::optional(value.get<std::string>()) : std::nullopt;
  }
  return std::nullopt;
}

Json ValueOf(const pqxx::field& field, SortType type) {
  switch (type) {
    case SortType::kInteger:
      return field.as<std::int64_t>();
    case SortType::kFloat:
      return field.as<double>();
    case SortType::kText:
      return field.as<std::string>();
  }
  return Json();
}

// Builds the condition that selects the rows after the token's row in sort order, with its
// parameters appended to `parameters`: for keys k0..kn (the last is f.seq), k0 after v0, or
// k0 = v0 and k1 after v1, and so on. The leading bound on k0 alone lets PostgreSQL scan an
// index range.
Result<std::string> AfterToken(const std::vector<SortKey>& keys,
                               const std::vector<bool>& descending, const PageToken& token,
                               std::vector<std::string>& parameters) {
  std::vector<std::string> placeholders;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const Json value = i < token.sort_values.size() ? token.sort_values[i] : Json(token.sequence);
    auto parameter = ParameterOf(value, keys[i].type);
    if (!parameter) {
      return InvalidArgument(
          "NextToken does not fit the sort criteria of this query; request the first page again");
    }
    parameters.push_back(std::move(*parameter));
    placeholders.push_back(fmt::format("${}::{}", parameters.size(), CastOf(keys[i].type)));
  }
  std::vector<std::string> terms;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::string term;
    for (std::size_t j = 0; j < i; ++j) {
      term += fmt::format("{} = {} AND ", keys[j].expression, placeholders[j]);
    }
    term += fmt::format("{} {} {}", keys[i].expression, descending[i] ? "<" : ">", placeholders[i]);
    terms.push_back(fmt::format("({})", term));
  }
  return fmt::format("{} {} {} AND ({})", keys[0].expression,
                     descending[0] ? "<=" : ">=", placeholders[0], fmt::join(terms, " OR "));
}

}  // namespace

Result<FindingPage> PostgresFindingStore::List(const FindingQuery& query) {
  if (query.max_results == 0 || query.max_results > kMaxPageSize) {
    return InvalidArgument(
        fmt::format("MaxResults: {} is outside 1-{}", query.max_results, kMaxPageSize));
  }
  std::vector<SortCriterion> sort = query.sort;
  if (sort.empty()) {
    sort.push_back(DefaultSort());
  }
  std::vector<SortKey> keys;
  std::vector<bool> descending;
  for (const SortCriterion& criterion : sort) {
    keys.push_back(postgres::SortExpression(*criterion.field));
    descending.push_back(criterion.order == SortOrder::kDescending);
  }
  keys.push_back({"f.seq", SortType::kInteger});
  descending.push_back(descending.front());

  SqlFragment where = postgres::CompileFilters(query.filters, clock_->Now());
  std::vector<std::string> parameters = std::move(where.parameters);
  const std::string fingerprint = QueryFingerprint(query.filters, sort);
  std::string after = "TRUE";
  if (!query.next_token.empty()) {
    auto token = DecodePageToken(query.next_token, fingerprint, sort.size());
    if (!token) {
      return token.status();
    }
    auto condition = AfterToken(keys, descending, *token, parameters);
    if (!condition) {
      return condition.status();
    }
    after = std::move(*condition);
  }
  std::vector<std::string> selected;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    selected.push_back(keys[i].expression);
    order.push_back(fmt::format("{} {}", keys[i].expression, descending[i] ? "DESC" : "ASC"));
  }
  parameters.push_back(std::to_string(query.max_results + 1));
  const std::string sql = fmt::format(
      "SELECT f.document::text, {} FROM findings f WHERE ({}) AND ({}) ORDER BY {} LIMIT "
      "${}::bigint",
      fmt::join(selected, ", "), where.sql, after, fmt::join(order, ", "), parameters.size());

  return RunRetrying("listing findings", [&]() -> Result<FindingPage> {
    FindingPage page;
    pqxx::nontransaction work(*connection_);
    const pqxx::result rows = work.exec_params(sql, pqxx::prepare::make_dynamic_params(parameters));
    PageToken last;
    for (const pqxx::row& row : rows) {
      if (page.findings.size() + page.texts.size() == query.max_results) {
        page.next_token = EncodePageToken(last, fingerprint);
        break;
      }
      if (query.as_text) {
        page.texts.emplace_back(row[0].c_str());
      } else {
        page.findings.push_back(Json::parse(row[0].c_str()));
      }
      last.sort_values.clear();
      for (std::size_t i = 0; i < sort.size(); ++i) {
        last.sort_values.push_back(ValueOf(row[static_cast<int>(i) + 1], keys[i].type));
      }
      last.sequence = row[static_cast<int>(keys.size())].as<std::int64_t>();
    }
    return page;
  });
}

Result<std::int64_t> PostgresFindingStore::Count(const Filters& filters) {
  const SqlFragment where = postgres::CompileFilters(filters, clock_->Now());
  return RunRetrying("counting findings", [&]() -> Result<std::int64_t> {
    pqxx::nontransaction work(*connection_);
    const pqxx::row row =
        work.exec_params1(fmt::format("SELECT count(*) FROM findings f WHERE {}", where.sql),
                          pqxx::prepare::make_dynamic_params(where.parameters));
    return row[0].as<std::int64_t>();
  });
}

Result<std::vector<GroupCount>> PostgresFindingStore::GroupBy(const Filters& filters,
                                                              std::string_view attribute) {
  auto field = FindGroupByField(attribute);
  if (!field) {
    return field.status();
  }
  auto source = postgres::CompileGroupBy(**field);
  if (!source) {
    return source.status();
  }
  const SqlFragment where = postgres::CompileFilters(filters, clock_->Now());
  const std::string sql = fmt::format(
      "SELECT v, {} FROM (SELECT {} AS v, f.seq AS seq FROM findings f{} WHERE {}) g "
      "WHERE v IS NOT NULL AND v <> '' GROUP BY v ORDER BY 2 DESC, v COLLATE \"C\" ASC",
      source->multi_valued ? "count(DISTINCT seq)" : "count(*)", source->value, source->joins,
      where.sql);
  return RunRetrying("grouping findings", [&]() -> Result<std::vector<GroupCount>> {
    pqxx::nontransaction work(*connection_);
    const pqxx::result rows =
        work.exec_params(sql, pqxx::prepare::make_dynamic_params(where.parameters));
    std::vector<GroupCount> groups;
    for (const pqxx::row& row : rows) {
      groups.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>()});
    }
    return groups;
  });
}

}  // namespace rampart::store
