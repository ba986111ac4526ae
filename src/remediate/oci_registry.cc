#include "remediate/oci_registry.h"

#include <fmt/format.h>

#include "core/json.h"

namespace rampart::remediate {

namespace {

HttpRequest BaseRequest(const RegistryClientOptions& options, std::string url) {
  HttpRequest request;
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

// Resolves a Link target against the registry's base URL; an absolute URL must keep the host.
Result<std::string> ResolveLink(const std::string& base_url, const std::string& link) {
  if (!link.empty() && link.front() == '/') {
    auto base = ParseHttpUrl(base_url);
    if (!base) {
      return base.status();
    }
    const std::string port = base->port.empty() ? "" : ":" + base->port;
    const bool ipv6 = base->host.find(':') != std::string::npos;
    const std::string host = ipv6 ? "[" + base->host + "]" : base->host;
    return fmt::format("{}://{}{}{}", base->scheme, host, port, link);
  }
  auto target = ParseHttpUrl(link);
  auto base = ParseHttpUrl(base_url);
  if (!target || !base || target->host != base->host) {
    return Status(StatusCode::kPermissionDenied,
                  fmt::format("registry pagination link '{}' leaves host '{}'", link,
                              base ? base->host : base_url));
  }
  return link;
}

}  // namespace

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
  const std::string base_url = TrimSlash(options.base_url);
  std::string url = fmt::format("{}/v2/{}/tags/list?n={}", base_url, repository, options.page_size);
  std::vector<std::string> tags;
  for (std::size_t page = 0; page < options.max_pages && !url.empty(); ++page) {
    auto response = SendHttp(BaseRequest(options, url));
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
  HttpRequest request = BaseRequest(
      options, fmt::format("{}/v2/{}/manifests/{}", TrimSlash(options.base_url), repository, tag));
  request.method = "HEAD";
  request.headers.emplace_back(
      "Accept",
      "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
      "application/vnd.docker.distribution.manifest.list.v2+json, "
      "application/vnd.docker.distribution.manifest.v2+json");
  auto response = SendHttp(request);
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

}  // namespace rampart::remediate
