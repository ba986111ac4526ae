// The aws.iam.* actions: IAM Query API calls signed with SigV4. Every action takes
// "endpoint" (default https://iam.amazonaws.com/; another host must be on the hosts
// allow-list), "region" (default us-east-1) and "profile" (see LoadAwsCredentials). The
// account of the target (from the finding's AwsAccountId or the ARN) must be on the accounts
// allow-list.
#pragma once

#include <memory>

#include "remediate/action.h"

namespace rampart::remediate {

// aws.iam.revoke-sessions: puts the inline policy AWSRevokeOlderSessions on role `role_name`
// (default: the finding's AwsIamRole resource), denying every action to sessions whose
// aws:TokenIssueTime is before now, which is how the IAM console revokes a role's active
// sessions. Rollback deletes that policy, so old sessions work again.
std::unique_ptr<Action> MakeIamRevokeSessionsAction();

// aws.iam.deactivate-access-key: sets access key `access_key_id` (of `user_name`) Inactive;
// both default to the finding's access key. Rollback sets it Active.
std::unique_ptr<Action> MakeIamDeactivateAccessKeyAction();

// aws.iam.detach-role-policy: detaches managed policy `policy_arn` from role `role_name`.
// Rollback attaches it again.
std::unique_ptr<Action> MakeIamDetachRolePolicyAction();

}  // namespace rampart::remediate
