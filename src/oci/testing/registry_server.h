// A real OCI registry for tests: Debian's docker-registry serving 127.0.0.1 from a temporary
// folder, with helpers that push blobs, images and SBOM artifacts through the Distribution API.
#pragma once

#include <string>

#include "core/status.h"

namespace rampart::oci::testing {

// Returns a TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";

// A blob or manifest as an OCI descriptor names it.
struct PushedContent {
  std::string media_type;
  std::string digest;  // "sha256:<hex>"
  std::size_t size = 0;
};

// A docker-registry process on 127.0.0.1:port. The destructor stops it and removes its folder.
class RegistryServer {
 public:
  RegistryServer();
  ~RegistryServer();
  RegistryServer(const RegistryServer&) = delete;
  RegistryServer& operator=(const RegistryServer&) = delete;

  // Starts the server and waits until GET /v2/ returns 200.
  Status Start();
  // Stops the server; later requests fail to connect.
  void Stop();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

  // Pushes a small image under `repository:tag` (config blob and manifest) and returns the
  // manifest's descriptor. PushTag returns only its digest.
  Result<PushedContent> PushImage(const std::string& repository, const std::string& tag);
  Result<std::string> PushTag(const std::string& repository, const std::string& tag);

  // Uploads `content` as a blob (POST, then PUT with the digest).
  Result<PushedContent> PushBlob(const std::string& repository, const std::string& content,
                                 const std::string& media_type);

  // Stores `body` as a manifest under `reference` (a tag or its own digest).
  Result<PushedContent> PushManifest(const std::string& repository, const std::string& reference,
                                     const std::string& body, const std::string& media_type);

  // Attaches `sbom` to the image `subject` as an OCI 1.1 artifact (artifactType and layer
  // media type `media_type`, `subject` set) and lists it in the referrers tag schema's index
  // (tag "sha256-<hex>"), as clients do for a registry without the referrers API.
  Status AttachReferrerSbom(const std::string& repository, const PushedContent& subject,
                            const std::string& sbom, const std::string& media_type);

  // Stores `sbom` under cosign's attachment tag "sha256-<hex>.sbom" of `subject_digest`: an
  // image manifest whose one layer is the SBOM with `media_type`.
  Status AttachCosignSbom(const std::string& repository, const std::string& subject_digest,
                          const std::string& sbom, const std::string& media_type);

 private:
  std::string dir_;
  int port_ = 0;
  int pid_ = -1;
};

// True when the docker-registry program is installed.
bool RegistryAvailable();

}  // namespace rampart::oci::testing
