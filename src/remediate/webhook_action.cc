#include "remediate/webhook_action.h"

#include <fmt/format.h>

#include "remediate/http_client.h"
#include "remediate/job_template.h"
#include "remediate/params.h"

namespace rampart::remediate {

namespace {

constexpr std::string_view kName = "webhook";
constexpr int kMaxRedirects = 3;

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.rfind("127.", 0) == 0;
}

Status CheckUrl(const UrlParts& url, const ActionContext& context) {
  if (url.scheme != "https" && !IsLoopback(url.host)) {
    return InvalidArgument(fmt::format(
        "webhook: URL for host '{}' must use https; plain http is allowed only to loopback",
        url.host));
  }
  if (!HostAllowListed(context.allow.hosts, url.host)) {
    return Status(StatusCode::kPermissionDenied,
                  fmt::format("webhook: host '{}' is not on the hosts allow-list; add it to the "
                              "rule's allowed hosts",
                              url.host));
  }
  return Status::Ok();
}

// Resolves a Location header against `base`; returns "" when it leaves scheme, host or port.
std::string SameOriginLocation(const UrlParts& base, const std::string& location) {
  const std::string origin =
      fmt::format("{}://{}{}", base.scheme,
                  base.host.find(':') != std::string::npos ? "[" + base.host + "]" : base.host,
                  base.port.empty() ? "" : ":" + base.port);
  const std::string target =
      !location.empty() && location.front() == '/' ? origin + location : location;
  auto parts = ParseHttpUrl(target);
  if (!parts || parts->scheme != base.scheme || parts->host != base.host ||
      parts->port != base.port) {
    return "";
  }
  return target;
}

class WebhookAction final : public Action {
 public:
  std::string_view Name() const override { return kName; }

  Status Validate(const Json& params) const override {
    Params reader(params, kName);
    RAMPART_RETURN_IF_ERROR(
        reader.CheckKeys({"url", "template", "headers", "headers_from_env", "timeout_seconds"}));
    REMEDIATE_ASSIGN_OR_RETURN(const std::string url, reader.RequiredString("url"));
    REMEDIATE_ASSIGN_OR_RETURN(const Json headers, reader.Object("headers"));
    REMEDIATE_ASSIGN_OR_RETURN(const Json from_env, reader.Object("headers_from_env"));
    auto timeout = reader.OptionalInteger("timeout_seconds", 1, 600);
    if (!timeout) {
      return timeout.status();
    }
    for (const Json* map : {&headers, &from_env}) {
      for (const auto& [name, value] : map->items()) {
        if (!value.is_string() || name.empty() ||
            name.find_first_of(":\r\n ") != std::string::npos ||
            value.get<std::string>().find_first_of("\r\n") != std::string::npos) {
          return InvalidArgument(fmt::format(
              "webhook: header '{}' needs a name without ':', spaces or line breaks and a "
              "one-line string value",
              name));
        }
      }
    }
    auto parts = ParseHttpUrl(url);
    return parts.has_value() ? Status::Ok() : parts.status().WithContext("webhook");
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    RAMPART_RETURN_IF_ERROR(Validate(request.params));
    const Json& params = request.params;
    REMEDIATE_ASSIGN_OR_RETURN(UrlParts url, ParseHttpUrl(params["url"]));
    RAMPART_RETURN_IF_ERROR(CheckUrl(url, context));
    REMEDIATE_ASSIGN_OR_RETURN(const Json body, Body(request));

    HttpRequest http;
    http.method = "POST";
    http.url = params["url"];
    http.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    http.timeout = params.contains("timeout_seconds")
                       ? std::chrono::milliseconds(params["timeout_seconds"].get<int>() * 1000)
                       : context.timeout;
    http.ca_file = context.ca_file;
    http.allowed_hosts = &context.allow.hosts;
    http.max_response_bytes = 1 << 20;
    http.headers = {{"Content-Type", "application/json"},
                    {"Idempotency-Key", request.idempotency_key}};
    RAMPART_RETURN_IF_ERROR(AddHeaders(params, context, http));

    ActionResult result;
    result.diff = fmt::format("POST to host {}:\n{}\n", url.host, body.dump(2));
    if (request.dry_run) {
      result.summary = "would POST to " + url.host;
      return result;
    }
    REMEDIATE_ASSIGN_OR_RETURN(const HttpResponse response, SendFollowingSameOrigin(http, url));
    result.output = BoundOutput(fmt::format("HTTP {}\n{}", response.status, response.body),
                                context.max_output_bytes);
    if (response.status >= 200 && response.status < 300) {
      result.changed = true;
      result.summary = fmt::format("POST to {} returned HTTP {}", url.host, response.status);
      return result;
    }
    const std::string message =
        fmt::format("webhook: POST to {} returned HTTP {}", url.host, response.status);
    if (response.status == 429 || response.status >= 500) {
      return Unavailable(message);
    }
    return FailedPrecondition(message);
  }

 private:
  static Result<Json> Body(const ActionRequest& request) {
    if (!request.params.contains("template")) {
      return request.event.is_null() ? request.finding : request.event;
    }
    return FillPlaceholders(request.params["template"], request.finding, request.event);
  }

  static Status AddHeaders(const Json& params, const ActionContext& context, HttpRequest& http) {
    const Json headers = params.value("headers", Json::object());
    const Json from_env = params.value("headers_from_env", Json::object());
    for (const auto& [name, value] : headers.items()) {
      http.headers.emplace_back(name, value.get<std::string>());
    }
    for (const auto& [name, variable] : from_env.items()) {
      const auto value = context.environment(variable.get<std::string>());
      if (!value || value->find_first_of("\r\n") != std::string::npos) {
        return FailedPrecondition(fmt::format(
            "webhook: environment variable {} for header '{}' is not set or holds a line break",
            variable.get<std::string>(), name));
      }
      http.headers.emplace_back(name, *value);
    }
    return Status::Ok();
  }

  static Result<HttpResponse> SendFollowingSameOrigin(HttpRequest http, const UrlParts& url) {
    for (int redirects = 0;; ++redirects) {
      REMEDIATE_ASSIGN_OR_RETURN(HttpResponse response, SendHttp(http));
      const bool redirect = response.status == 301 || response.status == 302 ||
                            response.status == 303 || response.status == 307 ||
                            response.status == 308;
      if (!redirect) {
        return response;
      }
      const std::string next = SameOriginLocation(url, response.Header("location"));
      if (next.empty() || redirects == kMaxRedirects) {
        return FailedPrecondition(fmt::format(
            "webhook: {} redirected (HTTP {}) to another host or too many times; not followed",
            url.host, response.status));
      }
      http.url = next;
    }
  }
};

}  // namespace

std::unique_ptr<Action> MakeWebhookAction() { return std::make_unique<WebhookAction>(); }

}  // namespace rampart::remediate
