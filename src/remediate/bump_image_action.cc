#include "remediate/bump_image_action.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "remediate/gitops_common.h"
#include "remediate/manifest_images.h"
#include "remediate/oci_registry.h"

namespace rampart::remediate {

namespace {

constexpr std::string_view kName = "gitops.bump-image";

struct RegistryParams {
  std::string url;
  TagConstraint constraint = TagConstraint::kPatch;
  std::string token_env;
  std::size_t page_size = 100;
};

struct BumpParams {
  GitopsTarget target;
  std::optional<std::string> image;
  ImageVersion fixed;
  bool tag_from_finding = false;
  std::optional<RegistryParams> registry;
};

// The ProductFields key where `rampart scan sbom --image` records a finding's fixed tag.
constexpr std::string_view kFixedTagField = "rampart/vuln/FixedImageTag";

Result<RegistryParams> ParseRegistry(const Json& json) {
  Params params(json, "gitops.bump-image registry");
  RAMPART_RETURN_IF_ERROR(params.CheckKeys({"url", "constraint", "token_env", "page_size"}));
  RegistryParams registry;
  REMEDIATE_ASSIGN_OR_RETURN(const auto url, params.OptionalString("url"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto constraint, params.OptionalString("constraint"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto token_env, params.OptionalString("token_env"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto page_size, params.OptionalInteger("page_size", 1, 10000));
  registry.url = url.value_or("");
  registry.token_env = token_env.value_or("");
  registry.page_size = static_cast<std::size_t>(page_size.value_or(100));
  if (constraint) {
    const auto parsed = ParseTagConstraint(*constraint);
    if (!parsed) {
      return InvalidArgument(fmt::format(
          "gitops.bump-image: registry constraint '{}' is unknown; use patch, minor or major",
          *constraint));
    }
    registry.constraint = *parsed;
  }
  return registry;
}

Result<BumpParams> ParseParams(const Json& json) {
  Params params(json, kName);
  RAMPART_RETURN_IF_ERROR(params.CheckKeys({"repository", "base", "paths", "branch_prefix", "push",
                                            "push_url", "author_name", "author_email", "image",
                                            "tag", "digest", "registry", "tag_from_finding"}));
  BumpParams parsed;
  REMEDIATE_ASSIGN_OR_RETURN(parsed.target, ParseGitopsTarget(params, "rampart/bump-image"));
  REMEDIATE_ASSIGN_OR_RETURN(parsed.image, params.OptionalString("image"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto tag, params.OptionalString("tag"));
  REMEDIATE_ASSIGN_OR_RETURN(const auto digest, params.OptionalString("digest"));
  REMEDIATE_ASSIGN_OR_RETURN(parsed.tag_from_finding, params.Bool("tag_from_finding", false));
  parsed.fixed.tag = tag.value_or("");
  parsed.fixed.digest = digest.value_or("");
  if (parsed.tag_from_finding && (tag || digest)) {
    return InvalidArgument(
        "gitops.bump-image: give either 'tag' or 'digest', or 'tag_from_finding', not both");
  }
  if (parsed.image && !ParseImageRef(*parsed.image)) {
    return ParseImageRef(*parsed.image).status().WithContext("gitops.bump-image: image");
  }
  if (!parsed.fixed.digest.empty() && !ParseImageRef("x@" + parsed.fixed.digest)) {
    return InvalidArgument(
        fmt::format("gitops.bump-image: digest '{}' is invalid; expected sha256:<64 hex digits>",
                    parsed.fixed.digest));
  }
  if (!parsed.fixed.tag.empty() && !ParseImageRef("x:" + parsed.fixed.tag)) {
    return InvalidArgument(fmt::format("gitops.bump-image: tag '{}' is invalid", parsed.fixed.tag));
  }
  if (params.Has("registry")) {
    REMEDIATE_ASSIGN_OR_RETURN(const Json registry, params.Object("registry"));
    REMEDIATE_ASSIGN_OR_RETURN(parsed.registry, ParseRegistry(registry));
  }
  if (parsed.fixed.tag.empty() && parsed.fixed.digest.empty() && !parsed.tag_from_finding &&
      !parsed.registry) {
    return InvalidArgument(
        "gitops.bump-image: give the fixed version as 'tag' or 'digest', 'tag_from_finding', or "
        "a 'registry' to pick the newest tag from");
  }
  return parsed;
}

RegistryClientOptions RegistryOptions(const RegistryParams& registry, const ImageRef& image,
                                      const ActionContext& context) {
  RegistryClientOptions options;
  options.base_url = registry.url.empty() ? "https://" + image.Registry() : registry.url;
  options.page_size = registry.page_size;
  options.timeout = context.timeout;
  options.ca_file = context.ca_file;
  options.allowed_hosts = &context.allow.hosts;
  if (!registry.token_env.empty()) {
    options.bearer_token = context.environment(registry.token_env).value_or("");
  }
  return options;
}

// Reads the fixed tag that a vulnerability scan recorded on the finding. The finding is
// untrusted, so the tag must be a valid tag and newer than the running one.
Result<ImageVersion> TagFromFinding(const Json& finding, const ImageRef& image, std::string& log) {
  const Json* fields = LookupPath(finding, "ProductFields");
  const std::string tag =
      fields != nullptr && fields->is_object() ? StringOr(*fields, kFixedTagField) : "";
  if (tag.empty()) {
    return FailedPrecondition(fmt::format(
        "gitops.bump-image: the finding has no ProductFields '{}', so no scan found a fixed tag "
        "of {}; scan the image with `rampart scan sbom --image` and --registry-allow or "
        "--sbom-dir",
        kFixedTagField, image.ToString()));
  }
  if (!ParseImageRef("x:" + tag)) {
    return InvalidArgument(
        fmt::format("gitops.bump-image: the finding's fixed tag '{}' is invalid", tag));
  }
  if (!image.tag.empty() && CompareTags(tag, image.tag).value_or(1) <= 0) {
    return FailedPrecondition(fmt::format(
        "gitops.bump-image: the finding's fixed tag '{}' is not newer than the running tag '{}'",
        tag, image.tag));
  }
  log += fmt::format("fixed tag {} from the finding's {}\n", tag, kFixedTagField);
  return ImageVersion{tag, ""};
}

// Picks the newest allowed tag from the registry when the rule gives no fixed version.
Result<ImageVersion> ChooseVersion(const BumpParams& params, const ImageRef& image,
                                   const Json& finding, const ActionContext& context,
                                   std::string& log) {
  if (!params.fixed.tag.empty() || !params.fixed.digest.empty()) {
    return params.fixed;
  }
  if (params.tag_from_finding) {
    return TagFromFinding(finding, image, log);
  }
  if (image.tag.empty()) {
    return InvalidArgument(fmt::format(
        "gitops.bump-image: image '{}' has no tag to compare registry tags with; give 'tag'",
        image.ToString()));
  }
  const auto options = RegistryOptions(*params.registry, image, context);
  auto tags = ListTags(options, image.Repository());
  if (!tags) {
    return tags.status();
  }
  auto newer = SelectNewerTag(image.tag, *tags, params.registry->constraint);
  if (!newer) {
    return newer.status();
  }
  if (!newer->has_value()) {
    return FailedPrecondition(
        fmt::format("gitops.bump-image: registry {} has no tag of '{}' newer than '{}' within the "
                    "constraint ({} tags listed)",
                    options.base_url, image.Repository(), image.tag, tags->size()));
  }
  log += fmt::format("registry {} lists {} tags of {}; newest allowed: {}\n", options.base_url,
                     tags->size(), image.Repository(), **newer);
  return ImageVersion{**newer, ""};
}

std::string CommitMessage(const ActionRequest& request, const ImageRef& image,
                          const ImageVersion& version, const std::vector<std::string>& cves,
                          const std::vector<std::pair<std::string, ImageUse>>& uses) {
  const std::string target = version.tag.empty() ? version.digest : version.tag;
  std::string message = fmt::format("Bump {} to {}\n\n", image.Canonical(), target);
  message += fmt::format("Moves every workload that runs {} to {}{}.\n\n", image.ToString(), target,
                         cves.empty() ? "" : fmt::format(", fixing {}", fmt::join(cves, ", ")));
  message += fmt::format("Finding: {}\n", StringOr(request.finding, "Id"));
  message += fmt::format("Product: {}\n", StringOr(request.finding, "ProductArn"));
  if (!cves.empty()) {
    message += fmt::format("CVEs: {}\n", fmt::join(cves, ", "));
  }
  message += "Changed:\n";
  for (const auto& [path, use] : uses) {
    message +=
        fmt::format("  {}:{} {}: {} -> {}\n", path, use.line, use.where, use.before, use.after);
  }
  message += fmt::format("Idempotency-Key: {}\n", request.idempotency_key);
  return message;
}

class BumpImageAction final : public Action {
 public:
  std::string_view Name() const override { return kName; }

  Status Validate(const Json& params) const override {
    auto parsed = ParseParams(params);
    return parsed.has_value() ? Status::Ok() : parsed.status();
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    REMEDIATE_ASSIGN_OR_RETURN(BumpParams params, ParseParams(request.params));
    RAMPART_RETURN_IF_ERROR(ResolveAllowedRepository(params.target, context, kName));
    REMEDIATE_ASSIGN_OR_RETURN(const ImageRef image, params.image
                                                         ? ParseImageRef(*params.image)
                                                         : ImageFromFinding(request.finding));
    REMEDIATE_ASSIGN_OR_RETURN(
        auto workspace,
        GitWorkspace::Open(params.target.repository, context.work_dir, params.target.base));
    const std::string hint = image.Repository().substr(image.Repository().rfind('/') + 1);
    const std::string branch =
        BranchName(params.target.branch_prefix, request.finding, request.idempotency_key, hint);
    if (workspace->BranchExists(branch)) {
      return ExistingBranchResult(branch);
    }

    std::string log;
    REMEDIATE_ASSIGN_OR_RETURN(ImageVersion version,
                               ChooseVersion(params, image, request.finding, context, log));
    std::vector<std::string> skipped;
    REMEDIATE_ASSIGN_OR_RETURN(const auto files,
                               workspace->ListYamlFiles(params.target.paths, skipped));
    const ImageMatch match{image, image.tag, image.digest};
    auto uses = ScanFiles(files, match, version, skipped);
    if (NeedsDigest(uses) && version.digest.empty()) {
      REMEDIATE_ASSIGN_OR_RETURN(version.digest, ResolveDigest(params, image, version, context));
      skipped.clear();
      uses = ScanFiles(files, match, version, skipped);
    }
    for (const std::string& line : skipped) {
      log += "skipped: " + line + "\n";
    }
    if (uses.empty()) {
      ActionResult result;
      result.summary = fmt::format("no manifest under '{}' runs {} at an older version",
                                   params.target.repository, image.ToString());
      result.output = BoundOutput(log, context.max_output_bytes);
      return result;
    }
    return Commit(*workspace, params, request, context, branch, image, version, files, uses, log);
  }

  Status Rollback(const ActionResult& result, const ActionContext& context) override {
    return RollbackBranch(result, context);
  }

 private:
  static std::vector<std::pair<std::string, ImageUse>> ScanFiles(
      const std::vector<TreeFile>& files, const ImageMatch& match, const ImageVersion& version,
      std::vector<std::string>& skipped) {
    std::vector<std::pair<std::string, ImageUse>> uses;
    for (const TreeFile& file : files) {
      for (ImageUse& use : FindImageUses(file.content, file.path, match, version, skipped)) {
        uses.emplace_back(file.path, std::move(use));
      }
    }
    return uses;
  }

  static bool NeedsDigest(const std::vector<std::pair<std::string, ImageUse>>& uses) {
    for (const auto& [path, use] : uses) {
      if (use.needs_digest) {
        return true;
      }
    }
    return false;
  }

  static Result<std::string> ResolveDigest(const BumpParams& params, const ImageRef& image,
                                           const ImageVersion& version,
                                           const ActionContext& context) {
    if (!params.registry || version.tag.empty()) {
      return FailedPrecondition(
          "gitops.bump-image: a manifest pins the image by digest, so the new digest is "
          "needed; give 'digest', or a 'registry' to look it up");
    }
    return ResolveTagDigest(RegistryOptions(*params.registry, image, context), image.Repository(),
                            version.tag);
  }

  static Result<ActionResult> Commit(GitWorkspace& workspace, const BumpParams& params,
                                     const ActionRequest& request, const ActionContext& context,
                                     const std::string& branch, const ImageRef& image,
                                     const ImageVersion& version,
                                     const std::vector<TreeFile>& files,
                                     const std::vector<std::pair<std::string, ImageUse>>& uses,
                                     std::string log) {
    std::map<std::string, std::string> originals;
    std::map<std::string, std::vector<TextEdit>> edits;
    for (const TreeFile& file : files) {
      originals[file.path] = file.content;
    }
    for (const auto& [path, use] : uses) {
      edits[path].insert(edits[path].end(), use.edits.begin(), use.edits.end());
      log += fmt::format("{}:{} {}: {} -> {}\n", path, use.line, use.where, use.before, use.after);
    }
    std::map<std::string, std::string> changes;
    for (const auto& [path, file_edits] : edits) {
      REMEDIATE_ASSIGN_OR_RETURN(changes[path], ApplyEdits(originals[path], file_edits));
    }
    const auto message =
        CommitMessage(request, image, version, CvesFromFinding(request.finding), uses);
    REMEDIATE_ASSIGN_OR_RETURN(ActionResult result,
                               CommitChanges(workspace, params.target, request, context, branch,
                                             message, originals, changes));
    result.output = BoundOutput(log, context.max_output_bytes);
    return result;
  }
};

}  // namespace

std::unique_ptr<Action> MakeBumpImageAction() { return std::make_unique<BumpImageAction>(); }

}  // namespace rampart::remediate
