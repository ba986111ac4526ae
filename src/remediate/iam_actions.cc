#include "remediate/iam_actions.h"

#include <fmt/format.h>

#include "core/file.h"
#include "remediate/iam_client.h"
#include "remediate/params.h"

namespace rampart::remediate {

namespace {

constexpr const char* kRevokePolicyName = "AWSRevokeOlderSessions";
constexpr const char* kDefaultEndpoint = "https://iam.amazonaws.com/";

bool AllOf(std::string_view text, std::string_view allowed_extra, bool upper_only) {
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    const bool alnum = upper_only ? (std::isupper(static_cast<unsigned char>(c)) ||
                                     std::isdigit(static_cast<unsigned char>(c)))
                                  : std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (!alnum && allowed_extra.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// IAM names allow letters, digits and "+=,.@_-" (RoleName, UserName), at most 64 characters.
bool ValidIamName(std::string_view name) {
  return name.size() <= 64 && AllOf(name, "+=,.@_-", false);
}

// Returns the account id of an IAM ARN "arn:PARTITION:iam::ACCOUNT:...", or "".
std::string ArnAccount(std::string_view arn) {
  if (arn.substr(0, 4) != "arn:") {
    return "";
  }
  std::size_t at = 0;
  for (int field = 0; field < 4; ++field) {
    at = arn.find(':', at);
    if (at == std::string_view::npos) {
      return "";
    }
    ++at;
  }
  const auto end = arn.find(':', at);
  return end == std::string_view::npos ? "" : std::string(arn.substr(at, end - at));
}

struct IamTarget {
  IamEndpoint endpoint;
  AwsCredentials credentials;
  std::string account;
};

Result<IamTarget> Connect(const Json& params, const Json& finding, std::string_view account_hint,
                          const ActionContext& context, std::string_view action) {
  IamTarget target;
  target.endpoint.url = StringOr(params, "endpoint", kDefaultEndpoint);
  target.endpoint.region = StringOr(params, "region", "us-east-1");
  target.endpoint.timeout = context.timeout;
  target.endpoint.ca_file = context.ca_file;
  REMEDIATE_ASSIGN_OR_RETURN(const UrlParts url, ParseHttpUrl(target.endpoint.url));
  const bool aws_host = url.scheme == "https" && url.host.size() > 14 &&
                        url.host.substr(url.host.size() - 14) == ".amazonaws.com";
  if (!aws_host && !HostAllowListed(context.allow.hosts, url.host)) {
    return Status(
        StatusCode::kPermissionDenied,
        fmt::format("{}: endpoint host '{}' is not on the hosts allow-list", action, url.host));
  }
  target.account = std::string(account_hint);
  if (target.account.empty()) {
    target.account = StringOr(finding, "AwsAccountId");
  }
  if (target.account.empty() || !AllowListed(context.allow.accounts, target.account)) {
    return Status(StatusCode::kPermissionDenied,
                  fmt::format("{}: account '{}' is not on the accounts allow-list; add it to the "
                              "rule's allowed accounts",
                              action, target.account));
  }
  REMEDIATE_ASSIGN_OR_RETURN(
      target.credentials,
      LoadAwsCredentials(StringOr(params, "profile"), context.environment,
                         [](const std::string& path) { return ReadFile(path, 1 << 20); }));
  return target;
}

Json RollbackRecord(const Json& params, const IamTarget& target) {
  return {{"endpoint", target.endpoint.url},
          {"region", target.endpoint.region},
          {"profile", StringOr(params, "profile")},
          {"account", target.account}};
}

// Returns a role name from params, else from the finding's AwsIamRole resource.
Result<std::pair<std::string, std::string>> RoleFrom(const Json& params, const Json& finding,
                                                     std::string_view action) {
  std::string name = StringOr(params, "role_name");
  std::string account;
  if (const Json* role = FindResource(finding, "AwsIamRole"); role != nullptr) {
    const std::string arn = StringOr(*role, "Id");
    account = ArnAccount(arn);
    if (name.empty()) {
      const Json* detail = LookupPath(*role, "Details.AwsIamRole.RoleName");
      name = detail != nullptr && detail->is_string() ? detail->get<std::string>()
                                                      : arn.substr(arn.rfind('/') + 1);
    }
  }
  if (name.empty() || !ValidIamName(name)) {
    return InvalidArgument(fmt::format(
        "{}: role name '{}' is missing or invalid; set 'role_name' or give a finding with an "
        "AwsIamRole resource",
        action, name));
  }
  return std::make_pair(name, account);
}

std::string IsoSeconds(TimePoint time) {
  std::string text = FormatTimestamp(time);  // "YYYY-MM-DDTHH:MM:SS.mmmZ"
  return text.substr(0, 19) + "Z";
}

class IamRevokeSessionsAction final : public Action {
 public:
  std::string_view Name() const override { return "aws.iam.revoke-sessions"; }

  Status Validate(const Json& params) const override {
    return Params(params, Name()).CheckKeys({"endpoint", "region", "profile", "role_name"});
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    RAMPART_RETURN_IF_ERROR(Validate(request.params));
    REMEDIATE_ASSIGN_OR_RETURN(const auto role, RoleFrom(request.params, request.finding, Name()));
    const std::string now = IsoSeconds(context.clock->Now());
    const Json policy = {{"Version", "2012-10-17"},
                         {"Statement",
                          {{{"Effect", "Deny"},
                            {"Action", {"*"}},
                            {"Resource", {"*"}},
                            {"Condition", {{"DateLessThan", {{"aws:TokenIssueTime", now}}}}}}}}};
    ActionResult result;
    result.diff = fmt::format("put inline policy {} on role {}:\n{}\n", kRevokePolicyName,
                              role.first, policy.dump(2));
    REMEDIATE_ASSIGN_OR_RETURN(const IamTarget target, Connect(request.params, request.finding,
                                                               role.second, context, Name()));
    if (request.dry_run) {
      result.summary = "would revoke the sessions of role " + role.first;
      return result;
    }
    REMEDIATE_ASSIGN_OR_RETURN(const std::string response,
                               CallIam(target.endpoint, target.credentials, "PutRolePolicy",
                                       {{"RoleName", role.first},
                                        {"PolicyName", kRevokePolicyName},
                                        {"PolicyDocument", policy.dump()}}));
    result.changed = true;
    result.summary = fmt::format("revoked sessions of role {} issued before {}", role.first, now);
    result.output = "RequestId " + XmlText(response, "RequestId");
    result.rollback = RollbackRecord(request.params, target);
    result.rollback["role_name"] = role.first;
    return result;
  }

  Status Rollback(const ActionResult& result, const ActionContext& context) override {
    const Json& record = result.rollback;
    REMEDIATE_ASSIGN_OR_RETURN(
        const IamTarget target,
        Connect(record, Json::object(), StringOr(record, "account"), context, Name()));
    const std::string role = StringOr(record, "role_name");
    if (!ValidIamName(role)) {
      return InvalidArgument("aws.iam.revoke-sessions rollback: invalid role name");
    }
    auto response = CallIam(target.endpoint, target.credentials, "DeleteRolePolicy",
                            {{"RoleName", role}, {"PolicyName", kRevokePolicyName}});
    return response.has_value() ? Status::Ok() : response.status();
  }
};

class IamDeactivateAccessKeyAction final : public Action {
 public:
  std::string_view Name() const override { return "aws.iam.deactivate-access-key"; }

  Status Validate(const Json& params) const override {
    return Params(params, Name())
        .CheckKeys({"endpoint", "region", "profile", "access_key_id", "user_name"});
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    RAMPART_RETURN_IF_ERROR(Validate(request.params));
    std::string key_id = StringOr(request.params, "access_key_id");
    std::string user = StringOr(request.params, "user_name");
    FromFinding(request.finding, key_id, user);
    // Access key ids are upper-case letters and digits, 16 to 128 characters.
    if (key_id.size() < 16 || key_id.size() > 128 || !AllOf(key_id, "", true)) {
      return InvalidArgument(fmt::format(
          "{}: access key id '{}' is missing or invalid; set 'access_key_id'", Name(), key_id));
    }
    if (!user.empty() && !ValidIamName(user)) {
      return InvalidArgument(fmt::format("{}: user name '{}' is invalid", Name(), user));
    }
    ActionResult result;
    result.diff = fmt::format("access key {}{}: Active -> Inactive\n", key_id,
                              user.empty() ? "" : " of user " + user);
    REMEDIATE_ASSIGN_OR_RETURN(const IamTarget target,
                               Connect(request.params, request.finding, "", context, Name()));
    if (request.dry_run) {
      result.summary = "would deactivate access key " + key_id;
      return result;
    }
    RAMPART_RETURN_IF_ERROR(SetStatus(target, key_id, user, "Inactive"));
    result.changed = true;
    result.summary = "deactivated access key " + key_id;
    result.rollback = RollbackRecord(request.params, target);
    result.rollback["access_key_id"] = key_id;
    result.rollback["user_name"] = user;
    return result;
  }

  Status Rollback(const ActionResult& result, const ActionContext& context) override {
    const Json& record = result.rollback;
    REMEDIATE_ASSIGN_OR_RETURN(
        const IamTarget target,
        Connect(record, Json::object(), StringOr(record, "account"), context, Name()));
    return SetStatus(target, StringOr(record, "access_key_id"), StringOr(record, "user_name"),
                     "Active");
  }

 private:
  // Reads the key from an ASFF AwsIamAccessKey resource or a GuardDuty access key finding.
  static void FromFinding(const Json& finding, std::string& key_id, std::string& user) {
    if (const Json* key = FindResource(finding, "AwsIamAccessKey"); key != nullptr) {
      if (key_id.empty()) {
        key_id = StringOr(*key, "Id");
        const auto colon = key_id.rfind(':');
        key_id = colon == std::string::npos ? key_id : key_id.substr(colon + 1);
      }
      const Json* name = LookupPath(*key, "Details.AwsIamAccessKey.PrincipalName");
      if (user.empty() && name != nullptr && name->is_string()) {
        user = name->get<std::string>();
      }
    }
    if (const Json* details = LookupPath(finding, "resource.accessKeyDetails"); details) {
      key_id = key_id.empty() ? StringOr(*details, "accessKeyId") : key_id;
      user = user.empty() ? StringOr(*details, "userName") : user;
    }
  }

  static Status SetStatus(const IamTarget& target, const std::string& key_id,
                          const std::string& user, const std::string& status) {
    std::map<std::string, std::string> parameters = {{"AccessKeyId", key_id}, {"Status", status}};
    if (!user.empty()) {
      parameters["UserName"] = user;
    }
    auto response = CallIam(target.endpoint, target.credentials, "UpdateAccessKey", parameters);
    return response.has_value() ? Status::Ok() : response.status();
  }
};

class IamDetachRolePolicyAction final : public Action {
 public:
  std::string_view Name() const override { return "aws.iam.detach-role-policy"; }

  Status Validate(const Json& params) const override {
    Params reader(params, Name());
    RAMPART_RETURN_IF_ERROR(
        reader.CheckKeys({"endpoint", "region", "profile", "role_name", "policy_arn"}));
    REMEDIATE_ASSIGN_OR_RETURN(const std::string arn, reader.RequiredString("policy_arn"));
    if (arn.rfind("arn:", 0) != 0 || arn.find(":policy/") == std::string::npos) {
      return InvalidArgument(fmt::format(
          "{}: policy_arn '{}' is not an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)", Name(),
          arn));
    }
    return Status::Ok();
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    RAMPART_RETURN_IF_ERROR(Validate(request.params));
    REMEDIATE_ASSIGN_OR_RETURN(const auto role, RoleFrom(request.params, request.finding, Name()));
    const std::string policy = StringOr(request.params, "policy_arn");
    ActionResult result;
    result.diff = fmt::format("detach {} from role {}\n", policy, role.first);
    REMEDIATE_ASSIGN_OR_RETURN(const IamTarget target, Connect(request.params, request.finding,
                                                               role.second, context, Name()));
    if (request.dry_run) {
      result.summary = fmt::format("would detach {} from role {}", policy, role.first);
      return result;
    }
    auto response = CallIam(target.endpoint, target.credentials, "DetachRolePolicy",
                            {{"RoleName", role.first}, {"PolicyArn", policy}});
    if (!response && response.status().code() == StatusCode::kNotFound) {
      result.summary = fmt::format("{} is not attached to role {}", policy, role.first);
      result.diff.clear();
      return result;
    }
    if (!response) {
      return response.status();
    }
    result.changed = true;
    result.summary = fmt::format("detached {} from role {}", policy, role.first);
    result.rollback = RollbackRecord(request.params, target);
    result.rollback["role_name"] = role.first;
    result.rollback["policy_arn"] = policy;
    return result;
  }

  Status Rollback(const ActionResult& result, const ActionContext& context) override {
    const Json& record = result.rollback;
    REMEDIATE_ASSIGN_OR_RETURN(
        const IamTarget target,
        Connect(record, Json::object(), StringOr(record, "account"), context, Name()));
    auto response = CallIam(target.endpoint, target.credentials, "AttachRolePolicy",
                            {{"RoleName", StringOr(record, "role_name")},
                             {"PolicyArn", StringOr(record, "policy_arn")}});
    return response.has_value() ? Status::Ok() : response.status();
  }
};

}  // namespace

std::unique_ptr<Action> MakeIamRevokeSessionsAction() {
  return std::make_unique<IamRevokeSessionsAction>();
}
std::unique_ptr<Action> MakeIamDeactivateAccessKeyAction() {
  return std::make_unique<IamDeactivateAccessKeyAction>();
}
std::unique_ptr<Action> MakeIamDetachRolePolicyAction() {
  return std::make_unique<IamDetachRolePolicyAction>();
}

}  // namespace rampart::remediate
