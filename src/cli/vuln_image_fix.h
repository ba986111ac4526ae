// The fixed-tag search of `rampart scan sbom|rootfs --image REF`: options, checks made before
// the scan, and the search over the scan's findings.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/status.h"
#include "oci/image_ref.h"
#include "oci/registry_client.h"
#include "vuln/advisory_database.h"
#include "vuln/findings.h"

namespace rampart::cli {

struct ImageFixFlags {
  std::string image;
  std::vector<std::string> registry_allow;
  std::string registry_url;
  std::string registry_token_env;
  std::string registry_ca_file;
  std::string sbom_dir;
  std::string tag_constraint = "major";
  std::size_t max_candidate_tags = 20;
  std::size_t max_sbom_bytes = 64 << 20;
};

void AddImageFixOptions(CLI::App* command, ImageFixFlags& flags);

// The checked flags: the image reference, the constraint, and the registry client settings
// when a registry is to be read.
struct ImageFixPlan {
  oci::ImageRef image;
  oci::TagConstraint constraint = oci::TagConstraint::kMajor;
  bool use_registry = false;
  oci::RegistryClientOptions registry;
  std::string sbom_dir;
  std::size_t max_candidate_tags = 20;
  std::size_t max_sbom_bytes = 64 << 20;
  std::shared_ptr<std::vector<std::string>> allowed_hosts;
};

// Checks the flags before anything is scanned or fetched: the image reference, the
// constraint, and that the registry's host is on --registry-allow. Returns nullopt without
// --image.
Result<std::optional<ImageFixPlan>> PlanImageFix(const ImageFixFlags& flags);

struct ImageFixOutcome {
  std::vector<std::string> lines;  // one per finding: its fixed tag, or "no fixed tag found"
  std::string error;               // set when the search could not run or was cut short
};

// Records the image in every finding of `report`, then, when a registry or an SBOM folder is
// given, searches each finding's fixed tag and records it (vuln::RecordImageFix). A search
// error leaves the remaining findings without a fixed tag and is returned in `error`.
ImageFixOutcome ApplyImageFix(const ImageFixPlan& plan, const vuln::AdvisoryDatabase& database,
                              vuln::ScanReport& report);

}  // namespace rampart::cli
