// SBOMs that a registry stores beside an image: OCI 1.1 referrers whose artifactType is an
// SBOM media type, and cosign's attachment tag "sha256-<hex>.sbom".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "oci/registry_client.h"

namespace rampart::oci {

// True for the CycloneDX and SPDX media types that referrers and cosign attachments use:
// application/vnd.cyclonedx+json, application/spdx+json, text/spdx+json, and cosign's
// application/vnd.cyclonedx and text/spdx, with or without parameters.
bool IsSbomMediaType(std::string_view media_type);

struct AttachedSbom {
  std::string text;
  std::string media_type;
  std::string image_digest;  // the manifest digest the tag pointed to
  std::string origin;        // "referrer sha256:..." or "cosign tag sha256-<hex>.sbom"
};

// Returns the SBOM attached to `repository:tag`. Looks first for a referrer of the tag's
// manifest whose artifactType (or config media type) is an SBOM media type, through
// ListReferrers, then for cosign's attachment tag. The SBOM is the artifact's first layer
// with an SBOM media type, at most `max_bytes` long and checked against its digest.
// Returns nullopt when the tag has no SBOM; fails with kNotFound when the tag does not exist
// and with the registry's error when a request fails.
Result<std::optional<AttachedSbom>> FetchAttachedSbom(const RegistryClientOptions& options,
                                                      const std::string& repository,
                                                      const std::string& tag,
                                                      std::size_t max_bytes);

}  // namespace rampart::oci
