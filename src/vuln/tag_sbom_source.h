// Sources of the SBOMs of an image's other tags, read when Rampart looks for a fixed tag: a
// folder of SBOM files named by tag, or the SBOMs attached to the tags in their registry.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "oci/registry_client.h"

namespace rampart::vuln {

// The SBOM of one tag, and where it was read.
struct TagSbom {
  std::string text;
  std::string origin;  // a file path, or "REGISTRY/REPOSITORY:TAG referrer sha256:..."
  std::string url;     // the tag's manifest URL in its registry; empty for a file
};

class TagSbomSource {
 public:
  virtual ~TagSbomSource() = default;
  // Returns the SBOM of `tag`, or nullopt when this source has none for it. An error means
  // the source itself failed (a registry that cannot be reached) and ends the search.
  virtual Result<std::optional<TagSbom>> Fetch(const std::string& tag) = 0;
};

// SBOM files in one folder named by tag: TAG.cdx.json, TAG.spdx.json or TAG.json (the first
// that exists). Tags that are not valid tags never become a path.
class SbomFolderSource final : public TagSbomSource {
 public:
  explicit SbomFolderSource(std::string folder) : folder_(std::move(folder)) {}

  Result<std::optional<TagSbom>> Fetch(const std::string& tag) override;

  // Returns the tags that have a file in the folder, so that a search can run without a
  // registry. Fails when the folder cannot be read.
  Result<std::vector<std::string>> Tags() const;

 private:
  std::string folder_;
};

// The SBOMs that the registry stores beside each tag (oci::FetchAttachedSbom: an OCI 1.1
// referrer, or cosign's "sha256-<hex>.sbom" tag), each at most `max_bytes` long.
class RegistrySbomSource final : public TagSbomSource {
 public:
  RegistrySbomSource(oci::RegistryClientOptions options, std::string registry,
                     std::string repository, std::size_t max_bytes)
      : options_(std::move(options)),
        registry_(std::move(registry)),
        repository_(std::move(repository)),
        max_bytes_(max_bytes) {}

  Result<std::optional<TagSbom>> Fetch(const std::string& tag) override;

 private:
  oci::RegistryClientOptions options_;
  std::string registry_;  // as the image reference names it, for messages
  std::string repository_;
  std::size_t max_bytes_;
};

}  // namespace rampart::vuln
