// Shared parts of the gitops actions: the repository parameters, the branch name from the
// finding and idempotency key, committing file changes, and rollback by branch deletion.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "remediate/action.h"
#include "remediate/git_workspace.h"
#include "remediate/params.h"

namespace rampart::remediate {

struct GitopsTarget {
  std::string repository;
  std::string base;
  std::vector<std::string> paths;
  std::string branch_prefix;
  bool push = false;
  std::string push_url;
  std::string author_name = "Rampart";
  std::string author_email = "rampart@localhost";
};

// Reads "repository", "base", "paths", "branch_prefix", "push", "push_url", "author_name" and
// "author_email".
Result<GitopsTarget> ParseGitopsTarget(const Params& params, std::string_view default_prefix);

// Returns `location` with a local path resolved against context.base_dir; URLs and "*" are
// unchanged.
std::string ResolveRepository(const ActionContext& context, const std::string& location);

// Resolves the target's repository and push URL (see ResolveRepository) and fails with
// kPermissionDenied unless both are on the repositories allow-list, whose entries are
// resolved the same way, so that an entry "manifests" allows the repository "manifests".
Status ResolveAllowedRepository(GitopsTarget& target, const ActionContext& context,
                                std::string_view action);

// Returns "<prefix>/<hint>-<12 hex digits>" where the digits hash the finding's ProductArn and
// Id with the idempotency key; `hint` is cut to letters, digits, '.', '-' and '_'.
std::string BranchName(const std::string& prefix, const Json& finding, const std::string& key,
                       std::string_view hint);

// Commits `changes` (path -> new content, with `originals` holding the old content) on
// `branch`, pushes when asked, and fills the result. With `dry_run` only the diff is made.
Result<ActionResult> CommitChanges(GitWorkspace& workspace, const GitopsTarget& target,
                                   const ActionRequest& request, const ActionContext& context,
                                   const std::string& branch, const std::string& message,
                                   const std::map<std::string, std::string>& originals,
                                   const std::map<std::string, std::string>& changes);

// Returns the result for a second run whose branch already exists.
ActionResult ExistingBranchResult(const std::string& branch);

// Deletes the branch named in a result's rollback, and on the remote when it was pushed.
Status RollbackBranch(const ActionResult& result, const ActionContext& context);

}  // namespace rampart::remediate
