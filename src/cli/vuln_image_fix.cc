#include "cli/vuln_image_fix.h"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "net/host_allow_list.h"
#include "vuln/image_fix.h"
#include "vuln/tag_sbom_source.h"

namespace rampart::cli {

namespace {

// Returns "CVE-... PACKAGE" for a finding, the start of its line in the output.
std::string FindingLabel(const Json& finding) {
  const Json& vulnerability = finding.at("Vulnerabilities").at(0);
  const Json& package = vulnerability.at("VulnerablePackages").at(0);
  return fmt::format("{} {} {}", StringOr(vulnerability, "Id"), StringOr(package, "Name"),
                     StringOr(package, "Version"));
}

Status PlanRegistry(const ImageFixFlags& flags, ImageFixPlan& plan) {
  plan.use_registry = true;
  plan.allowed_hosts = std::make_shared<std::vector<std::string>>(flags.registry_allow);
  plan.registry.allowed_hosts = plan.allowed_hosts.get();
  plan.registry.base_url =
      flags.registry_url.empty() ? "https://" + plan.image.Registry() : flags.registry_url;
  plan.registry.ca_file = flags.registry_ca_file;
  auto url = net::ParseHttpUrl(plan.registry.base_url);
  if (!url) {
    return url.status().WithContext("--registry-url");
  }
  if (!net::HostAllowListed(*plan.allowed_hosts, url->host)) {
    return Status(StatusCode::kPermissionDenied,
                  fmt::format("registry host '{}' is not on --registry-allow ({}); add "
                              "--registry-allow {} to let Rampart read its tags and SBOMs",
                              url->host, fmt::join(flags.registry_allow, ", "), url->host));
  }
  if (!flags.registry_token_env.empty()) {
    const char* token = std::getenv(flags.registry_token_env.c_str());
    if (token == nullptr || *token == '\0') {
      return InvalidArgument(
          fmt::format("environment variable {} named by --registry-token-env is not set or empty",
                      flags.registry_token_env));
    }
    plan.registry.bearer_token = token;
  }
  return Status::Ok();
}

}  // namespace

void AddImageFixOptions(CLI::App* command, ImageFixFlags& flags) {
  command->add_option(
      "--image", flags.image,
      "Container image the input was taken from (REGISTRY/REPOSITORY:TAG). Each finding gets a "
      "Container resource for it, and with --registry-allow or --sbom-dir the smallest newer tag "
      "without the finding's vulnerability is searched and recorded on the finding");
  command
      ->add_option("--registry-allow", flags.registry_allow,
                   "Registry host that --image may be looked up on, for its tag list and the "
                   "SBOMs attached to its tags (OCI 1.1 referrers of type CycloneDX or SPDX "
                   "JSON, or cosign's sha256-<digest>.sbom tags). A host name or IP without "
                   "port, or *.suffix; repeat for several. Without it no registry is contacted")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("--registry-url", flags.registry_url,
                      "Base URL of the image's registry, such as http://127.0.0.1:5000; "
                      "https://REGISTRY of --image by default. Its host must be allow-listed");
  command->add_option("--registry-token-env", flags.registry_token_env,
                      "Environment variable holding a bearer token for the registry");
  command->add_option("--registry-ca-file", flags.registry_ca_file,
                      "PEM file of CA certificates that the registry's TLS certificate must chain "
                      "to, in place of the system store");
  command->add_option("--sbom-dir", flags.sbom_dir,
                      "Folder of SBOMs of other tags named TAG.cdx.json, TAG.spdx.json or "
                      "TAG.json; read before the registry's attached SBOMs, and the source of "
                      "candidate tags when no registry is allowed");
  command
      ->add_option("--tag-constraint", flags.tag_constraint,
                   "How far a fixed tag may move from the scanned one: patch (same major and "
                   "minor version), minor (same major version) or major (any newer tag)")
      ->check(CLI::IsMember({"patch", "minor", "major"}))
      ->capture_default_str();
  command
      ->add_option("--max-candidate-tags", flags.max_candidate_tags,
                   "Newer tags tried per vulnerability, smallest version first")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
}

Result<std::optional<ImageFixPlan>> PlanImageFix(const ImageFixFlags& flags) {
  if (flags.image.empty()) {
    if (!flags.registry_allow.empty() || !flags.registry_url.empty() || !flags.sbom_dir.empty()) {
      return InvalidArgument(
          "--registry-allow, --registry-url and --sbom-dir look up fixed tags of an image; give "
          "the scanned image with --image REGISTRY/REPOSITORY:TAG");
    }
    return std::optional<ImageFixPlan>();
  }
  ImageFixPlan plan;
  auto image = oci::ParseImageRef(flags.image);
  if (!image) {
    return image.status().WithContext("--image");
  }
  plan.image = std::move(*image);
  plan.constraint = oci::ParseTagConstraint(flags.tag_constraint).value_or(plan.constraint);
  plan.max_candidate_tags = flags.max_candidate_tags;
  plan.max_sbom_bytes = flags.max_sbom_bytes;
  if (!flags.registry_allow.empty()) {
    RAMPART_RETURN_IF_ERROR(PlanRegistry(flags, plan));
  } else if (!flags.registry_url.empty()) {
    return InvalidArgument(fmt::format(
        "--registry-url {} needs --registry-allow HOST naming its host", flags.registry_url));
  }
  if (!flags.sbom_dir.empty()) {
    std::error_code error;
    if (!std::filesystem::is_directory(flags.sbom_dir, error)) {
      return InvalidArgument(
          fmt::format("--sbom-dir '{}' is not a folder; give a folder of files named TAG.cdx.json, "
                      "TAG.spdx.json or TAG.json",
                      flags.sbom_dir));
    }
    plan.sbom_dir = flags.sbom_dir;
  }
  return plan;
}

ImageFixOutcome ApplyImageFix(const ImageFixPlan& plan, const vuln::AdvisoryDatabase& database,
                              vuln::ScanReport& report) {
  ImageFixOutcome outcome;
  for (Json& finding : report.findings) {
    vuln::RecordImage(finding, plan.image);
  }
  if (!plan.use_registry && plan.sbom_dir.empty()) {
    return outcome;
  }

  std::vector<vuln::TagSbomSource*> sources;
  vuln::SbomFolderSource folder(plan.sbom_dir);
  vuln::RegistrySbomSource registry(plan.registry, plan.image.Registry(), plan.image.Repository(),
                                    plan.max_sbom_bytes);
  if (!plan.sbom_dir.empty()) {
    sources.push_back(&folder);
  }
  if (plan.use_registry) {
    sources.push_back(&registry);
  }

  auto tags =
      plan.use_registry ? oci::ListTags(plan.registry, plan.image.Repository()) : folder.Tags();
  if (!tags) {
    outcome.error = fmt::format("reading the tags of {} failed: {}", plan.image.Canonical(),
                                tags.status().message());
    return outcome;
  }
  if (tags->empty()) {
    outcome.lines.push_back(fmt::format("{} lists no tags for {}",
                                        plan.use_registry ? plan.registry.base_url : plan.sbom_dir,
                                        plan.image.Repository()));
  }
  vuln::ImageFixOptions options;
  options.image = plan.image;
  options.tags = std::move(*tags);
  options.constraint = plan.constraint;
  options.max_candidates = plan.max_candidate_tags;
  auto finder = vuln::ImageFixFinder::Create(database, std::move(options), sources);
  if (!finder) {
    outcome.error = finder.status().message();
    return outcome;
  }

  for (Json& finding : report.findings) {
    auto fix = finder->Find(finding);
    if (!fix) {
      outcome.error = fmt::format("searching a fixed tag for {} failed: {}", FindingLabel(finding),
                                  fix.status().message());
      return outcome;
    }
    vuln::RecordImageFix(finding, plan.image, *fix);
    outcome.lines.push_back(
        fmt::format("{}: {}", FindingLabel(finding),
                    StringOr(finding.at("ProductFields"), "rampart/vuln/FixedImageSearch")));
  }
  return outcome;
}

}  // namespace rampart::cli
