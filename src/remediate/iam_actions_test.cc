#include "remediate/iam_actions.h"

#include <gtest/gtest.h>

#include "remediate/aws_credentials.h"
#include "remediate/testing/fake_iam.h"
#include "remediate/testing/test_util.h"

namespace rampart::remediate {
namespace {

constexpr const char* kKeyId = "AKIAIOSFODNN7EXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

class IamActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(iam_.Start().ok());
    testing::FakeIamState state;
    state.roles = {"payments-app"};
    state.attached["payments-app"] = {"arn:aws:iam::aws:policy/AdministratorAccess"};
    state.access_keys["AKIAI44QH8DHBEXAMPLE"] = "Active";
    iam_.set_state(state);
    environment_ = {{"AWS_ACCESS_KEY_ID", kKeyId}, {"AWS_SECRET_ACCESS_KEY", kSecret}};
    context_.environment = [this](std::string_view name) -> std::optional<std::string> {
      const auto it = environment_.find(std::string(name));
      return it == environment_.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    context_.allow.accounts = {"123456789012"};
    context_.allow.hosts = {"127.0.0.1"};
    context_.clock = &clock_;
  }

  ActionRequest Request(Json params, bool dry_run = false) {
    params["endpoint"] = iam_.url();
    ActionRequest request;
    request.params = std::move(params);
    request.finding = Json::parse(R"({"AwsAccountId": "123456789012",
        "Resources": [{"Type": "AwsIamRole",
                       "Id": "arn:aws:iam::123456789012:role/service/payments-app"},
                      {"Type": "AwsIamAccessKey", "Id": "AKIAI44QH8DHBEXAMPLE",
                       "Details": {"AwsIamAccessKey": {"PrincipalName": "ci-bot"}}}]})");
    request.dry_run = dry_run;
    return request;
  }

  testing::FakeIam iam_{kKeyId, kSecret, &DefaultClock()};
  FakeClock clock_{FromUnixMicros(1'796'400'000'000'000)};  // 2026-12-04T16:00:00Z
  std::map<std::string, std::string> environment_;
  ActionContext context_;
};

TEST_F(IamActionsTest, RevokeSessionsPutsDenyPolicy) {
  auto action = MakeIamRevokeSessionsAction();
  auto result = action->Run(Request(Json::object()), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  const auto state = iam_.state();
  const std::string document =
      state.inline_policies.at("payments-app").at("AWSRevokeOlderSessions");
  const Json policy = Json::parse(document);
  const Json& statement = policy["Statement"][0];
  EXPECT_EQ(statement["Effect"], "Deny");
  EXPECT_EQ(statement["Action"], Json({"*"}));
  EXPECT_EQ(statement["Resource"], Json({"*"}));
  EXPECT_EQ(statement["Condition"]["DateLessThan"]["aws:TokenIssueTime"], "2026-12-04T16:00:00Z");

  ASSERT_TRUE(action->Rollback(*result, context_).ok());
  EXPECT_TRUE(iam_.state().inline_policies["payments-app"].empty());
  EXPECT_EQ(iam_.log(), (std::vector<std::string>{"PutRolePolicy", "DeleteRolePolicy"}));
}

TEST_F(IamActionsTest, DeactivateAccessKeyFromFinding) {
  auto action = MakeIamDeactivateAccessKeyAction();
  auto result = action->Run(Request(Json::object()), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_EQ(iam_.state().access_keys.at("AKIAI44QH8DHBEXAMPLE"), "Inactive");
  ASSERT_TRUE(action->Rollback(*result, context_).ok());
  EXPECT_EQ(iam_.state().access_keys.at("AKIAI44QH8DHBEXAMPLE"), "Active");
}

TEST_F(IamActionsTest, DeactivateGuardDutyAccessKey) {
  const Json finding =
      Json::parse(testing::ReadText(std::string(RAMPART_SHARED_DATA) +
                                    "/findings/guardduty/iam-accesskey-finding.json"),
                  nullptr, false);
  if (finding.is_discarded()) {
    GTEST_SKIP() << "../shared/data is absent, so the GuardDuty finding cannot be read";
  }
  auto request = Request(Json::object());
  request.finding = finding;
  request.dry_run = true;
  auto result = MakeIamDeactivateAccessKeyAction()->Run(request, context_);
  // The sample's key id "GeneratedFindingAccessKeyId" is not a real key id, so it is rejected
  // before any call.
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("GeneratedFindingAccessKeyId"), std::string::npos);
  EXPECT_TRUE(iam_.log().empty());
}

TEST_F(IamActionsTest, DetachRolePolicyOnceThenNotAttached) {
  auto action = MakeIamDetachRolePolicyAction();
  const Json params = {{"policy_arn", "arn:aws:iam::aws:policy/AdministratorAccess"}};
  auto result = action->Run(Request(params), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  EXPECT_TRUE(iam_.state().attached["payments-app"].empty());
  auto again = action->Run(Request(params), context_);
  ASSERT_TRUE(again.has_value()) << again.status().ToString();
  EXPECT_FALSE(again->changed);
  ASSERT_TRUE(action->Rollback(*result, context_).ok());
  EXPECT_EQ(
      iam_.state().attached["payments-app"].count("arn:aws:iam::aws:policy/AdministratorAccess"),
      1u);
}

TEST_F(IamActionsTest, WrongSecretFailsSignatureCheck) {
  environment_["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";
  auto result = MakeIamRevokeSessionsAction()->Run(Request(Json::object()), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(result.status().message().find("SignatureDoesNotMatch"), std::string::npos);
  EXPECT_EQ(result.status().message().find("not-the-secret"), std::string::npos);
  EXPECT_TRUE(iam_.state().inline_policies["payments-app"].empty());
}

TEST_F(IamActionsTest, ProfileWithSessionTokenIsSigned) {
  testing::TempDir dir;
  testing::WriteText(dir.path() + "/credentials",
                     std::string("[default]\naws_access_key_id = AKIADEFAULT00000000\n"
                                 "aws_secret_access_key = x\n\n[responder]\n"
                                 "aws_access_key_id = ") +
                         kKeyId + "\naws_secret_access_key = " + kSecret +
                         "\naws_session_token = FwoGZXIvYXdzEBYaDEXAMPLE\n");
  environment_ = {{"AWS_SHARED_CREDENTIALS_FILE", dir.path() + "/credentials"}};
  auto result = MakeIamRevokeSessionsAction()->Run(Request({{"profile", "responder"}}), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
}

TEST_F(IamActionsTest, AccountOffAllowListSendsNothing) {
  context_.allow.accounts = {"999999999999"};
  auto result = MakeIamRevokeSessionsAction()->Run(Request(Json::object()), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(iam_.log().empty());
}

TEST_F(IamActionsTest, EndpointHostOffAllowListSendsNothing) {
  context_.allow.hosts = {"iam.example.com"};
  auto result = MakeIamRevokeSessionsAction()->Run(Request(Json::object()), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(iam_.log().empty());
}

TEST(SigV4Signature, DocumentedExample) {
  // The example from the AWS Signature Version 4 documentation: GET ListUsers on IAM.
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
      "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59";
  EXPECT_EQ(testing::SigV4Signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830",
                                    "us-east-1", "iam", string_to_sign),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(ParseCredentialsFile, ProfilesAndErrors) {
  const std::string text =
      "# comment\n[default]\naws_access_key_id=A\naws_secret_access_key=B\n"
      "[other]\n aws_access_key_id = C \naws_secret_access_key = D\n";
  auto other = ParseCredentialsFile(text, "creds", "other");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->access_key_id, "C");
  EXPECT_EQ(other->secret_access_key, "D");
  auto missing = ParseCredentialsFile(text, "creds", "nope");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.status().message().find("no profile [nope]"), std::string::npos);
  auto partial = ParseCredentialsFile("[p]\naws_access_key_id=A\n", "creds", "p");
  ASSERT_FALSE(partial.has_value());
  EXPECT_EQ(partial.status().message().find("A\n"), std::string::npos);
}

}  // namespace
}  // namespace rampart::remediate
