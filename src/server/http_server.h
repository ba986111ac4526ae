// The HTTP front of Rampart: routes with bearer-token authentication and scopes, body size
// limits, per-token rate limits, timeouts, TLS, and request metrics.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/config.h"
#include "core/json.h"
#include "core/metrics.h"
#include "server/rate_limiter.h"
#include "store/token_store.h"

namespace httplib {
class ContentReader;
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace rampart::server {

// What a handler sees of a request.
struct ApiRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> path_params;  // from {name} segments of the route
  std::multimap<std::string, std::string> query;
  std::string body;
  std::string content_type;
  std::string token_name;  // the authenticated token; every change records it
  // ProductArn patterns the token may write findings of; empty for every product.
  std::vector<std::string> product_arns;
  std::string if_none_match;  // the If-None-Match header, for the console's static files
};

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;

  static ApiResponse Json(int status, const rampart::Json& body);
  // An error in the shape {"Code": ..., "Message": ...}, as AWS APIs answer.
  static ApiResponse Error(int status, const std::string& code, const std::string& message);
};

using Handler = std::function<ApiResponse(const ApiRequest&)>;

// Scope of a route: none for health checks, otherwise one of the token scopes.
enum class Scope { kNone, kRead, kImport, kUpdate, kApprove, kAdmin };

// Readiness: returns an empty string when ready, otherwise why not (shown by /readyz).
using ReadinessCheck = std::function<std::string()>;

// An HTTP(S) server. Routes are added before Start; Start binds and serves on a thread pool.
class HttpServer {
 public:
  HttpServer(const ServerConfig& config, store::TokenStore& tokens, MetricsRegistry& metrics,
             const Clock& clock = DefaultClock());
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Adds a route. `pattern` is a path whose segments may be {name} placeholders.
  void Route(const std::string& method, const std::string& pattern, Scope scope, Handler handler);

  void SetReadinessCheck(ReadinessCheck check) { readiness_ = std::move(check); }
  // Adds `check` after the current one: /readyz reports the first problem either finds.
  void AddReadinessCheck(ReadinessCheck check) {
    if (!readiness_) {
      readiness_ = std::move(check);
      return;
    }
    readiness_ = [first = std::move(readiness_), second = std::move(check)] {
      std::string problem = first();
      return problem.empty() ? second() : problem;
    };
  }

  // Binds the configured address (port 0 picks a free port) and serves in the background.
  Status Start();
  void Stop();
  int port() const { return port_; }

 private:
  struct RouteEntry {
    std::string method;
    std::vector<std::string> segments;
    Scope scope;
    Handler handler;
  };
  void Dispatch(const httplib::Request& request, const std::string& body,
                httplib::Response& response);
  // Reads the body up to server.max_body_bytes; on failure sets the 413 or 400 response.
  bool ReadBody(const httplib::Request& request, const httplib::ContentReader& reader,
                httplib::Response& response, std::string& body);
  // Sets `error` as the response to a request whose body was not read, and closes the
  // connection after it.
  void RespondUnread(const ApiResponse& error, httplib::Response& response);
  // Checks the bearer token and fills in the token's name and product limits of `api`.
  ApiResponse Authorize(const httplib::Request& request, Scope scope, ApiRequest& api);
  const RouteEntry* Match(const std::string& method, const std::vector<std::string>& segments,
                          std::map<std::string, std::string>& params,
                          std::vector<std::string>& allowed) const;
  void Record(const std::string& route, int status, double seconds);

  ServerConfig config_;
  store::TokenStore& tokens_;
  MetricsRegistry& metrics_;
  RateLimiter limiter_;
  std::unique_ptr<httplib::Server> server_;
  std::vector<RouteEntry> routes_;
  ReadinessCheck readiness_;
  std::thread thread_;
  int port_ = 0;
};

// Splits "host:port" (IPv6 as "[::1]:8080"); the error names the value.
Result<std::pair<std::string, int>> ParseListenAddress(const std::string& listen);

}  // namespace rampart::server
