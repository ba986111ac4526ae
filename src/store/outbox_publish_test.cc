// PublishEvent, which puts events that are not finding changes in the outbox, and the
// OutboxSignal that the store notifies after writing events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/test_support.h"
#include "store/testing/store_backends.h"

namespace rampart::store {
namespace {

using ::testing::HasSubstr;

class OutboxPublishTest : public ::testing::TestWithParam<testing::TestBackend> {
 protected:
  void SetUp() override {
    auto store = database_.Open({.clock = &clock_, .random_seed = 11});
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    store_ = std::move(*store);
  }

  static Json FailureEvent(const std::string& id) {
    return Json{{"version", "0"},
                {"id", id},
                {"detail-type", "Rampart Remediation Failed"},
                {"source", "rampart"},
                {"detail", {{"remediation_id", 4}, {"error", "exit status 1"}}}};
  }

  static Json Finding(const std::string& id) {
    return Json{{"SchemaVersion", "2018-10-08"},
                {"Id", id},
                {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/test"},
                {"GeneratorId", "test"},
                {"AwsAccountId", "111122223333"},
                {"Types", {"Software and Configuration Checks"}},
                {"CreatedAt", "2026-09-01T00:00:00Z"},
                {"UpdatedAt", "2026-09-01T00:00:00Z"},
                {"Severity", {{"Label", "HIGH"}}},
                {"Title", "test finding"},
                {"Description", "test finding"},
                {"Resources", {{{"Type", "Other"}, {"Id", "resource-1"}}}}};
  }

  testing::TestDatabase database_{GetParam()};
  FakeClock clock_{FromUnixMicros(1'790'000'000'000'000)};
  std::unique_ptr<FindingStore> store_;
};

TEST_P(OutboxPublishTest, PublishedEventIsClaimedInOrder) {
  ASSERT_TRUE(store_->Import({Finding("f-1")}, ImportOptions{}).has_value());
  auto published = store_->PublishEvent(FailureEvent("failure-1"));
  ASSERT_TRUE(published.has_value()) << published.status().ToString();
  ASSERT_TRUE(store_->Import({Finding("f-2")}, ImportOptions{}).has_value());

  auto claimed = store_->ClaimEvents("worker", 10, std::chrono::seconds(30));
  ASSERT_TRUE(claimed.has_value()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), 3u);
  EXPECT_EQ((*claimed)[1].sequence, *published);
  EXPECT_EQ((*claimed)[1].event_id, "failure-1");
  EXPECT_EQ((*claimed)[1].created_at, clock_.Now());
  EXPECT_EQ(Json::parse((*claimed)[1].event), FailureEvent("failure-1"));
  EXPECT_EQ(Json::parse((*claimed)[2].event)["detail"]["findings"][0]["Id"], "f-2");
}

TEST_P(OutboxPublishTest, DeliveredEventIsNotClaimedAgain) {
  auto published = store_->PublishEvent(FailureEvent("failure-1"));
  ASSERT_TRUE(published.has_value());
  const std::vector<std::int64_t> delivered = {*published};
  ASSERT_TRUE(store_->MarkDelivered(delivered).ok());
  auto claimed = store_->ClaimEvents("worker", 10, std::chrono::seconds(30));
  ASSERT_TRUE(claimed.has_value());
  EXPECT_TRUE(claimed->empty());
}

TEST_P(OutboxPublishTest, InvalidEnvelopeIsRejected) {
  Json no_type = FailureEvent("failure-1");
  no_type.erase("detail-type");
  Json empty_id = FailureEvent("");
  Json detail_text = FailureEvent("failure-2");
  detail_text["detail"] = "text";
  Json bad_utf8 = FailureEvent("failure-3");
  bad_utf8["detail"]["error"] = std::string("\xff\xfe");

  const auto missing = store_->PublishEvent(no_type);
  ASSERT_FALSE(missing.has_value());
  EXPECT_THAT(missing.status().message(), HasSubstr("\"detail-type\" must be a non-empty string"));
  const auto empty = store_->PublishEvent(empty_id);
  ASSERT_FALSE(empty.has_value());
  EXPECT_THAT(empty.status().message(), HasSubstr("\"id\""));
  const auto text = store_->PublishEvent(detail_text);
  ASSERT_FALSE(text.has_value());
  EXPECT_THAT(text.status().message(), HasSubstr("\"detail\" must be a JSON object"));
  const auto invalid = store_->PublishEvent(bad_utf8);
  ASSERT_FALSE(invalid.has_value());
  EXPECT_THAT(invalid.status().message(), HasSubstr("failure-3"));
  EXPECT_THAT(invalid.status().message(), HasSubstr("not valid UTF-8"));
  EXPECT_FALSE(store_->PublishEvent(Json::array()).has_value());

  auto events = store_->ReadEvents(0, 10);
  ASSERT_TRUE(events.has_value());
  EXPECT_TRUE(events->empty());
}

TEST_P(OutboxPublishTest, SignalCountsCommitsWithEvents) {
  OutboxSignal signal;
  testing::TestStoreOptions options;
  options.clock = &clock_;
  options.outbox_signal = &signal;
  auto store = database_.Open(options);
  ASSERT_TRUE(store.has_value());

  ASSERT_TRUE((*store)->Import({Finding("f-1"), Finding("f-2")}, ImportOptions{}).has_value());
  EXPECT_EQ(signal.count(), 1u);
  ASSERT_TRUE((*store)->Import({Finding("f-1")}, ImportOptions{}).has_value());
  EXPECT_EQ(signal.count(), 1u) << "an unchanged finding writes no event";
  ASSERT_TRUE((*store)->PublishEvent(FailureEvent("failure-1")).has_value());
  EXPECT_EQ(signal.count(), 2u);
  FindingUpdate update;
  update.finding_identifiers = {{"f-1", "arn:aws:securityhub:us-east-1::product/rampart/test"}};
  update.workflow_status = "NOTIFIED";
  ASSERT_TRUE((*store)->Update(update, "alice").has_value());
  EXPECT_EQ(signal.count(), 3u);
  EXPECT_FALSE((*store)->PublishEvent(Json::object()).has_value());
  EXPECT_EQ(signal.count(), 3u);

  // A wait returns at once when the count already moved past what the caller saw.
  EXPECT_EQ(signal.WaitFor(2, std::chrono::hours(1)), 3u);
  EXPECT_EQ(signal.WaitFor(3, std::chrono::milliseconds(1)), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxPublishTest, ::testing::ValuesIn(testing::StoreBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace rampart::store
