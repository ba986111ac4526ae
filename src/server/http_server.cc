#include "server/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/log.h"
#include "server/body_framing.h"
#include "server/worker_pool.h"

namespace rampart::server {
namespace {

// Threads kept while no request arrives; the pool grows to server.threads under load.
constexpr std::size_t kMinThreads = 8;
// Requests served on one connection before the server closes it, so that a client does not
// keep its thread for good.
constexpr std::size_t kKeepAliveRequests = 1000;

// The library's task queue over a WorkerPool.
class PoolQueue : public httplib::TaskQueue {
 public:
  PoolQueue(std::size_t max_threads, int nice)
      : pool_(kMinThreads, max_threads, std::chrono::seconds(30), nice) {}
  void enqueue(std::function<void()> task) override { pool_.Enqueue(std::move(task)); }
  void shutdown() override { pool_.Shutdown(); }

 private:
  WorkerPool pool_;
};

// The library listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG), so a burst of
// connections overflows the accept queue. Listening again on the socket widens the queue.
template <typename Base>
class WideBacklog : public Base {
 public:
  using Base::Base;
  void WidenBacklog() { ::listen(this->svr_sock_, SOMAXCONN); }
};

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> segments;
  std::stringstream stream(path);
  std::string segment;
  while (std::getline(stream, segment, '/')) {
    if (!segment.empty()) {
      segments.push_back(segment);
    }
  }
  return segments;
}

// Splits the request target as sent, then decodes each segment, so that an encoded slash
// (%2F) stays inside its segment instead of splitting it.
std::vector<std::string> DecodedSegments(const std::string& target) {
  std::vector<std::string> segments = SplitPath(target.substr(0, target.find('?')));
  for (std::string& segment : segments) {
    segment = httplib::detail::decode_url(segment, false);
  }
  return segments;
}

const char* ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kNone:
      return "";
    case Scope::kRead:
      return "read";
    case Scope::kImport:
      return "import";
    case Scope::kUpdate:
      return "update";
    case Scope::kApprove:
      return "approve";
    case Scope::kAdmin:
      return "admin";
  }
  return "admin";
}

std::string ErrorCodeFor(int status) {
  switch (status) {
    case 400:
      return "InvalidInputException";
    case 401:
      return "Unauthorized";
    case 403:
      return "AccessDenied";
    case 404:
      return "ResourceNotFoundException";
    case 405:
      return "MethodNotAllowed";
    case 408:
      return "RequestTimeout";
    case 413:
      return "PayloadTooLarge";
    case 414:
      return "UriTooLong";
    case 415:
      return "UnsupportedMediaTypeException";
    case 429:
      return "TooManyRequests";
    case 501:
      return "NotImplemented";
    default:
      return status >= 500 ? "InternalError" : "Error";
  }
}

// Returns a hint for a path under a route family that exists only with an option of
// `rampart serve`, or "".
std::string MissingRouteHint(std::string_view path) {
  if (path.starts_with("/v1/models")) {
    return "; the model routes exist when rampart serve runs with --models FOLDER";
  }
  if (path.starts_with("/v1/rules")) {
    return "; the rule routes exist when rampart serve runs with --rules FILE or a rules file in "
           "its configuration";
  }
  return "";
}

}  // namespace

ApiResponse ApiResponse::Json(int status, const rampart::Json& body) {
  ApiResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, rampart::Json::error_handler_t::replace);
  return response;
}

ApiResponse ApiResponse::Error(int status, const std::string& code, const std::string& message) {
  return Json(status, rampart::Json{{"Code", code}, {"Message", message}});
}

Result<std::pair<std::string, int>> ParseListenAddress(const std::string& listen) {
  std::string host;
  std::string port_text;
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find("]:");
    if (close == std::string::npos) {
      return InvalidArgument(fmt::format("invalid listen address \"{}\": use [::1]:8080", listen));
    }
    host = listen.substr(1, close - 1);
    port_text = listen.substr(close + 2);
  } else {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
      return InvalidArgument(fmt::format(
          "invalid listen address \"{}\": use HOST:PORT such as 127.0.0.1:8080", listen));
    }
    host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
  }
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    return InvalidArgument(fmt::format("invalid port in listen address \"{}\"", listen));
  }
  return std::make_pair(host.empty() ? std::string("0.0.0.0") : host, static_cast<int>(port));
}

HttpServer::HttpServer(const ServerConfig& config, store::TokenStore& tokens,
                       MetricsRegistry& metrics, const Clock& clock)
    : config_(config),
      tokens_(tokens),
      metrics_(metrics),
      limiter_(config.requests_per_second, config.burst, clock) {
  if (!config_.tls.cert.empty()) {
    server_ = std::make_unique<WideBacklog<httplib::SSLServer>>(
        config_.tls.cert.c_str(), config_.tls.key.c_str(),
        config_.tls.client_ca.empty() ? nullptr : config_.tls.client_ca.c_str());
  } else {
    server_ = std::make_unique<WideBacklog<httplib::Server>>();
  }
  server_->new_task_queue = [threads = config_.threads, nice = config_.worker_nice] {
    return new PoolQueue(threads, nice);
  };
  server_->set_read_timeout(config_.read_timeout.count(), 0);
  server_->set_write_timeout(config_.write_timeout.count(), 0);
  server_->set_keep_alive_timeout(5);
  // Without it, a response written in two parts waits for the client's delayed ACK (40 ms
  // on Linux) before its second part leaves: 40 ms added to every request on a kept-alive
  // connection.
  server_->set_tcp_nodelay(true);
  // cpp-httplib sets SO_REUSEPORT by default, which lets a second server bind a port that is
  // in use and take part of its connections. SO_REUSEADDR only allows a restart while old
  // connections are in TIME_WAIT.
  server_->set_socket_options([](socket_t socket) {
    const int enable = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &enable, sizeof(enable));
  });
  server_->set_keep_alive_max_count(kKeepAliveRequests);
  server_->set_payload_max_length(config_.max_body_bytes);
  server_->set_error_handler([](const httplib::Request&, httplib::Response& response) {
    // A response with a content provider (RespondUnread) has its body there, and content set
    // here would replace it.
    if (response.body.empty() && !response.content_provider_) {
      const std::string message =
          response.status == 413 ? "the request body is larger than the server's limit"
                                 : fmt::format("the request failed with HTTP {}", response.status);
      response.set_content(
          rampart::Json{{"Code", ErrorCodeFor(response.status)}, {"Message", message}}.dump(),
          "application/json");
    }
  });
  // The framing is checked before the library reads any of a body, which for a transfer
  // coding it cannot decode would mean waiting for the client to close the connection.
  server_->set_pre_routing_handler([this](const httplib::Request& request,
                                          httplib::Response& response) {
    auto error = CheckBodyFraming(request);
    if (!error) {
      error = CheckBodyMediaType(request);
    }
    if (!error) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    Logger("server")->info("{} {} from {} rejected: {}", request.method, request.path,
                           request.remote_addr, error->message);
    RespondUnread(ApiResponse::Error(error->status, ErrorCodeFor(error->status), error->message),
                  response);
    return httplib::Server::HandlerResponse::Handled;
  });
  auto dispatch = [this](const httplib::Request& request, httplib::Response& response) {
    Dispatch(request, request.body, response);
  };
  // The library bounds a body with Content-Length but reads a chunked body whole, so bodies
  // that may be chunked are read here and cut off at the limit.
  auto dispatch_with_body = [this](const httplib::Request& request, httplib::Response& response,
                                   const httplib::ContentReader& reader) {
    std::string body;
    if (ReadBody(request, reader, response, body)) {
      Dispatch(request, body, response);
    }
  };
  server_->Get(".*", dispatch);
  server_->Post(".*", dispatch_with_body);
  server_->Put(".*", dispatch_with_body);
  server_->Delete(".*", dispatch);
  server_->Patch(".*", dispatch_with_body);

  Route("GET", "/healthz", Scope::kNone, [](const ApiRequest&) {
    return ApiResponse::Json(200, rampart::Json{{"status", "ok"}});
  });
  Route("GET", "/readyz", Scope::kNone, [this](const ApiRequest&) {
    const std::string problem = readiness_ ? readiness_() : "";
    if (problem.empty()) {
      return ApiResponse::Json(200, rampart::Json{{"status", "ready"}});
    }
    return ApiResponse::Json(503, rampart::Json{{"status", "not ready"}, {"reason", problem}});
  });
  Route("GET", "/metrics", Scope::kRead, [this](const ApiRequest&) {
    ApiResponse response;
    metrics_.Collect();
    response.body = metrics_.Render();
    response.content_type = "text/plain; version=0.0.4";
    return response;
  });
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(const std::string& method, const std::string& pattern, Scope scope,
                       Handler handler) {
  routes_.push_back(RouteEntry{method, SplitPath(pattern), scope, std::move(handler)});
}

const HttpServer::RouteEntry* HttpServer::Match(const std::string& method,
                                                const std::vector<std::string>& segments,
                                                std::map<std::string, std::string>& params,
                                                std::vector<std::string>& allowed) const {
  allowed.clear();
  for (const RouteEntry& route : routes_) {
    if (route.segments.size() != segments.size()) {
      continue;
    }
    std::map<std::string, std::string> found;
    bool matched = true;
    for (std::size_t i = 0; i < segments.size() && matched; ++i) {
      const std::string& expected = route.segments[i];
      if (expected.size() > 2 && expected.front() == '{' && expected.back() == '}') {
        found[expected.substr(1, expected.size() - 2)] = segments[i];
      } else {
        matched = expected == segments[i];
      }
    }
    if (!matched) {
      continue;
    }
    if (route.method == method) {
      params = std::move(found);
      return &route;
    }
    allowed.push_back(route.method);
    if (route.method == "GET") {
      allowed.push_back("HEAD");
    }
  }
  return nullptr;
}

ApiResponse HttpServer::Authorize(const httplib::Request& request, Scope scope, ApiRequest& api) {
  const std::string header = request.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  // The scheme name is case-insensitive (RFC 7235, section 2.1).
  const bool bearer =
      header.size() >= kBearer.size() &&
      std::equal(kBearer.begin(), kBearer.end(), header.begin(), [](char expected, char got) {
        return std::tolower(static_cast<unsigned char>(expected)) ==
               std::tolower(static_cast<unsigned char>(got));
      });
  if (!bearer) {
    ApiResponse response = ApiResponse::Error(
        401, "Unauthorized", "missing bearer token: send Authorization: Bearer TOKEN");
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"rampart\"");
    return response;
  }
  // RFC 6750 (section 2.1) allows one or more spaces between the scheme and the token.
  const std::size_t token_start = header.find_first_not_of(' ', kBearer.size());
  auto info = tokens_.Authenticate(token_start == std::string::npos ? std::string()
                                                                    : header.substr(token_start));
  if (!info) {
    Logger("server")->error("token lookup failed: {}", info.status().ToString());
    // Reported as every store outage: the code of the other 503 responses, and when to retry.
    ApiResponse response =
        ApiResponse::Error(503, "ServiceUnavailableException",
                           "the token store is not available; retry after the time in Retry-After");
    response.headers.emplace_back("Retry-After", "5");
    return response;
  }
  if (!info->has_value()) {
    ApiResponse response =
        ApiResponse::Error(401, "Unauthorized", "the bearer token is unknown or revoked");
    response.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return response;
  }
  api.token_name = (*info)->name;
  api.product_arns = (*info)->product_arns;
  const std::string& token_name = api.token_name;
  if (!(*info)->HasScope(ScopeName(scope))) {
    return ApiResponse::Error(
        403, "AccessDenied",
        fmt::format("token \"{}\" lacks the {} scope", token_name, ScopeName(scope)));
  }
  if (!limiter_.Allow(token_name)) {
    const double wait = limiter_.RetryAfterSeconds(token_name);
    ApiResponse response = ApiResponse::Error(
        429, "TooManyRequests", fmt::format("rate limit of token \"{}\" reached", token_name));
    response.headers.emplace_back("Retry-After", std::to_string(static_cast<int>(std::ceil(wait))));
    return response;
  }
  return ApiResponse{0, "", "", {}};
}

bool HttpServer::ReadBody(const httplib::Request& request, const httplib::ContentReader& reader,
                          httplib::Response& response, std::string& body) {
  // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112,
  // section 6.3). The library would read until the client closes the connection.
  if (!request.has_header("Content-Length") && !request.has_header("Transfer-Encoding")) {
    return true;
  }
  // The pre-routing handler has checked the framing, so Content-Length is digits when given.
  // A declared length over the limit is rejected before the client sends the body.
  bool too_large = std::strtoull(request.get_header_value("Content-Length").c_str(), nullptr, 10) >
                   config_.max_body_bytes;
  const bool read = !too_large && reader([&](const char* data, std::size_t length) {
    if (body.size() + length > config_.max_body_bytes) {
      too_large = true;
      return false;
    }
    body.append(data, length);
    return true;
  });
  if (read) {
    return true;
  }
  // The library sets 413 itself when Content-Length is over the limit.
  RespondUnread(
      too_large || response.status == 413
          ? ApiResponse::Error(413, "PayloadTooLarge",
                               fmt::format("the request body is larger than the server's limit "
                                           "of {} bytes (server.max_body_bytes)",
                                           config_.max_body_bytes))
          : ApiResponse::Error(
                400, "InvalidInputException",
                "the request body could not be read: the connection failed or timed out before "
                "the body was complete; send the request again"),
      response);
  return false;
}

void HttpServer::RespondUnread(const ApiResponse& error, httplib::Response& response) {
  response.status = error.status;
  response.set_header("Connection", "close");
  // cpp-httplib 0.11 keeps the connection open after a response with "Connection: close", and
  // would read the unread body as the next request. It ends the connection when writing the
  // body fails, so the body is written by a provider that then reports failure.
  // NOTE: body bytes that the client has sent and the server has not read make the close a
  // TCP reset, which may discard the response before the client reads it.
  response.set_content_provider(
      error.body.size(), error.content_type,
      [body = error.body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        sink.write(body.data() + offset, length);
        return false;
      });
  Record("unread", error.status, 0);
}

void HttpServer::Dispatch(const httplib::Request& request, const std::string& body,
                          httplib::Response& response) {
  const auto started = std::chrono::steady_clock::now();
  ApiRequest api;
  api.method = request.method;
  api.path = request.path;
  std::vector<std::string> allowed;
  // HEAD is GET without the body (RFC 9110 section 9.3.2); the library leaves the body out.
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  const RouteEntry* route =
      Match(method, DecodedSegments(request.target), api.path_params, allowed);
  ApiResponse result;
  std::string route_label = route == nullptr ? "unmatched" : "";
  if (route == nullptr && !allowed.empty()) {
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    const std::string methods = fmt::format("{}", fmt::join(allowed, ", "));
    result = ApiResponse::Error(
        405, "MethodNotAllowed",
        fmt::format("{} is not allowed on {}; use {}", request.method, request.path, methods));
    result.headers.emplace_back("Allow", methods);
  } else if (route == nullptr) {
    result = ApiResponse::Error(
        404, "ResourceNotFoundException",
        fmt::format("no such resource: {}{}", request.path, MissingRouteHint(request.path)));
  } else {
    for (const auto& segment : route->segments) {
      route_label += "/" + segment;
    }
    if (route_label.empty()) {
      route_label = "/";  // the route of the root path has no segments
    }
    result = route->scope == Scope::kNone ? ApiResponse{0, "", "", {}}
                                          : Authorize(request, route->scope, api);
    if (result.status == 0) {
      api.body = body;
      api.content_type = request.get_header_value("Content-Type");
      api.if_none_match = request.get_header_value("If-None-Match");
      for (const auto& [key, value] : request.params) {
        api.query.emplace(key, value);
      }
      try {
        result = route->handler(api);
      } catch (const std::exception& error) {
        Logger("server")->error("{} {} failed: {}", request.method, request.path, error.what());
        result = ApiResponse::Error(500, "InternalError", "the request failed inside the server");
      }
    }
  }
  response.status = result.status;
  for (const auto& [name, value] : result.headers) {
    response.set_header(name, value);
  }
  if (!result.body.empty() || !result.content_type.empty()) {
    response.set_content(result.body, result.content_type);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Record(route_label, result.status, seconds);
}

void HttpServer::Record(const std::string& route, int status, double seconds) {
  metrics_
      .GetCounter("rampart_http_requests_total", "HTTP requests by route and status.",
                  {{"route", route}, {"status", std::to_string(status)}})
      .Increment();
  metrics_
      .GetHistogram("rampart_http_request_duration_seconds", "HTTP request latency.",
                    {{"route", route}})
      .Observe(seconds);
}

Status HttpServer::Start() {
  auto address = ParseListenAddress(config_.listen);
  if (!address) {
    return address.status();
  }
  if (!server_->is_valid()) {
    return InvalidArgument(
        fmt::format("cannot load TLS certificate {} or key {}", config_.tls.cert, config_.tls.key));
  }
  if (address->second == 0) {
    port_ = server_->bind_to_any_port(address->first);
  } else {
    port_ = server_->bind_to_port(address->first, address->second) ? address->second : -1;
  }
  if (port_ <= 0) {
    return Unavailable(
        fmt::format("cannot listen on {}: the address is in use or not local", config_.listen));
  }
  if (config_.tls.cert.empty()) {
    static_cast<WideBacklog<httplib::Server>&>(*server_).WidenBacklog();
  } else {
    static_cast<WideBacklog<httplib::SSLServer>&>(*server_).WidenBacklog();
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int i = 0; i < 500 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  Logger("server")->info("listening on {}:{}{}", address->first, port_,
                         config_.tls.cert.empty() ? "" : " (TLS)");
  return Status::Ok();
}

void HttpServer::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
    Logger("server")->info("stopped");
  }
}

}  // namespace rampart::server
