#include "remediate/finding_update_action.h"

#include <gtest/gtest.h>

namespace rampart::remediate {
namespace {

const Json kFinding = Json::parse(R"({"Id": "f-1", "Title": "Public bucket",
    "Workflow": {"Status": "NEW"}, "Severity": {"Label": "HIGH"}})");

TEST(FindingUpdateAction, CallsUpdaterWithParsedUpdate) {
  std::vector<FindingUpdate> calls;
  ActionContext context;
  context.finding_updater = [&](const Json& finding, const FindingUpdate& update) {
    EXPECT_EQ(finding["Id"], "f-1");
    calls.push_back(update);
    return Status::Ok();
  };
  ActionRequest request;
  request.finding = kFinding;
  request.dry_run = false;
  request.params = {{"workflow_status", "NOTIFIED"},
                    {"note", "Paged on-call for {{ Title }}"},
                    {"severity", "critical"}};
  auto result = MakeFindingUpdateAction()->Run(request, context);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].workflow_status, "NOTIFIED");
  EXPECT_EQ(calls[0].note_text, "Paged on-call for Public bucket");
  EXPECT_EQ(calls[0].note_updated_by, "rampart");
  EXPECT_EQ(calls[0].severity_label, "CRITICAL");
  EXPECT_EQ(result->diff,
            "Workflow.Status: NEW -> NOTIFIED\nNote.Text: (none) -> Paged on-call for Public "
            "bucket\nSeverity.Label: HIGH -> CRITICAL\n");
}

TEST(FindingUpdateAction, NothingToChangeSkipsStore) {
  bool called = false;
  ActionContext context;
  context.finding_updater = [&](const Json&, const FindingUpdate&) {
    called = true;
    return Status::Ok();
  };
  ActionRequest request;
  request.finding = kFinding;
  request.dry_run = false;
  request.params = {{"workflow_status", "NEW"}};
  auto result = MakeFindingUpdateAction()->Run(request, context);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->changed);
  EXPECT_FALSE(called);
}

TEST(FindingUpdateAction, NoStoreIsFailedPrecondition) {
  ActionRequest request;
  request.finding = kFinding;
  request.dry_run = false;
  request.params = {{"workflow_status", "RESOLVED"}};
  auto result = MakeFindingUpdateAction()->Run(request, ActionContext{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
}

TEST(FindingUpdateAction, ValidateNamesBadValue) {
  auto action = MakeFindingUpdateAction();
  const Status status = action->Validate({{"workflow_status", "CLOSED"}});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'CLOSED'"), std::string::npos);
  EXPECT_EQ(action->Validate({{"severity", "URGENT"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(action->Validate(Json::object()).code(), StatusCode::kInvalidArgument);
  ActionRequest request;
  request.finding = kFinding;
  request.params = {{"note", std::string(600, 'x')}};
  EXPECT_EQ(action->Run(request, ActionContext{}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rampart::remediate
