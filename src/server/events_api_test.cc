#include "server/events_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/file.h"
#include "server/api_test_support.h"

namespace rampart::server {
namespace {

using ::testing::HasSubstr;

std::string ReadText(const std::filesystem::path& path) {
  auto text = ReadFile(path.string());
  EXPECT_TRUE(text.has_value()) << path;
  return text ? *text : "";
}

class EventsApiTest : public ApiTest {
 protected:
  void AddRoutes(HttpServer& server) override { AddEventRoutes(server, stores_); }
};

TEST_F(EventsApiTest, ImportedEventIsStored) {
  if (SharedFindings().empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  const std::string body = ReadText(SharedFindings() / "asr/eventbridge-imported-cis-1.3.json");
  const Json event = Json::parse(body);
  const Json answer = BodyJson(Post("/v1/events", body, "import"));
  EXPECT_EQ(answer["SuccessCount"], 1) << answer.dump();
  EXPECT_EQ(answer["EventId"], event["id"]);

  const Json& finding = event["detail"]["findings"][0];
  auto stored = findings_->Get({finding["ProductArn"], finding["Id"]});
  ASSERT_TRUE(stored.has_value());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((**stored)["Title"], finding["Title"]);
  auto outbox = findings_->ReadEvents(0, 10);
  ASSERT_TRUE(outbox.has_value());
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_THAT(outbox->front().event, HasSubstr("Security Hub Findings - Imported"));
}

// A finding of the event that fails is named by its path in the event.
TEST_F(EventsApiTest, FailedFindingNamesItsPath) {
  if (SharedFindings().empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  Json event = Json::parse(ReadText(SharedFindings() / "asr/eventbridge-imported-cis-1.3.json"));
  Json broken = event["detail"]["findings"][0];
  broken["Id"] = "broken";
  broken.erase("Title");
  event["detail"]["findings"].push_back(broken);
  const Json answer = BodyJson(Post("/v1/events", event.dump(), "import"));
  EXPECT_EQ(answer["SuccessCount"], 1) << answer.dump();
  ASSERT_EQ(answer["FailedFindings"].size(), 1u) << answer.dump();
  EXPECT_EQ(answer["FailedFindings"][0]["ErrorMessage"],
            "finding \"broken\": $.detail.findings[1].Title: required attribute is missing");
}

TEST_F(EventsApiTest, CustomActionEventIsRejected) {
  if (SharedFindings().empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  const std::string body = ReadText(SharedFindings() / "asr/eventbridge-custom-action-iam.6.json");
  auto response = Post("/v1/events", body, "import");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  const std::string message = BodyJson(response)["Message"];
  EXPECT_THAT(message, HasSubstr("$.detail-type"));
  EXPECT_THAT(message, HasSubstr("Security Hub Findings - Custom Action"));
  auto count = findings_->Count(store::Filters{});
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 0);
}

TEST_F(EventsApiTest, EnvelopeProblemsAre400) {
  auto no_type = Post("/v1/events", R"({"source": "aws.securityhub"})", "import");
  ASSERT_TRUE(no_type);
  EXPECT_EQ(no_type->status, 400);
  EXPECT_THAT(BodyJson(no_type)["Message"].get<std::string>(), HasSubstr("$.detail-type"));
  auto no_findings =
      Post("/v1/events", R"({"detail-type": "Security Hub Findings - Imported", "detail": {}})",
           "import");
  ASSERT_TRUE(no_findings);
  EXPECT_EQ(no_findings->status, 400);
  EXPECT_THAT(BodyJson(no_findings)["Message"].get<std::string>(), HasSubstr("$.detail.findings"));
  auto reader = Post("/v1/events", "{}", "read");
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->status, 403);
}

}  // namespace
}  // namespace rampart::server
