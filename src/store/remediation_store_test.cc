#include "store/remediation_store.h"

#include <gtest/gtest.h>

#include "store/testing/raw_sql.h"
#include "store/testing/store_backends.h"

namespace rampart::store {
namespace {

using std::chrono::seconds;
using testing::TestBackend;

class RemediationStoreTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing::TestDatabase>(GetParam());
    ASSERT_TRUE(database_->status().ok()) << database_->status().ToString();
    location_ = database_->location();
    auto store = RemediationStore::Open(location_, clock_);
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    store_ = std::move(*store);
  }

  Remediation Record(const std::string& key, RemediationState state = RemediationState::kPlanned) {
    Remediation record;
    record.idempotency_key = key;
    record.rule = "bump-images";
    record.action = "exec";
    record.product_arn = "arn:aws:securityhub:us-east-1::product/aquasecurity/aquasecurity";
    record.finding_id = "finding-" + key;
    record.resource_id = "image:" + key;
    record.state = state;
    record.params = Json{{"argv", {"/bin/true"}}};
    record.next_attempt_at_us = ToUnixMicros(clock_.Now());
    return record;
  }

  FakeClock clock_{FromUnixMicros(1'800'000'000'000'000)};
  std::unique_ptr<testing::TestDatabase> database_;
  std::string location_;
  std::unique_ptr<RemediationStore> store_;
};

TEST_P(RemediationStoreTest, PlanIsIdempotent) {
  auto first = store_->Plan(Record("k1"));
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->second);
  auto second = store_->Plan(Record("k1"));
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->second);
  EXPECT_EQ(first->first.id, second->first.id);
}

TEST_P(RemediationStoreTest, ClaimMovesDueRecordsToRunning) {
  ASSERT_TRUE(store_->Plan(Record("k1")).has_value());
  Remediation later = Record("k2");
  later.next_attempt_at_us += 60'000'000;
  ASSERT_TRUE(store_->Plan(later).has_value());
  auto claimed = store_->ClaimDue(10, 30'000'000);
  ASSERT_TRUE(claimed.has_value());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().idempotency_key, "k1");
  EXPECT_EQ(claimed->front().state, RemediationState::kRunning);
  EXPECT_EQ(claimed->front().attempts, 1);
  auto again = store_->ClaimDue(10, 30'000'000);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->empty());
}

TEST_P(RemediationStoreTest, TwoHandlesNeverClaimTheSameRecord) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(store_->Plan(Record("k" + std::to_string(i))).has_value());
  }
  auto other = RemediationStore::Open(location_, clock_);
  ASSERT_TRUE(other.has_value());
  auto first = store_->ClaimDue(15, 1'000'000);
  auto second = (*other)->ClaimDue(15, 1'000'000);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->size() + second->size(), 20u);
}

TEST_P(RemediationStoreTest, UpdateChecksExpectedState) {
  ASSERT_TRUE(store_->Plan(Record("k1")).has_value());
  auto claimed = store_->ClaimDue(1, 1'000'000);
  ASSERT_TRUE(claimed.has_value());
  Remediation record = claimed->front();
  record.state = RemediationState::kSucceeded;
  record.output = "done";
  EXPECT_TRUE(store_->Update(record, RemediationState::kRunning).ok());
  EXPECT_EQ(store_->Update(record, RemediationState::kRunning).code(),
            StatusCode::kFailedPrecondition);
  auto stored = store_->Get(record.id);
  ASSERT_TRUE(stored.has_value());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->state, RemediationState::kSucceeded);
  EXPECT_EQ((*stored)->output, "done");
}

TEST_P(RemediationStoreTest, ApprovalMakesRecordDue) {
  auto planned = store_->Plan(Record("k1", RemediationState::kAwaitingApproval));
  ASSERT_TRUE(planned.has_value());
  auto decided = store_->Decide(planned->first.id, true, "alice");
  ASSERT_TRUE(decided.has_value());
  EXPECT_EQ(decided->state, RemediationState::kPlanned);
  EXPECT_EQ(decided->approved_by, "alice");
  auto claimed = store_->ClaimDue(10, 1'000'000);
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->size(), 1u);
}

// A rejected record is REJECTED, not FAILED: it never ran, and a report of failed
// remediations must not count a person's decision.
TEST_P(RemediationStoreTest, RejectionMarksRecordRejected) {
  auto planned = store_->Plan(Record("k1", RemediationState::kAwaitingApproval));
  ASSERT_TRUE(planned.has_value());
  clock_.Advance(std::chrono::minutes(5));
  auto decided = store_->Decide(planned->first.id, false, "bob");
  ASSERT_TRUE(decided.has_value());
  EXPECT_EQ(decided->state, RemediationState::kRejected);
  EXPECT_EQ(decided->error, "rejected by bob");
  EXPECT_EQ(decided->updated_at, FormatTimestamp(clock_.Now())) << "the answer's UpdatedAt";
  EXPECT_NE(decided->updated_at, planned->first.updated_at);
  auto stored = store_->Get(planned->first.id);
  ASSERT_TRUE(stored.has_value());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->state, RemediationState::kRejected);
  auto listed = store_->List({RemediationState::kRejected, "", 10});
  ASSERT_TRUE(listed.has_value());
  EXPECT_EQ(listed->size(), 1u);
  auto twice = store_->Decide(planned->first.id, true, "alice");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(RemediationStoreTest, CountsStartedForRateLimit) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_->Plan(Record("k" + std::to_string(i))).has_value());
  }
  ASSERT_TRUE(store_->ClaimDue(2, 1'000'000).has_value());
  auto count = store_->CountStartedSince("bump-images", ToUnixMicros(clock_.Now()) - 1);
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 2);
}

TEST_P(RemediationStoreTest, CoolDownSeesOtherRecordsOnResource) {
  Remediation first = Record("k1");
  first.resource_id = "deployment/payments";
  ASSERT_TRUE(store_->Plan(first).has_value());
  const std::int64_t since = ToUnixMicros(clock_.Now()) - 1;
  auto same = store_->RecentForResource("bump-images", "deployment/payments", since, "k2");
  ASSERT_TRUE(same.has_value());
  EXPECT_TRUE(*same);
  auto itself = store_->RecentForResource("bump-images", "deployment/payments", since, "k1");
  ASSERT_TRUE(itself.has_value());
  EXPECT_FALSE(*itself);
}

TEST_P(RemediationStoreTest, ExpiredLeaseReturnsToPlanned) {
  ASSERT_TRUE(store_->Plan(Record("k1")).has_value());
  ASSERT_TRUE(store_->ClaimDue(1, 5'000'000).has_value());
  auto none = store_->RecoverExpiredLeases();
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, 0);
  clock_.Advance(seconds(6));
  auto recovered = store_->RecoverExpiredLeases();
  ASSERT_TRUE(recovered.has_value());
  EXPECT_EQ(*recovered, 1);
  auto claimed = store_->ClaimDue(1, 5'000'000);
  ASSERT_TRUE(claimed.has_value());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().attempts, 2);
}

TEST_P(RemediationStoreTest, EveryFieldSurvivesAWrite) {
  Remediation planned = Record("k1");
  planned.target_index = 2;
  planned.dry_run = false;
  planned.max_attempts = 5;
  planned.finding = Json{{"Id", "finding-k1"}, {"Title", "caf\u00e9 \"quoted\""}};
  planned.event = Json{{"type", "finding.created"}};
  ASSERT_TRUE(store_->Plan(planned).has_value());
  auto claimed = store_->ClaimDue(1, 1'000'000);
  ASSERT_TRUE(claimed.has_value());
  ASSERT_EQ(claimed->size(), 1u);
  Remediation record = claimed->front();
  EXPECT_EQ(record.started_at, FormatTimestamp(clock_.Now()));
  EXPECT_EQ(record.lease_until_us, ToUnixMicros(clock_.Now()) + 1'000'000);
  record.state = RemediationState::kSucceeded;
  record.summary = "bumped nginx";
  record.diff = "-image: nginx:1.25\n+image: nginx:1.27\n";
  record.output = "line 1\nline 2";
  record.rollback = Json{{"commit", "abc123"}};
  record.finished_at = FormatTimestamp(clock_.Now());
  ASSERT_TRUE(store_->Update(record, RemediationState::kRunning).ok());
  auto stored = store_->GetByKey("k1");
  ASSERT_TRUE(stored.has_value());
  ASSERT_TRUE(stored->has_value());
  const Remediation& got = **stored;
  EXPECT_EQ(RemediationToJson(got), RemediationToJson(record));
  EXPECT_EQ(got.finding, planned.finding);
  EXPECT_EQ(got.event, planned.event);
  EXPECT_EQ(got.rollback, record.rollback);
  EXPECT_EQ(got.attempts, 1);
  EXPECT_EQ(got.created_at, FormatTimestamp(clock_.Now()));
  auto counts = store_->CountByState();
  ASSERT_TRUE(counts.has_value());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ(counts->front(), std::make_pair(std::string("SUCCEEDED"), std::int64_t{1}));
  RemediationFilter filter;
  filter.state = RemediationState::kSucceeded;
  auto listed = store_->List(filter);
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, got.id);
}

TEST_P(RemediationStoreTest, BinaryOutputIsStored) {
  ASSERT_TRUE(store_->Plan(Record("k1")).has_value());
  auto claimed = store_->ClaimDue(1, 1'000'000);
  ASSERT_TRUE(claimed.has_value());
  ASSERT_EQ(claimed->size(), 1u);
  Remediation record = claimed->front();
  record.state = RemediationState::kSucceeded;
  // Invalid UTF-8 (0xFF, a cut-off 3-byte sequence) as a failing command may print it.
  record.output = "exit 0: \xFF caf\xC3";
  ASSERT_TRUE(store_->Update(record, RemediationState::kRunning).ok());
  auto stored = store_->Get(record.id);
  ASSERT_TRUE(stored.has_value());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->state, RemediationState::kSucceeded);
  EXPECT_EQ((*stored)->output.rfind("exit 0: ", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, RemediationStoreTest,
                         ::testing::ValuesIn(testing::StoreBackends()), testing::BackendName);

}  // namespace
}  // namespace rampart::store
