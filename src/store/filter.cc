#include "store/filter.h"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "store/json_writer.h"

namespace rampart::store {
namespace {

constexpr std::string_view kStringComparisons =
    "EQUALS, PREFIX, NOT_EQUALS, PREFIX_NOT_EQUALS, CONTAINS, NOT_CONTAINS";
constexpr std::string_view kMapComparisons = "EQUALS, NOT_EQUALS, CONTAINS, NOT_CONTAINS";
constexpr std::size_t kMaxFilterValue = 4096;

constexpr std::pair<std::string_view, StringComparison> kStringComparisonNames[] = {
    {"EQUALS", StringComparison::kEquals},
    {"PREFIX", StringComparison::kPrefix},
    {"NOT_EQUALS", StringComparison::kNotEquals},
    {"PREFIX_NOT_EQUALS", StringComparison::kPrefixNotEquals},
    {"CONTAINS", StringComparison::kContains},
    {"NOT_CONTAINS", StringComparison::kNotContains},
};

constexpr std::pair<std::string_view, MapComparison> kMapComparisonNames[] = {
    {"EQUALS", MapComparison::kEquals},
    {"NOT_EQUALS", MapComparison::kNotEquals},
    {"CONTAINS", MapComparison::kContains},
    {"NOT_CONTAINS", MapComparison::kNotContains},
};

template <typename Comparison, std::size_t N>
std::optional<Comparison> LookUp(const std::pair<std::string_view, Comparison> (&names)[N],
                                 std::string_view text) {
  for (const auto& [name, comparison] : names) {
    if (name == text) {
      return comparison;
    }
  }
  return std::nullopt;
}

std::optional<StringComparison> ParseStringComparison(std::string_view text) {
  return LookUp(kStringComparisonNames, text);
}

std::optional<MapComparison> ParseMapComparison(std::string_view text) {
  return LookUp(kMapComparisonNames, text);
}

// Reads a required non-empty string member of a filter object.
Result<std::string> RequiredString(const Json& object, std::string_view key,
                                   const std::string& path) {
  const auto it = object.find(key);
  const std::string member_path = JsonPathMember(path, key);
  if (it == object.end() || it->is_null()) {
    return InvalidArgument(fmt::format("{}: {} is missing", member_path, key));
  }
  if (!it->is_string()) {
    return InvalidArgument(
        fmt::format("{}: must be a string, not {}", member_path, it->type_name()));
  }
  std::string value = it->get<std::string>();
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgument(fmt::format("{}: must not be empty or blank", member_path));
  }
  if (value.size() > kMaxFilterValue) {
    return InvalidArgument(fmt::format("{}: is {} bytes long; the maximum is {}", member_path,
                                       value.size(), kMaxFilterValue));
  }
  return value;
}

Result<StringCondition> ParseStringCondition(const Json& item, const std::string& path) {
  RAMPART_RETURN_IF_ERROR(CheckMembers(item, {"Value", "Comparison"}, path));
  auto value = RequiredString(item, "Value", path);
  if (!value) {
    return value.status();
  }
  auto comparison_text = RequiredString(item, "Comparison", path);
  if (!comparison_text) {
    return comparison_text.status();
  }
  const auto comparison = ParseStringComparison(*comparison_text);
  if (!comparison) {
    return InvalidArgument(fmt::format("{}.Comparison: \"{}\" is not one of {}", path,
                                       *comparison_text, kStringComparisons));
  }
  return StringCondition{*comparison, std::move(*value)};
}

// Applies Security Hub's rules on combining string comparisons on one attribute.
Status CheckStringCombination(const std::vector<StringCondition>& conditions,
                              const std::string& path) {
  bool has[6] = {};
  for (const auto& condition : conditions) {
    has[static_cast<int>(condition.comparison)] = true;
  }
  const bool equals = has[static_cast<int>(StringComparison::kEquals)];
  const bool prefix = has[static_cast<int>(StringComparison::kPrefix)];
  const bool not_equals = has[static_cast<int>(StringComparison::kNotEquals)];
  const bool prefix_not = has[static_cast<int>(StringComparison::kPrefixNotEquals)];
  const bool contains = has[static_cast<int>(StringComparison::kContains)];
  const bool not_contains = has[static_cast<int>(StringComparison::kNotContains)];
  if (contains && not_contains) {
    return InvalidArgument(
        fmt::format("{}: CONTAINS and NOT_CONTAINS cannot be combined on one attribute", path));
  }
  if (equals && (not_equals || prefix_not)) {
    return InvalidArgument(fmt::format(
        "{}: EQUALS cannot be combined with NOT_EQUALS or PREFIX_NOT_EQUALS on one attribute; "
        "use PREFIX with the negative comparisons, or EQUALS alone",
        path));
  }
  if (contains && (equals || prefix || not_equals || prefix_not)) {
    return InvalidArgument(
        fmt::format("{}: CONTAINS can only be combined with other CONTAINS filters", path));
  }
  if (not_contains && (equals || prefix || not_equals || prefix_not)) {
    return InvalidArgument(
        fmt::format("{}: NOT_CONTAINS can only be combined with other NOT_CONTAINS filters", path));
  }
  return Status::Ok();
}

Result<double> ParseNumberBound(const Json& value, const std::string& path) {
  if (!value.is_number()) {
    return InvalidArgument(fmt::format("{}: must be a number, not {}", path, value.type_name()));
  }
  const double number = value.get<double>();
  if (!std::isfinite(number)) {
    return InvalidArgument(fmt::format("{}: must be a finite number", path));
  }
  return number;
}

Result<NumberCondition> ParseNumberCondition(const Json& item, const std::string& path) {
  RAMPART_RETURN_IF_ERROR(CheckMembers(item, {"Gte", "Lte", "Eq", "Gt", "Lt"}, path));
  if (item.empty()) {
    return InvalidArgument(fmt::format("{}: needs at least one of Gte, Lte, Eq, Gt, Lt", path));
  }
  NumberCondition condition;
  const std::pair<const char*, std::optional<double>*> bounds[] = {{"Gte", &condition.gte},
                                                                   {"Lte", &condition.lte},
                                                                   {"Eq", &condition.eq},
                                                                   {"Gt", &condition.gt},
                                                                   {"Lt", &condition.lt}};
  for (const auto& [key, target] : bounds) {
    if (auto it = item.find(key); it != item.end()) {
      auto number = ParseNumberBound(*it, JsonPathMember(path, key));
      if (!number) {
        return number.status();
      }
      *target = *number;
    }
  }
  return condition;
}

Result<TimePoint> ParseDateBound(const Json& value, const std::string& path) {
  if (!value.is_string()) {
    return InvalidArgument(
        fmt::format("{}: must be an RFC 3339 timestamp string such as 2026-01-31T12:00:00Z", path));
  }
  auto time = ParseTimestamp(value.get<std::string>());
  if (!time) {
    return time.status().WithContext(path);
  }
  return *time;
}

Result<std::int64_t> ParseDateRange(const Json& range, const std::string& path) {
  RAMPART_RETURN_IF_ERROR(CheckMembers(range, {"Value", "Unit"}, path));
  const auto value = range.find("Value");
  if (value == range.end() || !value->is_number_integer() || value->get<std::int64_t>() < 0 ||
      value->get<std::int64_t>() > 36500) {
    return InvalidArgument(
        fmt::format("{}.Value: must be a whole number of days from 0 to 36500", path));
  }
  const auto unit = range.find("Unit");
  if (unit == range.end() || !unit->is_string() || unit->get<std::string>() != "DAYS") {
    return InvalidArgument(
        fmt::format("{}.Unit: must be \"DAYS\", the only unit Security Hub "
                    "defines",
                    path));
  }
  return value->get<std::int64_t>();
}

Result<DateCondition> ParseDateCondition(const Json& item, const std::string& path) {
  RAMPART_RETURN_IF_ERROR(CheckMembers(item, {"Start", "End", "DateRange"}, path));
  DateCondition condition;
  if (auto it = item.find("Start"); it != item.end()) {
    auto start = ParseDateBound(*it, JsonPathMember(path, "Start"));
    if (!start) {
      return start.status();
    }
    condition.start = *start;
  }
  if (auto it = item.find("End"); it != item.end()) {
    auto end = ParseDateBound(*it, JsonPathMember(path, "End"));
    if (!end) {
      return end.status();
    }
    condition.end = *end;
  }
  if (auto it = item.find("DateRange"); it != item.end()) {
    auto days = ParseDateRange(*it, JsonPathMember(path, "DateRange"));
    if (!days) {
      return days.status();
    }
    condition.days = *days;
  }
  if (!condition.start && !condition.end && !condition.days) {
    return InvalidArgument(fmt::format("{}: needs Start, End or DateRange", path));
  }
  if (condition.days && (condition.start || condition.end)) {
    return InvalidArgument(fmt::format("{}: give either DateRange or Start/End, not both", path));
  }
  return condition;
}

Result<MapCondition> ParseMapCondition(const Json& item, const std::string& path) {
  RAMPART_RETURN_IF_ERROR(CheckMembers(item, {"Key", "Value", "Comparison"}, path));
  auto key = RequiredString(item, "Key", path);
  if (!key) {
    return key.status();
  }
  auto value = RequiredString(item, "Value", path);
  if (!value) {
    return value.status();
  }
  auto comparison_text = RequiredString(item, "Comparison", path);
  if (!comparison_text) {
    return comparison_text.status();
  }
  const auto comparison = ParseMapComparison(*comparison_text);
  if (!comparison) {
    return InvalidArgument(fmt::format("{}.Comparison: \"{}\" is not one of {}", path,
                                       *comparison_text, kMapComparisons));
  }
  return MapCondition{*comparison, std::move(*key), std::move(*value)};
}

bool ValidCidr(std::string_view cidr) {
  const auto slash = cidr.find('/');
  const std::string address(cidr.substr(0, slash));
  unsigned char bytes[16];
  int bits = 0;
  if (inet_pton(AF_INET, address.c_str(), bytes) == 1) {
    bits = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), bytes) == 1) {
    bits = 128;
  } else {
    return false;
  }
  if (slash == std::string_view::npos) {
    return true;
  }
  const std::string_view length = cidr.substr(slash + 1);
  int prefix = -1;
  const auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), prefix);
  return error == std::errc() && end == length.data() + length.size() && prefix >= 0 &&
         prefix <= bits;
}

Result<IpCondition> ParseIpCondition(const Json& item, const std::string& path) {
  RAMPART_RETURN_IF_ERROR(CheckMembers(item, {"Cidr"}, path));
  auto cidr = RequiredString(item, "Cidr", path);
  if (!cidr) {
    return cidr.status();
  }
  if (!ValidCidr(*cidr)) {
    return InvalidArgument(fmt::format(
        "{}.Cidr: \"{}\" is not an IP address or CIDR block such as 10.0.0.0/8 or 2001:db8::/32",
        path, *cidr));
  }
  return IpCondition{std::move(*cidr)};
}

Result<BooleanCondition> ParseBooleanCondition(const Json& item, const std::string& path) {
  RAMPART_RETURN_IF_ERROR(CheckMembers(item, {"Value"}, path));
  const auto it = item.find("Value");
  if (it == item.end() || !it->is_boolean()) {
    return InvalidArgument(fmt::format("{}.Value: must be true or false", path));
  }
  return BooleanCondition{it->get<bool>()};
}

// Parses every item of one attribute's filter list with `parse`.
template <typename Condition, typename Parser>
Result<std::vector<Condition>> ParseList(const Json& list, const std::string& path, Parser parse) {
  std::vector<Condition> conditions;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto condition = parse(list[i], JsonPathIndex(path, i));
    if (!condition) {
      return condition.status();
    }
    conditions.push_back(std::move(*condition));
  }
  return conditions;
}

Result<FieldFilter> ParseFieldFilter(const FieldSpec& field, const Json& list,
                                     const std::string& path) {
  if (!list.is_array() || list.empty()) {
    return InvalidArgument(fmt::format("{}: must be a non-empty array of {} filters", path,
                                       FieldKindName(field.kind)));
  }
  if (list.size() > kMaxFilterValues) {
    return InvalidArgument(
        fmt::format("{}: {} filter values; send at most {} per attribute (Security Hub allows 20)",
                    path, list.size(), kMaxFilterValues));
  }
  FieldFilter filter{&field, {}};
  switch (field.kind) {
    case FieldKind::kString: {
      auto conditions = ParseList<StringCondition>(list, path, ParseStringCondition);
      if (!conditions) {
        return conditions.status();
      }
      RAMPART_RETURN_IF_ERROR(CheckStringCombination(*conditions, path));
      filter.conditions = std::move(*conditions);
      break;
    }
    case FieldKind::kNumber: {
      auto conditions = ParseList<NumberCondition>(list, path, ParseNumberCondition);
      if (!conditions) {
        return conditions.status();
      }
      filter.conditions = std::move(*conditions);
      break;
    }
    case FieldKind::kDate: {
      auto conditions = ParseList<DateCondition>(list, path, ParseDateCondition);
      if (!conditions) {
        return conditions.status();
      }
      filter.conditions = std::move(*conditions);
      break;
    }
    case FieldKind::kMap: {
      auto conditions = ParseList<MapCondition>(list, path, ParseMapCondition);
      if (!conditions) {
        return conditions.status();
      }
      filter.conditions = std::move(*conditions);
      break;
    }
    case FieldKind::kIp: {
      auto conditions = ParseList<IpCondition>(list, path, ParseIpCondition);
      if (!conditions) {
        return conditions.status();
      }
      filter.conditions = std::move(*conditions);
      break;
    }
    case FieldKind::kBoolean: {
      auto conditions = ParseList<BooleanCondition>(list, path, ParseBooleanCondition);
      if (!conditions) {
        return conditions.status();
      }
      filter.conditions = std::move(*conditions);
      break;
    }
  }
  return filter;
}

Status UnknownField(std::string_view name, const std::string& path) {
  if (name == "Keyword") {
    return InvalidArgument(fmt::format(
        "{}: the Keyword filter is deprecated by Security Hub and not supported; use Title or "
        "Description with CONTAINS",
        path));
  }
  const std::string_view suggestion = SuggestField(name);
  if (suggestion.empty()) {
    return InvalidArgument(fmt::format(
        "{}: unknown filter field \"{}\"; use an AwsSecurityFindingFilters member such as "
        "SeverityLabel, ResourceType or WorkflowStatus",
        path, name));
  }
  return InvalidArgument(
      fmt::format("{}: unknown filter field \"{}\"; did you mean {}?", path, name, suggestion));
}

Result<SortOrder> ParseSortOrder(std::string_view text, const std::string& path) {
  if (text == "asc") {
    return SortOrder::kAscending;
  }
  if (text == "desc") {
    return SortOrder::kDescending;
  }
  return InvalidArgument(fmt::format("{}: \"{}\" is not asc or desc", path, text));
}

Result<const FieldSpec*> SortField(std::string_view name, const std::string& path) {
  const FieldSpec* field = FindField(name);
  if (field == nullptr) {
    return UnknownField(name, path);
  }
  if (field->kind == FieldKind::kMap) {
    return InvalidArgument(
        fmt::format("{}: {} is a map attribute and cannot be sorted on", path, name));
  }
  return field;
}

}  // namespace

Status CheckMembers(const Json& object, std::initializer_list<std::string_view> allowed,
                    const std::string& path) {
  if (!object.is_object()) {
    return InvalidArgument(fmt::format("{}: must be an object, not {}", path, object.type_name()));
  }
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const auto name : allowed) {
      known = known || key == name;
    }
    if (!known) {
      return InvalidArgument(fmt::format("{}: unknown member \"{}\"; expected {}", path, key,
                                         fmt::join(allowed, ", ")));
    }
  }
  return Status::Ok();
}

bool IsNegative(StringComparison comparison) {
  return comparison == StringComparison::kNotEquals ||
         comparison == StringComparison::kPrefixNotEquals ||
         comparison == StringComparison::kNotContains;
}

bool IsNegative(MapComparison comparison) {
  return comparison == MapComparison::kNotEquals || comparison == MapComparison::kNotContains;
}

Result<Filters> ParseFilters(const Json& filters, const std::string& path) {
  Filters parsed;
  if (filters.is_null()) {
    parsed.canonical = "{}";
    return parsed;
  }
  if (!filters.is_object()) {
    return InvalidArgument(
        fmt::format("{}: filters must be a JSON object such as {{\"SeverityLabel\": [{{\"Value\": "
                    "\"CRITICAL\", \"Comparison\": \"EQUALS\"}}]}}, not {}",
                    path, filters.type_name()));
  }
  for (const auto& [name, list] : filters.items()) {
    const std::string field_path = JsonPathMember(path, name);
    const FieldSpec* field = FindField(name);
    if (field == nullptr) {
      return UnknownField(name, field_path);
    }
    auto filter = ParseFieldFilter(*field, list, field_path);
    if (!filter) {
      return filter.status();
    }
    parsed.fields.push_back(std::move(*filter));
  }
  // nlohmann::json keeps object members sorted, so equal filters write equal text.
  if (!WriteJson(filters, parsed.canonical)) {
    return InvalidArgument(fmt::format("{}: the filters hold text that is not valid UTF-8", path));
  }
  return parsed;
}

Result<std::vector<SortCriterion>> ParseSortCriteria(const Json& criteria,
                                                     const std::string& path) {
  std::vector<SortCriterion> parsed;
  if (criteria.is_null()) {
    return parsed;
  }
  if (!criteria.is_array()) {
    return InvalidArgument(
        fmt::format("{}: must be an array of {{\"Field\", \"SortOrder\"}}", path));
  }
  for (std::size_t i = 0; i < criteria.size(); ++i) {
    const std::string item_path = JsonPathIndex(path, i);
    RAMPART_RETURN_IF_ERROR(CheckMembers(criteria[i], {"Field", "SortOrder"}, item_path));
    auto name = RequiredString(criteria[i], "Field", item_path);
    if (!name) {
      return name.status();
    }
    auto field = SortField(*name, JsonPathMember(item_path, "Field"));
    if (!field) {
      return field.status();
    }
    SortCriterion criterion{*field, SortOrder::kDescending};
    if (auto it = criteria[i].find("SortOrder"); it != criteria[i].end()) {
      auto order = ParseSortOrder(it->is_string() ? it->get<std::string>() : it->dump(),
                                  JsonPathMember(item_path, "SortOrder"));
      if (!order) {
        return order.status();
      }
      criterion.order = *order;
    }
    parsed.push_back(criterion);
  }
  return parsed;
}

Result<SortCriterion> ParseSortOption(std::string_view text) {
  const auto colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  auto field = SortField(name, "--sort-by");
  if (!field) {
    return field.status();
  }
  SortCriterion criterion{*field, SortOrder::kDescending};
  if (colon != std::string_view::npos) {
    auto order = ParseSortOrder(text.substr(colon + 1), "--sort-by");
    if (!order) {
      return order.status();
    }
    criterion.order = *order;
  }
  return criterion;
}

Json StringFilter(std::string_view field, std::string_view value, std::string_view comparison) {
  return Json{
      {std::string(field), Json::array({Json{{"Value", value}, {"Comparison", comparison}}})}};
}

}  // namespace rampart::store
