#include "remediate/harden_action.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "remediate/gitops_common.h"
#include "remediate/manifest_harden.h"
#include "remediate/posture_fix.h"

namespace rampart::remediate {

namespace {

constexpr std::string_view kName = "gitops.harden";

struct HardenParams {
  GitopsTarget target;
  std::vector<HardenFix> fixes;
  bool fixes_given = false;
  std::optional<WorkloadSelector> workload;
  bool all_workloads = false;
  std::string scan_root;  // folder of the repository that the posture scan read
};

Result<WorkloadSelector> ParseSelector(const Json& json) {
  Params params(json, "gitops.harden workload");
  RAMPART_RETURN_IF_ERROR(params.CheckKeys({"kind", "name", "namespace"}));
  WorkloadSelector selector;
  REMEDIATE_ASSIGN_OR_RETURN(selector.name, params.RequiredString("name"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto kind, params.OptionalString("kind"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto namespace_name, params.OptionalString("namespace"));
  selector.kind = kind.value_or("");
  selector.namespace_name = namespace_name.value_or("");
  return selector;
}

Result<HardenParams> ParseParams(const Json& json) {
  Params params(json, kName);
  RAMPART_RETURN_IF_ERROR(params.CheckKeys({"repository", "base", "paths", "branch_prefix", "push",
                                            "push_url", "author_name", "author_email", "fixes",
                                            "workload", "all_workloads", "scan_root"}));
  HardenParams parsed;
  REMEDIATE_ASSIGN_OR_RETURN(parsed.target, ParseGitopsTarget(params, "rampart/harden"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto names, params.StringList("fixes"));
  REMEDIATE_ASSIGN_OR_RETURN(parsed.all_workloads, params.Bool("all_workloads", false));
  for (const std::string& name : names) {
    const auto fix = ParseHardenFix(name);
    if (!fix) {
      return InvalidArgument(fmt::format(
          "gitops.harden: fix '{}' is unknown; use runAsNonRoot, allowPrivilegeEscalation, "
          "dropAllCapabilities, readOnlyRootFilesystem, seccompProfile or "
          "automountServiceAccountToken",
          name));
    }
    parsed.fixes.push_back(*fix);
  }
  parsed.fixes_given = !parsed.fixes.empty();
  if (parsed.fixes.empty()) {
    parsed.fixes = AllHardenFixes();
  }
  REMEDIATE_ASSIGN_OR_RETURN(const auto scan_root, params.OptionalString("scan_root"));
  parsed.scan_root = scan_root.value_or("");
  if (params.Has("workload")) {
    REMEDIATE_ASSIGN_OR_RETURN(const Json workload, params.Object("workload"));
    REMEDIATE_ASSIGN_OR_RETURN(parsed.workload, ParseSelector(workload));
  }
  return parsed;
}

std::string FirstString(const Json& object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    const std::string value = StringOr(object, key);
    if (!value.empty()) {
      return value;
    }
  }
  return "";
}

// Reads the workload from the finding's first resource.
Result<WorkloadSelector> WorkloadFromFinding(const Json& finding) {
  const Json* resource = LookupPath(finding, "Resources[0]");
  if (resource != nullptr) {
    WorkloadSelector selector;
    if (const Json* other = LookupPath(*resource, "Details.Other"); other && other->is_object()) {
      selector.kind = FirstString(*other, {"kind", "Kind"});
      selector.name = FirstString(*other, {"name", "Name"});
      selector.namespace_name = FirstString(*other, {"namespace", "Namespace"});
    }
    const std::string id = StringOr(*resource, "Id");
    const auto first = id.find('/');
    const auto second = first == std::string::npos ? first : id.find('/', first + 1);
    if (selector.name.empty() && second != std::string::npos &&
        id.find('/', second + 1) == std::string::npos) {
      selector.kind = id.substr(0, first);
      selector.namespace_name = id.substr(first + 1, second - first - 1);
      selector.name = id.substr(second + 1);
    }
    if (!selector.name.empty()) {
      return selector;
    }
  }
  return InvalidArgument(
      "gitops.harden: the finding names no workload (Resources[0].Details.Other kind/name/"
      "namespace, or an Id 'Kind/namespace/name'); set 'workload' or 'all_workloads' in the "
      "rule");
}

// Returns an error when the rule limits `paths` and `file` lies outside every one of them.
Status CheckInsidePaths(const GitopsTarget& target, const std::string& file) {
  if (target.paths.empty()) {
    return Status::Ok();
  }
  for (const std::string& scope : target.paths) {
    auto normalized = NormalizeRepoPath(scope);
    if (normalized &&
        (normalized->empty() || *normalized == file || file.rfind(*normalized + "/", 0) == 0)) {
      return Status::Ok();
    }
  }
  return Status(StatusCode::kPermissionDenied,
                fmt::format("gitops.harden: manifest '{}' named by the finding is outside the "
                            "rule's paths ({}); add its folder to 'paths' if it should be fixed",
                            file, fmt::join(target.paths, ", ")));
}

class HardenAction final : public Action {
 public:
  std::string_view Name() const override { return kName; }

  Status Validate(const Json& params) const override {
    auto parsed = ParseParams(params);
    return parsed.has_value() ? Status::Ok() : parsed.status();
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    REMEDIATE_ASSIGN_OR_RETURN(HardenParams params, ParseParams(request.params));
    RAMPART_RETURN_IF_ERROR(ResolveAllowedRepository(params.target, context, kName));
    if (!params.fixes_given && !params.workload && !params.all_workloads) {
      REMEDIATE_ASSIGN_OR_RETURN(const auto fix, PostureFixFromFinding(request.finding));
      if (fix) {
        return ApplyFindingFix(params, *fix, request, context);
      }
    }
    WorkloadSelector selector;
    if (params.workload) {
      selector = *params.workload;
    } else if (!params.all_workloads) {
      REMEDIATE_ASSIGN_OR_RETURN(selector, WorkloadFromFinding(request.finding));
    }
    if (!context.allow.namespaces.empty() && !selector.namespace_name.empty() &&
        !AllowListed(context.allow.namespaces, selector.namespace_name)) {
      return Status(StatusCode::kPermissionDenied,
                    fmt::format("gitops.harden: namespace '{}' is not on the namespaces "
                                "allow-list",
                                selector.namespace_name));
    }
    if (!context.allow.namespaces.empty()) {
      selector.allowed_namespaces = context.allow.namespaces;
    }
    REMEDIATE_ASSIGN_OR_RETURN(
        auto workspace,
        GitWorkspace::Open(params.target.repository, context.work_dir, params.target.base));
    const std::string branch =
        BranchName(params.target.branch_prefix, request.finding, request.idempotency_key,
                   selector.name.empty() ? "all" : selector.name);
    if (workspace->BranchExists(branch)) {
      return ExistingBranchResult(branch);
    }
    std::vector<std::string> skipped;
    REMEDIATE_ASSIGN_OR_RETURN(const auto files,
                               workspace->ListYamlFiles(params.target.paths, skipped));
    return Harden(*workspace, params, selector, files, skipped, request, context, branch);
  }

  Status Rollback(const ActionResult& result, const ActionContext& context) override {
    return RollbackBranch(result, context);
  }

 private:
  // Fixes the failed check of a posture finding in the one manifest it names. The check runs
  // again on the manifest, and its own patches are applied, never the finding's.
  static Result<ActionResult> ApplyFindingFix(const HardenParams& params, const PostureFix& fix,
                                              const ActionRequest& request,
                                              const ActionContext& context) {
    const std::string joined =
        params.scan_root.empty() ? fix.file : params.scan_root + "/" + fix.file;
    REMEDIATE_ASSIGN_OR_RETURN(const std::string path, NormalizeRepoPath(joined));
    REMEDIATE_ASSIGN_OR_RETURN(
        auto workspace,
        GitWorkspace::Open(params.target.repository, context.work_dir, params.target.base));
    const std::string branch = BranchName(params.target.branch_prefix, request.finding,
                                          request.idempotency_key, fix.check_id);
    if (workspace->BranchExists(branch)) {
      return ExistingBranchResult(branch);
    }
    std::vector<std::string> skipped;
    REMEDIATE_ASSIGN_OR_RETURN(const auto files, workspace->ListYamlFiles({path}, skipped));
    if (files.size() != 1) {
      return NotFound(fmt::format(
          "gitops.harden: manifest '{}' named by the finding is not a YAML file in '{}'; set "
          "'scan_root' to the folder the scan read",
          path, params.target.repository));
    }
    RAMPART_RETURN_IF_ERROR(CheckInsidePaths(params.target, files[0].path));
    REMEDIATE_ASSIGN_OR_RETURN(const RecheckedFix recheck,
                               RecheckPostureFix(fix, files[0].content, files[0].path));
    if (!context.allow.namespaces.empty() &&
        !AllowListed(context.allow.namespaces, recheck.namespace_name)) {
      return Status(StatusCode::kPermissionDenied,
                    fmt::format("gitops.harden: namespace '{}' of the object in {} is not on the "
                                "namespaces allow-list",
                                recheck.namespace_name, files[0].path));
    }
    if (recheck.passed || recheck.patches.empty()) {
      ActionResult result;
      result.summary = recheck.passed ? fmt::format("{} already passes {}", path, fix.check_id)
                                      : fmt::format("{} fails {}, which has no automatic fix", path,
                                                    fix.check_id);
      return result;
    }
    REMEDIATE_ASSIGN_OR_RETURN(auto outcome,
                               ApplyPostureFix(fix, recheck.patches, files[0].content));
    std::string log;
    for (const std::string& line : outcome.second) {
      log += fmt::format("{}: {}\n", path, line);
    }
    if (outcome.first == files[0].content) {
      ActionResult result;
      result.summary = fmt::format("{} already has the fix of {}", path, fix.check_id);
      result.output = BoundOutput(log, context.max_output_bytes);
      return result;
    }
    const std::string message = fmt::format(
        "Fix {} in {}\n\nApplies the patches of posture check {} for finding {}.\n\n"
        "Finding: {}\nProduct: {}\nChanged:\n{}Idempotency-Key: {}\n",
        fix.check_id, path, fix.check_id, StringOr(request.finding, "Id"),
        StringOr(request.finding, "Id"), StringOr(request.finding, "ProductArn"), log,
        request.idempotency_key);
    REMEDIATE_ASSIGN_OR_RETURN(
        ActionResult result,
        CommitChanges(*workspace, params.target, request, context, branch, message,
                      {{path, files[0].content}}, {{path, outcome.first}}));
    result.output = BoundOutput(log, context.max_output_bytes);
    return result;
  }

  static Result<ActionResult> Harden(GitWorkspace& workspace, const HardenParams& params,
                                     const WorkloadSelector& selector,
                                     const std::vector<TreeFile>& files,
                                     std::vector<std::string> skipped, const ActionRequest& request,
                                     const ActionContext& context, const std::string& branch) {
    std::map<std::string, std::string> originals;
    std::map<std::string, std::string> changes;
    std::string log;
    std::size_t workloads = 0;
    std::size_t denied = 0;
    for (const TreeFile& file : files) {
      auto outcome = HardenManifest(file.content, file.path, selector, params.fixes);
      if (!outcome) {
        skipped.push_back(outcome.status().message());
        continue;
      }
      workloads += outcome->workloads;
      denied += outcome->denied;
      for (const std::string& line : outcome->applied) {
        log += fmt::format("{}: {}\n", file.path, line);
      }
      for (const std::string& line : outcome->skipped) {
        skipped.push_back(fmt::format("{}: {}", file.path, line));
      }
      if (outcome->text != file.content) {
        originals[file.path] = file.content;
        changes[file.path] = std::move(outcome->text);
      }
    }
    for (const std::string& line : skipped) {
      log += "skipped: " + line + "\n";
    }
    if (workloads == 0 && denied > 0) {
      return Status(StatusCode::kPermissionDenied,
                    fmt::format("gitops.harden: every workload named '{}' is in a namespace off "
                                "the namespaces allow-list:\n{}",
                                selector.name, log));
    }
    if (workloads == 0) {
      return NotFound(fmt::format("gitops.harden: no workload named '{}' in '{}'", selector.name,
                                  params.target.repository));
    }
    if (changes.empty()) {
      ActionResult result;
      result.summary = fmt::format("{} workload(s) already have every requested fix", workloads);
      result.output = BoundOutput(log, context.max_output_bytes);
      return result;
    }
    const std::string message = fmt::format(
        "Harden {} security settings\n\nApplies Pod Security fixes for finding {}.\n\n"
        "Finding: {}\nProduct: {}\nChanged:\n{}Idempotency-Key: {}\n",
        selector.name.empty() ? "workload" : selector.name, StringOr(request.finding, "Id"),
        StringOr(request.finding, "Id"), StringOr(request.finding, "ProductArn"), log,
        request.idempotency_key);
    REMEDIATE_ASSIGN_OR_RETURN(ActionResult result,
                               CommitChanges(workspace, params.target, request, context, branch,
                                             message, originals, changes));
    result.output = BoundOutput(log, context.max_output_bytes);
    return result;
  }
};

}  // namespace

std::unique_ptr<Action> MakeHardenAction() { return std::make_unique<HardenAction>(); }

}  // namespace rampart::remediate
