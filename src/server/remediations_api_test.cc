#include "server/remediations_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "server/api_test_support.h"

namespace rampart::server {
namespace {

using ::testing::HasSubstr;

class RemediationsApiTest : public ApiTest {
 protected:
  void AddRoutes(HttpServer& server) override {
    auto remediations = store::RemediationStore::Open(db_);
    ASSERT_TRUE(remediations.has_value()) << remediations.status().message();
    remediations_ = std::move(*remediations);
    AddRemediationRoutes(server, *remediations_, stores_);
  }

  std::int64_t PlanAwaitingApproval(const std::string& key) {
    store::Remediation record;
    record.idempotency_key = key;
    record.rule = "rotate-access-key";
    record.action = "aws.iam.deactivate-access-key";
    record.finding_id = "finding-" + key;
    record.product_arn = "arn:aws:securityhub:us-east-1::product/aws/guardduty";
    record.state = store::RemediationState::kAwaitingApproval;
    auto planned = remediations_->Plan(record);
    EXPECT_TRUE(planned.has_value());
    return planned ? planned->first.id : 0;
  }

  std::unique_ptr<store::RemediationStore> remediations_;
};

TEST_F(RemediationsApiTest, ApproveAndRejectRecordTheToken) {
  const std::int64_t first = PlanAwaitingApproval("k1");
  const std::int64_t second = PlanAwaitingApproval("k2");
  const std::string path = "/v1/remediations/" + std::to_string(first);

  auto reader = Post(path + "/approve", "", "read");
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->status, 403);

  const Json approved = BodyJson(Post(path + "/approve", "", "approve"));
  EXPECT_EQ(approved["State"], "PLANNED") << approved.dump();
  EXPECT_EQ(approved["ApprovedBy"], "approve-token");
  auto twice = Post(path + "/approve", "", "approve");
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 409);
  EXPECT_THAT(BodyJson(twice)["Message"].get<std::string>(), HasSubstr("AWAITING_APPROVAL"));

  const Json rejected =
      BodyJson(Post("/v1/remediations/" + std::to_string(second) + "/reject", "", "approve"));
  EXPECT_EQ(rejected["State"], "REJECTED") << rejected.dump();
  EXPECT_EQ(rejected["Error"], "rejected by approve-token");

  const Json waiting = BodyJson(Get("/v1/remediations?state=PLANNED", "read"));
  ASSERT_EQ(waiting["Remediations"].size(), 1u);
  EXPECT_EQ(waiting["Remediations"][0]["Id"], first);
  EXPECT_EQ(BodyJson(Get(path, "read"))["Rule"], "rotate-access-key");

  auto entries = audit_->Entries(0, 10);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].action, "remediation.approved");
  EXPECT_EQ((*entries)[0].actor, "approve-token");
  EXPECT_EQ((*entries)[1].action, "remediation.rejected");
}

// A token limited to some products may not approve or reject the remediation of another
// product's finding: the approval would start an action on that product's resources.
TEST_F(RemediationsApiTest, ProductLimitedTokenDecidesOnlyItsProducts) {
  const std::int64_t guardduty = PlanAwaitingApproval("k1");
  auto token = tokens_->Create("falco-team", {"approve"},
                               {"arn:aws:securityhub:*:*:product/falcosecurity/*"});
  ASSERT_TRUE(token.has_value()) << token.status().ToString();
  token_by_scope_["falco-team"] = *token;
  const std::string path = "/v1/remediations/" + std::to_string(guardduty);
  for (const char* decision : {"/approve", "/reject"}) {
    auto denied = Post(path + decision, "", "falco-team");
    ASSERT_TRUE(denied);
    EXPECT_EQ(denied->status, 403) << decision;
    EXPECT_THAT(BodyJson(denied)["Message"].get<std::string>(), HasSubstr("product/aws/guardduty"));
  }
  auto record = remediations_->Get(guardduty);
  ASSERT_TRUE(record.has_value());
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->state, store::RemediationState::kAwaitingApproval);

  auto allowed = tokens_->Create("guardduty-team", {"approve"},
                                 {"arn:aws:securityhub:*:*:product/aws/guardduty"});
  ASSERT_TRUE(allowed.has_value());
  token_by_scope_["guardduty-team"] = *allowed;
  EXPECT_EQ(BodyJson(Post(path + "/approve", "", "guardduty-team"))["State"], "PLANNED");
}

TEST_F(RemediationsApiTest, BadIdsAndStates) {
  auto missing = Get("/v1/remediations/999", "read");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto malformed = Get("/v1/remediations/abc", "read");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  auto state = Get("/v1/remediations?state=DONE", "read");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->status, 400);
  EXPECT_THAT(BodyJson(state)["Message"].get<std::string>(), HasSubstr("DONE"));
}

TEST_F(RemediationsApiTest, AuditExportAndVerify) {
  const std::int64_t id = PlanAwaitingApproval("k1");
  ASSERT_TRUE(Post("/v1/remediations/" + std::to_string(id) + "/approve", "", "approve"));
  ASSERT_TRUE(audit_->Append("rampart", "remediation.run", "finding-k1", Json::object()));

  auto reader = Get("/v1/audit/export", "read");
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->status, 403);
  auto exported = Get("/v1/audit/export", "admin");
  ASSERT_TRUE(exported);
  ASSERT_EQ(exported->status, 200);
  std::istringstream lines(exported->body);
  std::vector<Json> entries;
  for (std::string line; std::getline(lines, line);) {
    entries.push_back(Json::parse(line));
  }
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0]["actor"], "approve-token");
  EXPECT_EQ(entries[1]["previous_hash"], entries[0]["hash"]);

  const Json verified = BodyJson(Get("/v1/audit/verify", "read"));
  EXPECT_EQ(verified["Valid"], true);
  EXPECT_EQ(verified["Entries"], 2);
}

}  // namespace
}  // namespace rampart::server
