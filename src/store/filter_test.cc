#include "store/filter.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rampart::store {
namespace {

using ::testing::HasSubstr;

Status ParseError(std::string_view text) {
  auto json = ParseJson(text, "filter");
  EXPECT_TRUE(json.has_value()) << text;
  auto filters = ParseFilters(*json);
  EXPECT_FALSE(filters.has_value()) << "accepted: " << text;
  return filters ? Status::Ok() : filters.status();
}

TEST(ParseFilters, ReadsEveryKind) {
  auto json = ParseJson(R"({
    "SeverityLabel": [{"Value": "CRITICAL", "Comparison": "EQUALS"}],
    "SeverityNormalized": [{"Gte": 40, "Lt": 90}],
    "UpdatedAt": [{"DateRange": {"Value": 7, "Unit": "DAYS"}}],
    "CreatedAt": [{"Start": "2021-01-01T00:00:00Z", "End": "2021-12-31T23:59:59Z"}],
    "ResourceTags": [{"Key": "team", "Value": "payments", "Comparison": "EQUALS"}],
    "NetworkSourceIpV4": [{"Cidr": "10.0.0.0/8"}],
    "Sample": [{"Value": false}]})",
                        "filter");
  ASSERT_TRUE(json.has_value());
  auto filters = ParseFilters(*json);
  ASSERT_TRUE(filters.has_value()) << filters.status().ToString();
  ASSERT_EQ(filters->fields.size(), 7u);
  for (const FieldFilter& filter : filters->fields) {
    ASSERT_NE(filter.field, nullptr);
  }
  const auto updated =
      std::find_if(filters->fields.begin(), filters->fields.end(),
                   [](const FieldFilter& f) { return f.field->name == "UpdatedAt"; });
  ASSERT_NE(updated, filters->fields.end());
  const auto& dates = std::get<std::vector<DateCondition>>(updated->conditions);
  EXPECT_EQ(dates.at(0).days, 7);
}

TEST(ParseFilters, UnknownFieldSuggestsName) {
  const Status status =
      ParseError(R"({"SeverityLable": [{"Value": "LOW", "Comparison": "EQUALS"}]})");
  EXPECT_THAT(status.message(), HasSubstr("$.SeverityLable"));
  EXPECT_THAT(status.message(), HasSubstr("unknown filter field"));
  EXPECT_THAT(status.message(), HasSubstr("did you mean SeverityLabel?"));
}

// Errors name the full path under the filters' own path in their request, once.
TEST(ParseFilters, ErrorsNamePathUnderRequest) {
  auto json = ParseJson(R"({"SeverityLabel": [{"Value": "LOW", "Comparison": "EQ"}]})", "filter");
  ASSERT_TRUE(json.has_value());
  auto filters = ParseFilters(*json, "$.Filters");
  ASSERT_FALSE(filters.has_value());
  EXPECT_THAT(filters.status().message(),
              ::testing::StartsWith("$.Filters.SeverityLabel[0].Comparison: \"EQ\" is not one of"));

  auto not_object = ParseFilters(Json::array(), "$.Filters");
  ASSERT_FALSE(not_object.has_value());
  EXPECT_THAT(not_object.status().message(), ::testing::StartsWith("$.Filters: filters must be"));
}

TEST(ParseFilters, TooManyValuesForOneAttribute) {
  Json values = Json::array();
  for (std::size_t i = 0; i <= kMaxFilterValues; ++i) {
    values.push_back({{"Value", "x" + std::to_string(i)}, {"Comparison", "EQUALS"}});
  }
  const Status status = ParseError(Json{{"Title", values}}.dump());
  EXPECT_THAT(status.message(), HasSubstr("$.Title: 201 filter values; send at most 200"));
  values.erase(values.end() - 1);
  EXPECT_TRUE(ParseFilters(Json{{"Title", values}}).has_value());
}

TEST(ParseFilters, UnknownComparisonNamesIt) {
  const Status status =
      ParseError(R"({"SeverityLabel": [{"Value": "LOW", "Comparison": "EQUAL"}]})");
  EXPECT_THAT(status.message(), HasSubstr("$.SeverityLabel[0].Comparison"));
  EXPECT_THAT(status.message(), HasSubstr("\"EQUAL\" is not one of"));
}

TEST(ParseFilters, RejectsMissingAndBlankValues) {
  EXPECT_THAT(ParseError(R"({"Title": [{"Comparison": "EQUALS"}]})").message(),
              HasSubstr("$.Title[0].Value: Value is missing"));
  EXPECT_THAT(ParseError(R"({"Title": [{"Value": " ", "Comparison": "PREFIX"}]})").message(),
              HasSubstr("must not be empty or blank"));
  EXPECT_THAT(ParseError(R"({"Title": []})").message(), HasSubstr("non-empty array"));
  EXPECT_THAT(ParseError(R"([1, 2])").message(), HasSubstr("must be a JSON object"));
}

TEST(ParseFilters, RejectsForbiddenCombinations) {
  EXPECT_THAT(ParseError(R"({"Title": [{"Value": "a", "Comparison": "CONTAINS"},
                                      {"Value": "b", "Comparison": "NOT_CONTAINS"}]})")
                  .message(),
              HasSubstr("CONTAINS and NOT_CONTAINS cannot be combined"));
  EXPECT_THAT(ParseError(R"({"Title": [{"Value": "a", "Comparison": "EQUALS"},
                                      {"Value": "b", "Comparison": "NOT_EQUALS"}]})")
                  .message(),
              HasSubstr("EQUALS cannot be combined"));
  EXPECT_THAT(ParseError(R"({"Title": [{"Value": "a", "Comparison": "EQUALS"},
                                      {"Value": "b", "Comparison": "PREFIX_NOT_EQUALS"}]})")
                  .message(),
              HasSubstr("EQUALS cannot be combined"));
  EXPECT_THAT(ParseError(R"({"Title": [{"Value": "a", "Comparison": "CONTAINS"},
                                      {"Value": "b", "Comparison": "EQUALS"}]})")
                  .message(),
              HasSubstr("CONTAINS can only be combined with other CONTAINS"));
}

TEST(ParseFilters, AcceptsPrefixWithNegatives) {
  auto json = ParseJson(R"({"ResourceType": [
      {"Value": "AwsIam", "Comparison": "PREFIX"},
      {"Value": "AwsEc2", "Comparison": "PREFIX"},
      {"Value": "AwsIamPolicy", "Comparison": "NOT_EQUALS"},
      {"Value": "AwsEc2NetworkInterface", "Comparison": "PREFIX_NOT_EQUALS"}]})",
                        "filter");
  ASSERT_TRUE(json.has_value());
  auto filters = ParseFilters(*json);
  ASSERT_TRUE(filters.has_value()) << filters.status().ToString();
  EXPECT_EQ(std::get<std::vector<StringCondition>>(filters->fields[0].conditions).size(), 4u);
}

TEST(ParseFilters, RejectsBadNumbersDatesAndCidrs) {
  EXPECT_THAT(ParseError(R"({"Confidence": [{}]})").message(),
              HasSubstr("needs at least one of Gte"));
  EXPECT_THAT(ParseError(R"({"Confidence": [{"Gte": "high"}]})").message(),
              HasSubstr("$.Confidence[0].Gte: must be a number"));
  EXPECT_THAT(ParseError(R"({"UpdatedAt": [{"Start": "yesterday"}]})").message(),
              HasSubstr("$.UpdatedAt[0].Start"));
  EXPECT_THAT(
      ParseError(R"({"UpdatedAt": [{"DateRange": {"Value": 3, "Unit": "HOURS"}}]})").message(),
      HasSubstr("must be \"DAYS\""));
  EXPECT_THAT(ParseError(R"({"NetworkSourceIpV4": [{"Cidr": "10.0.0.0/33"}]})").message(),
              HasSubstr("is not an IP address or CIDR block"));
  EXPECT_THAT(ParseError(R"({"Sample": [{"Value": "yes"}]})").message(),
              HasSubstr("must be true or false"));
  EXPECT_THAT(
      ParseError(R"({"ProductFields": [{"Key": "k", "Value": "v", "Comparison": "PREFIX"}]})")
          .message(),
      HasSubstr("is not one of EQUALS, NOT_EQUALS, CONTAINS, NOT_CONTAINS"));
}

TEST(ParseFilters, RejectsKeyword) {
  EXPECT_THAT(ParseError(R"({"Keyword": [{"Value": "x"}]})").message(),
              HasSubstr("Keyword filter is deprecated"));
}

TEST(ParseFilters, CanonicalTextIgnoresMemberOrder) {
  auto first = ParseJson(
      R"({"Title": [{"Value": "a", "Comparison": "EQUALS"}], "Id": [{"Comparison": "PREFIX", "Value": "x"}]})",
      "a");
  auto second = ParseJson(
      R"({"Id": [{"Value": "x", "Comparison": "PREFIX"}], "Title": [{"Comparison": "EQUALS", "Value": "a"}]})",
      "b");
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(ParseFilters(*first)->canonical, ParseFilters(*second)->canonical);
}

TEST(ParseSortCriteria, ReadsFieldsAndOrders) {
  auto json = ParseJson(R"([{"Field": "SeverityNormalized", "SortOrder": "desc"},
                            {"Field": "Title", "SortOrder": "asc"}, {"Field": "Id"}])",
                        "sort");
  ASSERT_TRUE(json.has_value());
  auto sort = ParseSortCriteria(*json);
  ASSERT_TRUE(sort.has_value()) << sort.status().ToString();
  ASSERT_EQ(sort->size(), 3u);
  EXPECT_EQ((*sort)[0].order, SortOrder::kDescending);
  EXPECT_EQ((*sort)[1].order, SortOrder::kAscending);
  EXPECT_EQ((*sort)[2].order, SortOrder::kDescending);
  EXPECT_EQ((*sort)[1].field->name, "Title");
}

TEST(ParseSortCriteria, RejectsUnknownFieldAndOrder) {
  auto unknown = ParseSortCriteria(Json::parse(R"([{"Field": "Severity"}])"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown filter field \"Severity\""));
  auto order = ParseSortCriteria(Json::parse(R"([{"Field": "Title", "SortOrder": "up"}])"));
  ASSERT_FALSE(order.has_value());
  EXPECT_THAT(order.status().message(), HasSubstr("\"up\" is not asc or desc"));
  auto map = ParseSortCriteria(Json::parse(R"([{"Field": "ResourceTags"}])"));
  ASSERT_FALSE(map.has_value());
  EXPECT_THAT(map.status().message(), HasSubstr("cannot be sorted on"));
}

TEST(ParseSortCriteria, ErrorsNamePathUnderRequest) {
  auto unknown = ParseSortCriteria(Json::parse(R"([{"Field": "Title"}, {"Field": "Nope"}])"),
                                   "$.SortCriteria");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_THAT(unknown.status().message(),
              ::testing::StartsWith("$.SortCriteria[1].Field: unknown filter field \"Nope\""));
  auto not_array = ParseSortCriteria(Json::object(), "$.SortCriteria");
  ASSERT_FALSE(not_array.has_value());
  EXPECT_THAT(not_array.status().message(),
              ::testing::StartsWith("$.SortCriteria: must be an array"));
}

TEST(ParseSortOption, ReadsCommandLineForm) {
  auto plain = ParseSortOption("UpdatedAt");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->order, SortOrder::kDescending);
  auto ascending = ParseSortOption("Title:asc");
  ASSERT_TRUE(ascending.has_value());
  EXPECT_EQ(ascending->order, SortOrder::kAscending);
  EXPECT_FALSE(ParseSortOption("Title:sideways").has_value());
}

TEST(FilterFields, EveryFieldHasAPath) {
  for (const FieldSpec& field : AllFields()) {
    EXPECT_FALSE(field.path.empty()) << field.name;
    EXPECT_EQ(FindField(field.name), &field);
    const bool needs_column = field.storage != FieldStorage::kDocument;
    EXPECT_EQ(!field.column.empty(), needs_column) << field.name;
  }
}

}  // namespace
}  // namespace rampart::store
