#include "oci/registry_client.h"

#include <fmt/format.h>

#include "core/hash.h"
#include "core/json.h"
#include "oci/image_ref.h"

namespace rampart::oci {

namespace {

constexpr std::string_view kManifestAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";
constexpr std::size_t kMaxManifestBytes = 4 << 20;
constexpr int kMaxRedirects = 3;

net::HttpRequest BaseRequest(const RegistryClientOptions& options, std::string url) {
  net::HttpRequest request;
  request.url = std::move(url);
  request.timeout = options.timeout;
  request.ca_file = options.ca_file;
  request.allowed_hosts = options.allowed_hosts;
  if (!options.bearer_token.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + options.bearer_token);
  }
  return request;
}

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

std::string Origin(const net::UrlParts& url) {
  const std::string port = url.port.empty() ? "" : ":" + url.port;
  const bool ipv6 = url.host.find(':') != std::string::npos;
  return fmt::format("{}://{}{}", url.scheme, ipv6 ? "[" + url.host + "]" : url.host, port);
}

// Resolves a Link target against the registry's base URL; an absolute URL must keep the host.
Result<std::string> ResolveLink(const std::string& base_url, const std::string& link) {
  auto base = net::ParseHttpUrl(base_url);
  if (!base) {
    return base.status();
  }
  if (!link.empty() && link.front() == '/') {
    return Origin(*base) + link;
  }
  auto target = net::ParseHttpUrl(link);
  if (!target || target->host != base->host) {
    return Status(StatusCode::kPermissionDenied,
                  fmt::format("registry pagination link '{}' leaves host '{}'", link, base->host));
  }
  return link;
}

Status CheckReference(std::string_view reference) {
  if (IsSha256Digest(reference) || IsValidTag(reference)) {
    return Status::Ok();
  }
  return InvalidArgument(
      fmt::format("'{}' is neither a tag ([A-Za-z0-9_][A-Za-z0-9._-]{{0,127}}) nor a sha256 digest",
                  reference));
}

Descriptor ReadDescriptor(const Json& json) {
  Descriptor descriptor;
  descriptor.media_type = StringOr(json, "mediaType");
  descriptor.artifact_type = StringOr(json, "artifactType");
  descriptor.digest = StringOr(json, "digest");
  const auto size = json.find("size");
  if (size != json.end() && size->is_number_integer()) {
    descriptor.size = size->get<std::int64_t>();
  }
  return descriptor;
}

// Appends the descriptors of json[key] that name a valid sha256 digest.
void ReadDescriptors(const Json& json, std::string_view key, std::vector<Descriptor>& out) {
  const auto list = json.find(key);
  if (list == json.end() || !list->is_array()) {
    return;
  }
  for (const Json& entry : *list) {
    if (!entry.is_object()) {
      continue;
    }
    Descriptor descriptor = ReadDescriptor(entry);
    if (IsSha256Digest(descriptor.digest)) {
      out.push_back(std::move(descriptor));
    }
  }
}

}  // namespace

Result<Manifest> ParseManifest(std::string_view body, std::string_view content_type,
                               std::string_view source) {
  auto json = ParseJson(body, source);
  if (!json) {
    return json.status();
  }
  if (!json->is_object()) {
    return InvalidArgument(fmt::format("{}: a manifest must be a JSON object", source));
  }
  Manifest manifest;
  manifest.media_type = StringOr(*json, "mediaType", content_type);
  manifest.digest = "sha256:" + Sha256Hex(body);
  manifest.artifact_type = StringOr(*json, "artifactType");
  const auto config = json->find("config");
  if (config != json->end() && config->is_object()) {
    manifest.config = ReadDescriptor(*config);
  }
  ReadDescriptors(*json, "layers", manifest.layers);
  ReadDescriptors(*json, "manifests", manifest.manifests);
  return manifest;
}

namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One component of a repository path: [a-z0-9]+ runs joined by '.', '_', '__' or '-'+.
bool ValidPathComponent(std::string_view component) {
  if (component.empty() || !IsLowerAlnum(component.front()) || !IsLowerAlnum(component.back())) {
    return false;
  }
  std::size_t i = 0;
  while (i < component.size()) {
    if (IsLowerAlnum(component[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < component.size() && !IsLowerAlnum(component[end])) {
      ++end;
    }
    const std::string_view separator = component.substr(i, end - i);
    const bool dashes = separator.find_first_not_of('-') == std::string_view::npos;
    if (separator != "." && separator != "_" && separator != "__" && !dashes) {
      return false;
    }
    i = end;
  }
  return true;
}

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

bool IsSha256Digest(std::string_view digest) {
  if (digest.size() != 71 || digest.substr(0, 7) != "sha256:") {
    return false;
  }
  for (char c : digest.substr(7)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

Status CheckRepositoryName(std::string_view repository) {
  bool valid = !repository.empty() && repository.size() <= 255;
  std::size_t start = 0;
  while (valid && start <= repository.size()) {
    std::size_t end = repository.find('/', start);
    if (end == std::string_view::npos) {
      end = repository.size();
    }
    valid = ValidPathComponent(repository.substr(start, end - start));
    start = end + 1;
  }
  if (valid) {
    return Status::Ok();
  }
  return InvalidArgument(fmt::format(
      "repository '{}' is not a valid registry path; expected lower-case components such as "
      "'team/app' made of [a-z0-9] joined by '.', '_', '__' or '-'",
      repository));
}

std::string NextLink(std::string_view link_header) {
  std::size_t start = 0;
  while (start < link_header.size()) {
    std::size_t end = link_header.find(',', start);
    if (end == std::string_view::npos) {
      end = link_header.size();
    }
    const std::string_view part = link_header.substr(start, end - start);
    const auto open = part.find('<');
    const auto close = part.find('>');
    if (open != std::string_view::npos && close != std::string_view::npos && close > open &&
        part.find("rel=\"next\"", close) != std::string_view::npos) {
      return std::string(part.substr(open + 1, close - open - 1));
    }
    start = end + 1;
  }
  return "";
}

Result<std::vector<std::string>> ListTags(const RegistryClientOptions& options,
                                          const std::string& repository) {
  RAMPART_RETURN_IF_ERROR(CheckRepositoryName(repository));
  const std::string base_url = TrimSlash(options.base_url);
  std::string url = fmt::format("{}/v2/{}/tags/list?n={}", base_url, repository, options.page_size);
  std::vector<std::string> tags;
  for (std::size_t page = 0; page < options.max_pages && !url.empty(); ++page) {
    auto response = net::SendHttp(BaseRequest(options, url));
    if (!response) {
      return response.status().WithContext("registry tag list");
    }
    if (response->status == 404) {
      return NotFound(
          fmt::format("registry {} has no repository '{}' (HTTP 404)", base_url, repository));
    }
    if (response->status != 200) {
      return Unavailable(fmt::format("registry {} answered HTTP {} listing tags of '{}'", base_url,
                                     response->status, repository));
    }
    auto body = ParseJson(response->body, "registry tag list");
    if (!body) {
      return body.status();
    }
    const auto list = body->find("tags");
    if (list != body->end() && list->is_array()) {
      for (const Json& tag : *list) {
        if (tag.is_string()) {
          tags.push_back(tag.get<std::string>());
        }
      }
    }
    const std::string next = NextLink(response->Header("link"));
    if (next.empty()) {
      return tags;
    }
    auto resolved = ResolveLink(base_url, next);
    if (!resolved) {
      return resolved.status();
    }
    url = *resolved;
  }
  return ResourceExhausted(fmt::format("registry {} sent more than {} pages of tags for '{}'",
                                       base_url, options.max_pages, repository));
}

Result<std::string> ResolveTagDigest(const RegistryClientOptions& options,
                                     const std::string& repository, const std::string& tag) {
  RAMPART_RETURN_IF_ERROR(CheckRepositoryName(repository));
  RAMPART_RETURN_IF_ERROR(CheckReference(tag));
  net::HttpRequest request = BaseRequest(
      options, fmt::format("{}/v2/{}/manifests/{}", TrimSlash(options.base_url), repository, tag));
  request.method = "HEAD";
  request.headers.emplace_back("Accept", std::string(kManifestAccept));
  auto response = net::SendHttp(request);
  if (!response) {
    return response.status().WithContext("registry manifest");
  }
  if (response->status == 404) {
    return NotFound(fmt::format("registry has no tag '{}' for '{}'", tag, repository));
  }
  const std::string digest = response->Header("docker-content-digest");
  if (response->status != 200 || digest.empty()) {
    return Unavailable(
        fmt::format("registry answered HTTP {} without a Docker-Content-Digest for '{}:{}'",
                    response->status, repository, tag));
  }
  return digest;
}

Result<Manifest> FetchManifest(const RegistryClientOptions& options, const std::string& repository,
                               const std::string& reference) {
  RAMPART_RETURN_IF_ERROR(CheckRepositoryName(repository));
  RAMPART_RETURN_IF_ERROR(CheckReference(reference));
  net::HttpRequest request = BaseRequest(
      options,
      fmt::format("{}/v2/{}/manifests/{}", TrimSlash(options.base_url), repository, reference));
  request.headers.emplace_back("Accept", std::string(kManifestAccept));
  request.max_response_bytes = kMaxManifestBytes;
  auto response = net::SendHttp(request);
  if (!response) {
    return response.status().WithContext("registry manifest");
  }
  const std::string source = fmt::format("manifest {}:{}", repository, reference);
  if (response->status == 404) {
    return NotFound(fmt::format("registry has no {} (HTTP 404)", source));
  }
  if (response->status != 200) {
    return Unavailable(fmt::format("registry answered HTTP {} for {}", response->status, source));
  }
  auto manifest = ParseManifest(response->body, response->Header("content-type"), source);
  if (manifest && IsSha256Digest(reference) && manifest->digest != reference) {
    return InvalidArgument(
        fmt::format("registry returned {} with digest {}", source, manifest->digest));
  }
  return manifest;
}

Result<std::string> FetchBlob(const RegistryClientOptions& options, const std::string& repository,
                              const std::string& digest, std::size_t max_bytes) {
  RAMPART_RETURN_IF_ERROR(CheckRepositoryName(repository));
  if (!IsSha256Digest(digest)) {
    return InvalidArgument(fmt::format("blob digest '{}' is not a sha256 digest", digest));
  }
  const std::string registry_url = TrimSlash(options.base_url);
  auto registry = net::ParseHttpUrl(registry_url);
  if (!registry) {
    return registry.status();
  }
  net::HttpRequest request =
      BaseRequest(options, fmt::format("{}/v2/{}/blobs/{}", registry_url, repository, digest));
  request.max_response_bytes = max_bytes;
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    auto response = net::SendHttp(request);
    if (!response) {
      return response.status().WithContext(fmt::format("blob {} of {}", digest, repository));
    }
    // NOTE: no test runs this branch, because docker-registry with filesystem storage serves
    // blobs itself instead of redirecting to object storage.
    if (IsRedirect(response->status) && !response->Header("location").empty()) {
      auto current = net::ParseHttpUrl(request.url);
      std::string location = response->Header("location");
      if (current && location.front() == '/') {
        location = Origin(*current) + location;
      }
      auto target = net::ParseHttpUrl(location);
      if (!target) {
        return target.status().WithContext("blob redirect");
      }
      request.url = location;
      if (target->host != registry->host) {
        request.headers.clear();  // the registry's token is not for another host
      }
      continue;
    }
    if (response->status == 404) {
      return NotFound(fmt::format("registry has no blob {} in '{}'", digest, repository));
    }
    if (response->status != 200) {
      return Unavailable(fmt::format("registry answered HTTP {} for blob {} of '{}'",
                                     response->status, digest, repository));
    }
    if ("sha256:" + Sha256Hex(response->body) != digest) {
      return InvalidArgument(fmt::format(
          "blob {} of '{}' does not match its digest; the registry returned other bytes", digest,
          repository));
    }
    return std::move(response->body);
  }
  return ResourceExhausted(
      fmt::format("blob {} of '{}': more than {} redirects", digest, repository, kMaxRedirects));
}

Result<std::vector<Descriptor>> ListReferrers(const RegistryClientOptions& options,
                                              const std::string& repository,
                                              const std::string& digest) {
  RAMPART_RETURN_IF_ERROR(CheckRepositoryName(repository));
  if (!IsSha256Digest(digest)) {
    return InvalidArgument(fmt::format("subject digest '{}' is not a sha256 digest", digest));
  }
  const std::string base_url = TrimSlash(options.base_url);
  std::string url = fmt::format("{}/v2/{}/referrers/{}", base_url, repository, digest);
  std::vector<Descriptor> referrers;
  bool api_missing = false;
  for (std::size_t page = 0; page < options.max_pages && !api_missing; ++page) {
    net::HttpRequest request = BaseRequest(options, url);
    request.headers.emplace_back("Accept", "application/vnd.oci.image.index.v1+json");
    request.max_response_bytes = kMaxManifestBytes;
    auto response = net::SendHttp(request);
    if (!response) {
      return response.status().WithContext("registry referrers");
    }
    if (response->status == 404 && page == 0) {
      api_missing = true;  // the referrers tag schema below is the fallback
      continue;
    }
    if (response->status != 200) {
      return Unavailable(fmt::format("registry {} answered HTTP {} listing referrers of {}",
                                     base_url, response->status, digest));
    }
    auto index =
        ParseManifest(response->body, response->Header("content-type"), "referrers of " + digest);
    if (!index) {
      return index.status();
    }
    referrers.insert(referrers.end(), index->manifests.begin(), index->manifests.end());
    const std::string next = NextLink(response->Header("link"));
    if (next.empty()) {
      return referrers;
    }
    auto resolved = ResolveLink(base_url, next);
    if (!resolved) {
      return resolved.status();
    }
    url = *resolved;
  }
  if (!api_missing) {
    return ResourceExhausted(fmt::format("registry {} sent more than {} pages of referrers of {}",
                                         base_url, options.max_pages, digest));
  }
  auto index = FetchManifest(options, repository, "sha256-" + digest.substr(7));
  if (!index) {
    if (index.status().code() == StatusCode::kNotFound) {
      return referrers;
    }
    return index.status();
  }
  return std::move(index->manifests);
}

}  // namespace rampart::oci
