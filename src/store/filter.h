// Finding filters in the shape of Security Hub's AwsSecurityFindingFilters, and sort criteria.
// Parsing checks every field name, comparison and value, so a store only compiles valid
// filters into its query language.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "store/filter_fields.h"

namespace rampart::store {

enum class StringComparison {
  kEquals,
  kPrefix,
  kNotEquals,
  kPrefixNotEquals,
  kContains,
  kNotContains
};
enum class MapComparison { kEquals, kNotEquals, kContains, kNotContains };

// Returns true for the comparisons that exclude findings (NOT_EQUALS, PREFIX_NOT_EQUALS,
// NOT_CONTAINS), which are joined by AND instead of OR.
bool IsNegative(StringComparison comparison);
bool IsNegative(MapComparison comparison);

struct StringCondition {
  StringComparison comparison;
  std::string value;
};

// A number range; every bound given must hold.
struct NumberCondition {
  std::optional<double> gte, lte, eq, gt, lt;
};

// A date range: Start and End (inclusive), or the last `days` days before now.
struct DateCondition {
  std::optional<TimePoint> start, end;
  std::optional<std::int64_t> days;
};

struct MapCondition {
  MapComparison comparison;
  std::string key;
  std::string value;
};

// An IPv4 or IPv6 network in CIDR notation; a bare address is a /32 or /128.
struct IpCondition {
  std::string cidr;
};

struct BooleanCondition {
  bool value = false;
};

// The conditions on one attribute. Positive conditions are joined by OR; negative ones by
// AND, after the positive ones.
struct FieldFilter {
  const FieldSpec* field = nullptr;
  std::variant<std::vector<StringCondition>, std::vector<NumberCondition>,
               std::vector<DateCondition>, std::vector<MapCondition>, std::vector<IpCondition>,
               std::vector<BooleanCondition>>
      conditions;
};

// A parsed AwsSecurityFindingFilters object: the attribute filters are joined by AND.
struct Filters {
  std::vector<FieldFilter> fields;
  std::string canonical;  // the filters as canonical JSON, which page tokens are bound to

  bool empty() const { return fields.empty(); }
};

enum class SortOrder { kAscending, kDescending };

struct SortCriterion {
  const FieldSpec* field = nullptr;
  SortOrder order = SortOrder::kDescending;
};

// Filter values allowed for one attribute. Security Hub allows 20; more are accepted here, but
// not so many that the SQL of the OR'd values passes SQLite's expression depth of 1,000.
inline constexpr std::size_t kMaxFilterValues = 200;

// Parses an AwsSecurityFindingFilters object such as
// {"SeverityLabel": [{"Value": "CRITICAL", "Comparison": "EQUALS"}]}. Errors name the JSON
// path and the fix. They cover an unknown attribute (with the closest known name), an
// unknown comparison, a missing or empty value, and an invalid date or CIDR. They also cover
// the combinations that Security Hub rejects on one attribute: CONTAINS with NOT_CONTAINS,
// EQUALS with NOT_EQUALS or PREFIX_NOT_EQUALS, and CONTAINS or NOT_CONTAINS with any other
// comparison. An attribute with more than kMaxFilterValues values is rejected. `path` is the
// JSON path of `filters` in its request, such as "$.Filters", and errors name paths under it.
Result<Filters> ParseFilters(const Json& filters, const std::string& path = "$");

// Returns an error naming the first member of `object` that is not in `allowed`, or one when
// `object` is not an object. `path` is the object's JSON path, such as "$.Workflow".
Status CheckMembers(const Json& object, std::initializer_list<std::string_view> allowed,
                    const std::string& path);

// Parses SortCriteria: [{"Field": "SeverityNormalized", "SortOrder": "desc"}, ...]. The
// SortOrder defaults to desc. Map attributes cannot be sorted on. `path` is the JSON path of
// `criteria` in its request, such as "$.SortCriteria", and errors name paths under it.
Result<std::vector<SortCriterion>> ParseSortCriteria(const Json& criteria,
                                                     const std::string& path = "$");

// Parses "FIELD", "FIELD:asc" or "FIELD:desc", the command-line form.
Result<SortCriterion> ParseSortOption(std::string_view text);

// Returns the filter JSON that matches one string value, for building filters in code.
Json StringFilter(std::string_view field, std::string_view value,
                  std::string_view comparison = "EQUALS");

}  // namespace rampart::store
