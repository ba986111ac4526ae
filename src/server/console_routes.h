// Serves the web console's embedded files at / and /console/... without a token, because the
// page contains no data and every data call it makes sends the user's bearer token.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "server/console_assets.h"
#include "server/http_server.h"

namespace rampart::server {

// The Content-Security-Policy of every console response: scripts, styles and API calls only
// from the serving origin, no inline scripts, no frames.
inline constexpr std::string_view kConsoleContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// Returns the Content-Type for a file name by its extension; application/octet-stream for
// an unknown one.
std::string ConsoleContentType(std::string_view path);

// Adds GET routes for `assets`: index.html at / and at /console/, every file at
// /console/PATH. Responses carry the security policy above, nosniff, an ETag of the content
// and Cache-Control: no-cache, and a request whose If-None-Match matches gets 304.
void AddConsoleRoutes(HttpServer& server, std::span<const ConsoleAsset> assets);

}  // namespace rampart::server
