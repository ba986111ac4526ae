#include "server/api_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rampart::server {
namespace {

using ::testing::HasSubstr;

Result<Json> Parse(std::string body) {
  ApiRequest request;
  request.body = std::move(body);
  return ParseRequestObject(request);
}

TEST(StatusResponseTest, UnavailableIs503WithoutAddress) {
  ApiRequest request;
  const ApiResponse response = StatusResponse(
      request, Unavailable("postgresql://rampart:***@db.internal:5432/hub: connection lost"));
  EXPECT_EQ(response.status, 503);
  EXPECT_THAT(response.body, HasSubstr("ServiceUnavailableException"));
  EXPECT_THAT(response.body, ::testing::Not(HasSubstr("db.internal")));
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Retry-After");
}

TEST(StatusResponseTest, PermissionDeniedIs403) {
  ApiRequest request;
  const ApiResponse response =
      StatusResponse(request, Status(StatusCode::kPermissionDenied, "not on the allow-list"));
  EXPECT_EQ(response.status, 403);
  EXPECT_THAT(response.body, HasSubstr("not on the allow-list"));
}

TEST(ParseRequestObjectTest, ReadsNestedValuesOfEveryType) {
  auto body = Parse(R"({"Findings": [{"Id": "a\u00e9", "Count": 3, "Score": 0.5,
      "Big": 18446744073709551615, "Negative": -7, "Ok": true, "Note": null}]})");
  ASSERT_TRUE(body.has_value()) << body.status().ToString();
  const Json& finding = (*body)["Findings"][0];
  EXPECT_EQ(finding["Id"], "a\xc3\xa9");
  EXPECT_EQ(finding["Count"], 3);
  EXPECT_TRUE(finding["Count"].is_number_integer());
  EXPECT_EQ(finding["Score"], 0.5);
  EXPECT_EQ(finding["Big"].get<std::uint64_t>(), 18446744073709551615ull);
  EXPECT_EQ(finding["Negative"], -7);
  EXPECT_EQ(finding["Ok"], true);
  EXPECT_TRUE(finding["Note"].is_null());
}

// simdjson rejects integers beyond 64 bits; they are still read, as doubles, as before.
TEST(ParseRequestObjectTest, ReadsIntegersBeyondSixtyFourBitsAsDoubles) {
  auto body = Parse(R"({"Size": 123456789012345678901234567890})");
  ASSERT_TRUE(body.has_value()) << body.status().ToString();
  EXPECT_TRUE((*body)["Size"].is_number_float());
  EXPECT_DOUBLE_EQ((*body)["Size"].get<double>(), 1.2345678901234568e29);
}

TEST(ParseRequestObjectTest, SyntaxErrorNamesLineAndColumn) {
  auto body = Parse("{\"Findings\": [\n  {\"Id\": }]}");
  ASSERT_FALSE(body.has_value());
  EXPECT_THAT(body.status().message(), HasSubstr("request body: invalid JSON at line 2, column"));
}

TEST(ParseRequestObjectTest, HugeNumberNamesLineAndColumn) {
  auto body = Parse("{\"Findings\": [\n  {\"Count\": 1e400}]}");
  ASSERT_FALSE(body.has_value());
  EXPECT_THAT(body.status().message(),
              HasSubstr("request body: invalid JSON at line 2, column 13: the number 1e400"));
}

TEST(ParseRequestObjectTest, InvalidUtf8IsRejected) {
  auto body = Parse("{\"Id\": \"\xff\"}");
  ASSERT_FALSE(body.has_value());
  EXPECT_THAT(body.status().message(), HasSubstr("request body"));
}

TEST(ParseRequestObjectTest, NulByteAfterDocumentIsRejected) {
  auto body = Parse(std::string("{\"MaxResults\": 1}\0garbage", 25));
  ASSERT_FALSE(body.has_value());
  EXPECT_THAT(body.status().message(),
              HasSubstr("request body: invalid JSON at line 1, column 18: a NUL byte"));
}

// The last of duplicate keys wins whichever parser reads the body; the huge number sends the
// second body to nlohmann's parser.
TEST(ParseRequestObjectTest, LastDuplicateKeyWinsOnEitherParser) {
  auto fast = Parse(R"({"Id": "first", "Id": "last"})");
  ASSERT_TRUE(fast.has_value());
  EXPECT_EQ((*fast)["Id"], "last");
  auto slow = Parse(R"({"Id": "first", "Id": "last", "Size": 123456789012345678901234567890})");
  ASSERT_TRUE(slow.has_value());
  EXPECT_EQ((*slow)["Id"], "last");
}

TEST(ParseRequestObjectTest, NonObjectAndEmptyBodiesAreRejected) {
  auto array = Parse("[1, 2]");
  ASSERT_FALSE(array.has_value());
  EXPECT_THAT(array.status().message(), HasSubstr("the request body is a JSON array"));
  auto empty = Parse("");
  ASSERT_FALSE(empty.has_value());
  EXPECT_THAT(empty.status().message(), HasSubstr("the request body is empty"));
}

}  // namespace
}  // namespace rampart::server
