#include "oci/sbom_artifact.h"

#include <array>

#include <fmt/format.h>

namespace rampart::oci {

namespace {

// Returns the first layer of `manifest` with an SBOM media type, or nullptr.
const Descriptor* SbomLayer(const Manifest& manifest) {
  for (const Descriptor& layer : manifest.layers) {
    if (IsSbomMediaType(layer.media_type)) {
      return &layer;
    }
  }
  return nullptr;
}

Result<std::optional<AttachedSbom>> ReadSbomLayer(const RegistryClientOptions& options,
                                                  const std::string& repository,
                                                  const Manifest& manifest,
                                                  const std::string& image_digest,
                                                  std::string origin, std::size_t max_bytes) {
  const Descriptor* layer = SbomLayer(manifest);
  if (layer == nullptr) {
    return std::optional<AttachedSbom>();
  }
  if (layer->size < 0 || static_cast<std::size_t>(layer->size) > max_bytes) {
    return ResourceExhausted(fmt::format("{} in '{}' is {} bytes, over the limit of {} bytes",
                                         origin, repository, layer->size, max_bytes));
  }
  auto text = FetchBlob(options, repository, layer->digest, max_bytes);
  if (!text) {
    return text.status();
  }
  return AttachedSbom{std::move(*text), layer->media_type, image_digest, std::move(origin)};
}

bool IsSbomReferrer(const Descriptor& descriptor) {
  return IsSbomMediaType(descriptor.artifact_type);
}

}  // namespace

bool IsSbomMediaType(std::string_view media_type) {
  media_type = media_type.substr(0, media_type.find(';'));
  while (!media_type.empty() && media_type.back() == ' ') {
    media_type.remove_suffix(1);
  }
  constexpr std::array<std::string_view, 5> kTypes = {"application/vnd.cyclonedx+json",
                                                      "application/spdx+json", "text/spdx+json",
                                                      "application/vnd.cyclonedx", "text/spdx"};
  for (std::string_view type : kTypes) {
    if (media_type == type) {
      return true;
    }
  }
  return false;
}

Result<std::optional<AttachedSbom>> FetchAttachedSbom(const RegistryClientOptions& options,
                                                      const std::string& repository,
                                                      const std::string& tag,
                                                      std::size_t max_bytes) {
  auto digest = ResolveTagDigest(options, repository, tag);
  if (!digest) {
    return digest.status();
  }
  if (!IsSha256Digest(*digest)) {
    return InvalidArgument(fmt::format("registry named digest '{}' for '{}:{}'; expected sha256",
                                       *digest, repository, tag));
  }
  auto referrers = ListReferrers(options, repository, *digest);
  if (!referrers) {
    return referrers.status();
  }
  for (const Descriptor& referrer : *referrers) {
    if (!IsSbomReferrer(referrer)) {
      continue;
    }
    auto artifact = FetchManifest(options, repository, referrer.digest);
    if (!artifact) {
      return artifact.status();
    }
    auto sbom = ReadSbomLayer(options, repository, *artifact, *digest,
                              "referrer " + referrer.digest, max_bytes);
    if (!sbom || sbom->has_value()) {
      return sbom;
    }
  }
  const std::string cosign_tag = "sha256-" + digest->substr(7) + ".sbom";
  auto attachment = FetchManifest(options, repository, cosign_tag);
  if (!attachment) {
    if (attachment.status().code() == StatusCode::kNotFound) {
      return std::optional<AttachedSbom>();
    }
    return attachment.status();
  }
  return ReadSbomLayer(options, repository, *attachment, *digest, "cosign tag " + cosign_tag,
                       max_bytes);
}

}  // namespace rampart::oci
