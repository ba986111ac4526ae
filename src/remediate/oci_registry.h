// A client for the OCI Distribution (Docker Registry HTTP API v2) endpoints that image bumps
// need: the tag list, with Link-header pagination, and the digest of a tag.
#pragma once

#include <string>
#include <vector>

#include "remediate/http_client.h"

namespace rampart::remediate {

struct RegistryClientOptions {
  std::string base_url;      // such as "https://registry.example.com" or "http://127.0.0.1:5000"
  std::string bearer_token;  // optional; sent as "Authorization: Bearer ..."
  std::string ca_file;
  std::chrono::milliseconds timeout{30000};
  std::size_t page_size = 100;
  std::size_t max_pages = 100;  // stops a registry that keeps sending "next" links
  const std::vector<std::string>* allowed_hosts = nullptr;
};

// Returns every tag of `repository` (such as "library/redis"), following the pagination
// Link headers (`<...?last=x&n=100>; rel="next"`) as long as they stay on the same host.
Result<std::vector<std::string>> ListTags(const RegistryClientOptions& options,
                                          const std::string& repository);

// Returns the manifest digest ("sha256:...") that `tag` points to, from the registry's
// Docker-Content-Digest header of a HEAD request.
Result<std::string> ResolveTagDigest(const RegistryClientOptions& options,
                                     const std::string& repository, const std::string& tag);

// Returns the URL of the rel="next" link in a Link header value, or an empty string.
std::string NextLink(std::string_view link_header);

}  // namespace rampart::remediate
