// A small HTTP client over libcurl for calls to APIs and registries: bounded responses, TLS
// verified, redirects never followed, and an optional host allow-list checked before
// connecting.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace rampart::net {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_response_bytes = 16 << 20;

  // TLS: a CA bundle file or PEM text (either adds to nothing: the system store is used
  // only when both are empty), and an optional client certificate and key as PEM text.
  std::string ca_file;
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  bool insecure_skip_tls_verify = false;

  // AWS Signature Version 4 through libcurl: "aws:amz:REGION:SERVICE", with the access key
  // id and secret key. Empty disables signing.
  std::string aws_sigv4;
  std::string aws_access_key_id;
  std::string aws_secret_access_key;

  // When set, the URL's host must be on this list (see HostAllowListed) or the request
  // fails with kPermissionDenied before any connection.
  const std::vector<std::string>* allowed_hosts = nullptr;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;

  // Returns the first header named `name` (lower case), or an empty string.
  std::string Header(std::string_view name) const;
};

struct UrlParts {
  std::string scheme;
  std::string host;  // without brackets for IPv6 literals
  std::string port;  // empty when the URL names none
  std::string path;
  std::string query;
};

// Splits an absolute http or https URL; fails on other schemes and on malformed URLs.
Result<UrlParts> ParseHttpUrl(const std::string& url);

// Sends one request. Fails with kUnavailable when the server cannot be reached, kDeadlineExceeded
// when it does not respond in time, kPermissionDenied for a host off the allow-list, and
// kResourceExhausted for a body over max_response_bytes. An HTTP error status is a response, not a
// failure.
Result<HttpResponse> SendHttp(const HttpRequest& request);

// Percent-encodes `text` for a URL path segment or a form value.
std::string UrlEncode(std::string_view text);

}  // namespace rampart::net
