// A client for the OCI Distribution API (Docker Registry HTTP API v2): tag lists with
// Link-header pagination, tag digests, manifests, blobs and referrers. Every request goes
// through net::SendHttp, so the host allow-list is checked before each connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_client.h"

namespace rampart::oci {

struct RegistryClientOptions {
  std::string base_url;      // such as "https://registry.example.com" or "http://127.0.0.1:5000"
  std::string bearer_token;  // optional; sent as "Authorization: Bearer ..." to base_url's host
  std::string ca_file;
  std::chrono::milliseconds timeout{30000};
  std::size_t page_size = 100;
  std::size_t max_pages = 100;  // stops a registry that keeps sending "next" links
  const std::vector<std::string>* allowed_hosts = nullptr;
};

// A content descriptor as manifests and indexes list them.
struct Descriptor {
  std::string media_type;
  std::string artifact_type;  // OCI 1.1 artifacts and referrers; empty otherwise
  std::string digest;         // "sha256:<64 hex digits>"
  std::int64_t size = 0;
};

// An image manifest or image index. Descriptors whose digest is not a valid sha256 digest
// are left out, so every digest here is safe to put into a URL path.
struct Manifest {
  std::string media_type;  // the document's mediaType, else the Content-Type header
  std::string digest;      // sha256 of the bytes received
  std::string artifact_type;
  Descriptor config;
  std::vector<Descriptor> layers;     // image manifests
  std::vector<Descriptor> manifests;  // image indexes
};

// Parses a manifest or index document. `content_type` is the media type when the document
// names none, and errors name `source`.
Result<Manifest> ParseManifest(std::string_view body, std::string_view content_type,
                               std::string_view source);

// True for "sha256:" followed by 64 lower-case hex digits.
bool IsSha256Digest(std::string_view digest);

// Checks a repository path against the Distribution name grammar (lower-case components
// of [a-z0-9] joined by '.', '_', '__' or '-', separated by '/').
Status CheckRepositoryName(std::string_view repository);

// Returns every tag of `repository` (such as "library/redis"), following the pagination
// Link headers (`<...?last=x&n=100>; rel="next"`) as long as they stay on the same host.
Result<std::vector<std::string>> ListTags(const RegistryClientOptions& options,
                                          const std::string& repository);

// Returns the manifest digest ("sha256:...") that `tag` points to, from the registry's
// Docker-Content-Digest header of a HEAD request.
Result<std::string> ResolveTagDigest(const RegistryClientOptions& options,
                                     const std::string& repository, const std::string& tag);

// Fetches the manifest or index that `reference` (a tag or a digest) names. Fails with
// kNotFound on HTTP 404, and with kInvalidArgument when the bytes do not match a digest
// reference.
Result<Manifest> FetchManifest(const RegistryClientOptions& options, const std::string& repository,
                               const std::string& reference);

// Fetches a blob of at most `max_bytes` and checks it against its sha256 digest. Redirects
// (registries that serve blobs from object storage) are followed up to three times, each
// target checked against the allow-list and sent no token unless it is the registry's host.
Result<std::string> FetchBlob(const RegistryClientOptions& options, const std::string& repository,
                              const std::string& digest, std::size_t max_bytes);

// Lists the manifests that refer to `digest` through their `subject` field: the OCI 1.1
// referrers API, or, when that returns 404 (a registry without the API), the index stored
// under the referrers tag schema "sha256-<hex>". Empty when neither lists any.
Result<std::vector<Descriptor>> ListReferrers(const RegistryClientOptions& options,
                                              const std::string& repository,
                                              const std::string& digest);

// Returns the URL of the rel="next" link in a Link header value, or an empty string.
std::string NextLink(std::string_view link_header);

}  // namespace rampart::oci
