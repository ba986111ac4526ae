#include "server/console_routes.h"

#include <memory>

#include <fmt/format.h>

#include "core/hash.h"

namespace rampart::server {
namespace {

struct ServedAsset {
  std::string body;
  std::string content_type;
  std::string etag;  // a strong validator: the quoted start of the content's SHA-256
};

// Returns true when an If-None-Match header lists `etag` or is "*" (RFC 9110, 13.1.2).
bool MatchesEtag(std::string_view header, std::string_view etag) {
  if (header == "*") {
    return true;
  }
  std::size_t start = 0;
  while (start < header.size()) {
    std::size_t end = header.find(',', start);
    if (end == std::string_view::npos) {
      end = header.size();
    }
    std::string_view item = header.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    if (item.starts_with("W/")) {
      item.remove_prefix(2);  // If-None-Match compares weakly
    }
    if (item == etag) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

ApiResponse Serve(const ServedAsset& asset, const ApiRequest& request) {
  ApiResponse response;
  response.headers = {{"Content-Security-Policy", std::string(kConsoleContentSecurityPolicy)},
                      {"X-Content-Type-Options", "nosniff"},
                      {"Referrer-Policy", "no-referrer"},
                      {"Cache-Control", "no-cache"},
                      {"ETag", asset.etag}};
  if (!request.if_none_match.empty() && MatchesEtag(request.if_none_match, asset.etag)) {
    response.status = 304;
    response.content_type = "";
    return response;
  }
  response.body = asset.body;
  response.content_type = asset.content_type;
  return response;
}

}  // namespace

std::string ConsoleContentType(std::string_view path) {
  constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (path.ends_with(extension)) {
      return std::string(type);
    }
  }
  return "application/octet-stream";
}

void AddConsoleRoutes(HttpServer& server, std::span<const ConsoleAsset> assets) {
  for (const ConsoleAsset& asset : assets) {
    auto served = std::make_shared<const ServedAsset>(
        ServedAsset{std::string(asset.body), ConsoleContentType(asset.path),
                    fmt::format("\"{}\"", Sha256Hex(asset.body).substr(0, 32))});
    auto handler = [served](const ApiRequest& request) { return Serve(*served, request); };
    server.Route("GET", fmt::format("/console/{}", asset.path), Scope::kNone, handler);
    if (asset.path == "index.html") {
      server.Route("GET", "/", Scope::kNone, handler);
      server.Route("GET", "/console", Scope::kNone, handler);
    }
  }
}

}  // namespace rampart::server
