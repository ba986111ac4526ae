#include "remediate/gitops_common.h"

#include <fmt/format.h>

#include "core/hash.h"

namespace rampart::remediate {

Result<GitopsTarget> ParseGitopsTarget(const Params& params, std::string_view default_prefix) {
  GitopsTarget target;
  REMEDIATE_ASSIGN_OR_RETURN(target.repository, params.RequiredString("repository"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto base, params.OptionalString("base"));
  REMEDIATE_ASSIGN_OR_RETURN(target.paths, params.StringList("paths"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto prefix, params.OptionalString("branch_prefix"));
  REMEDIATE_ASSIGN_OR_RETURN(target.push, params.Bool("push", false));
  REMEDIATE_ASSIGN_OR_RETURN(const auto push_url, params.OptionalString("push_url"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto author_name, params.OptionalString("author_name"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto author_email, params.OptionalString("author_email"));
  target.base = base.value_or("");
  target.branch_prefix = prefix.value_or(std::string(default_prefix));
  target.push_url = push_url.value_or("");
  target.author_name = author_name.value_or(target.author_name);
  target.author_email = author_email.value_or(target.author_email);
  for (const std::string& path : target.paths) {
    auto normalized = NormalizeRepoPath(path);
    if (!normalized) {
      return normalized.status();
    }
  }
  return target;
}

std::string ResolveRepository(const ActionContext& context, const std::string& location) {
  if (location == "*" || IsRemoteLocation(location)) {
    return location;
  }
  return ResolveLocalPath(context, location);
}

Status ResolveAllowedRepository(GitopsTarget& target, const ActionContext& context,
                                std::string_view action) {
  std::vector<std::string> allowed;
  for (const std::string& entry : context.allow.repositories) {
    allowed.push_back(ResolveRepository(context, entry));
  }
  for (std::string* location : {&target.repository, &target.push_url}) {
    *location = ResolveRepository(context, *location);
    if (!location->empty() && !AllowListed(allowed, *location)) {
      return Status(StatusCode::kPermissionDenied,
                    fmt::format("{}: repository '{}' is not on the repositories allow-list; add "
                                "it to the rule's allowed repositories",
                                action, *location));
    }
  }
  return Status::Ok();
}

std::string BranchName(const std::string& prefix, const Json& finding, const std::string& key,
                       std::string_view hint) {
  std::string slug;
  for (char c : hint) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') {
      slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && (slug.back() == '-' || slug.back() == '.')) {
    slug.pop_back();
  }
  while (!slug.empty() && slug.front() == '.') {
    slug.erase(slug.begin());
  }
  if (slug.size() > 40) {
    slug.resize(40);
  }
  const std::string id =
      StableId({StringOr(finding, "ProductArn"), StringOr(finding, "Id"), key}, 12);
  return slug.empty() ? prefix + "/" + id : prefix + "/" + slug + "-" + id;
}

ActionResult ExistingBranchResult(const std::string& branch) {
  ActionResult result;
  result.changed = false;
  result.summary = fmt::format(
      "branch '{}' already exists, so this idempotency key was already applied", branch);
  return result;
}

Result<ActionResult> CommitChanges(GitWorkspace& workspace, const GitopsTarget& target,
                                   const ActionRequest& request, const ActionContext& context,
                                   const std::string& branch, const std::string& message,
                                   const std::map<std::string, std::string>& originals,
                                   const std::map<std::string, std::string>& changes) {
  ActionResult result;
  for (const auto& [path, content] : changes) {
    auto diff = UnifiedDiff(path, originals.at(path), content);
    if (!diff) {
      return diff.status();
    }
    result.diff += *diff;
  }
  if (request.dry_run) {
    result.summary = fmt::format("would commit {} file(s) on branch '{}'", changes.size(), branch);
    return result;
  }

  CommitRequest commit;
  commit.branch = branch;
  commit.message = message;
  commit.author_name = target.author_name;
  commit.author_email = target.author_email;
  commit.time = context.clock->Now();
  commit.files = changes;
  auto commit_id = workspace.CommitOnBranch(commit);
  if (!commit_id) {
    return commit_id.status();
  }
  const bool pushed = target.push || workspace.cloned();
  if (pushed) {
    RAMPART_RETURN_IF_ERROR(workspace.Push(branch, target.push_url));
  }
  result.changed = true;
  result.summary = fmt::format("committed {} on branch '{}'{}", commit_id->substr(0, 12), branch,
                               pushed ? " and pushed it" : "");
  result.rollback = {{"repository", target.repository},
                     {"branch", branch},
                     {"commit", *commit_id},
                     {"pushed", pushed},
                     {"push_url", target.push_url}};
  return result;
}

Status RollbackBranch(const ActionResult& result, const ActionContext& context) {
  const Json& rollback = result.rollback;
  const std::string repository = StringOr(rollback, "repository");
  const std::string branch = StringOr(rollback, "branch");
  if (repository.empty() || branch.empty()) {
    return InvalidArgument("rollback record names no repository and branch");
  }
  GitopsTarget target;
  target.repository = repository;
  target.push_url = StringOr(rollback, "push_url");
  RAMPART_RETURN_IF_ERROR(ResolveAllowedRepository(target, context, "rollback"));
  auto workspace = GitWorkspace::Open(target.repository, context.work_dir, "");
  if (!workspace) {
    return workspace.status();
  }
  const bool pushed = rollback.value("pushed", false);
  return (*workspace)->DeleteBranch(branch, pushed, target.push_url);
}

}  // namespace rampart::remediate
