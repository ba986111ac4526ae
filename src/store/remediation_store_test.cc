#include "store/remediation_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace rampart::store {
namespace {

using std::chrono::seconds;

class RemediationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("rampart_remediations_" + std::to_string(::getpid()) + ".db"))
                .string();
    Remove();
    auto store = RemediationStore::Open(path_, clock_);
    ASSERT_TRUE(store.has_value());
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_ + suffix);
    }
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
  std::string path_;
  std::unique_ptr<RemediationStore> store_;
};

TEST_F(RemediationStoreTest, PlanIsIdempotent) {
  auto first = store_->Plan(Record("k1"));
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->second);
  auto second = store_->Plan(Record("k1"));
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->second);
  EXPECT_EQ(first->first.id, second->first.id);
}

TEST_F(RemediationStoreTest, ClaimMovesDueRecordsToRunning) {
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

TEST_F(RemediationStoreTest, TwoHandlesNeverClaimTheSameRecord) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(store_->Plan(Record("k" + std::to_string(i))).has_value());
  }
  auto other = RemediationStore::Open(path_, clock_);
  ASSERT_TRUE(other.has_value());
  auto first = store_->ClaimDue(15, 1'000'000);
  auto second = (*other)->ClaimDue(15, 1'000'000);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->size() + second->size(), 20u);
}

TEST_F(RemediationStoreTest, UpdateChecksExpectedState) {
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

TEST_F(RemediationStoreTest, ApprovalMakesRecordDue) {
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

TEST_F(RemediationStoreTest, RejectionFailsRecord) {
  auto planned = store_->Plan(Record("k1", RemediationState::kAwaitingApproval));
  ASSERT_TRUE(planned.has_value());
  auto decided = store_->Decide(planned->first.id, false, "bob");
  ASSERT_TRUE(decided.has_value());
  EXPECT_EQ(decided->state, RemediationState::kFailed);
  EXPECT_EQ(decided->error, "rejected by bob");
  auto twice = store_->Decide(planned->first.id, true, "alice");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(RemediationStoreTest, CountsStartedForRateLimit) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_->Plan(Record("k" + std::to_string(i))).has_value());
  }
  ASSERT_TRUE(store_->ClaimDue(2, 1'000'000).has_value());
  auto count = store_->CountStartedSince("bump-images", ToUnixMicros(clock_.Now()) - 1);
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 2);
}

TEST_F(RemediationStoreTest, CoolDownSeesOtherRecordsOnResource) {
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

TEST_F(RemediationStoreTest, ExpiredLeaseReturnsToPlanned) {
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

}  // namespace
}  // namespace rampart::store
