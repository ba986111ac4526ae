#include "net/http_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "net/host_allow_list.h"

namespace rampart::net {

namespace {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

struct ResponseSink {
  HttpResponse* response;
  std::size_t max_bytes;
  bool overflow = false;
};

std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  const std::size_t bytes = size * count;
  if (sink->response->body.size() + bytes > sink->max_bytes) {
    sink->overflow = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  sink->response->body.append(data, bytes);
  return bytes;
}

std::size_t WriteHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  const std::size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.substr(0, 5) == "HTTP/") {
    sink->response->headers.clear();  // a new response, such as after 100 Continue
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return bytes;
  }
  std::string name(line.substr(0, colon));
  for (char& c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  sink->response->headers.emplace_back(std::move(name), std::string(value));
  return bytes;
}

curl_blob Blob(const std::string& text) {
  return curl_blob{const_cast<char*>(text.data()), text.size(), CURL_BLOB_NOCOPY};
}

std::string UrlPart(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK || value == nullptr) {
    return "";
  }
  std::string text(value);
  curl_free(value);
  return text;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) {
      return value;
    }
  }
  return "";
}

Result<UrlParts> ParseHttpUrl(const std::string& url) {
  InitCurlOnce();
  std::unique_ptr<CURLU, CurlDeleter> handle(curl_url());
  if (curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return InvalidArgument(
        fmt::format("URL '{}' is malformed; give an absolute http or https URL", url));
  }
  UrlParts parts;
  parts.scheme = UrlPart(handle.get(), CURLUPART_SCHEME);
  parts.host = UrlPart(handle.get(), CURLUPART_HOST);
  parts.port = UrlPart(handle.get(), CURLUPART_PORT);
  parts.path = UrlPart(handle.get(), CURLUPART_PATH);
  parts.query = UrlPart(handle.get(), CURLUPART_QUERY);
  if (parts.scheme != "http" && parts.scheme != "https") {
    return InvalidArgument(fmt::format("URL '{}' has scheme '{}'; only http and https are allowed",
                                       url, parts.scheme));
  }
  if (parts.host.size() > 2 && parts.host.front() == '[' && parts.host.back() == ']') {
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  }
  if (!UrlPart(handle.get(), CURLUPART_USER).empty()) {
    return InvalidArgument(
        fmt::format("URL for host '{}' embeds credentials; pass them through the action's settings",
                    parts.host));
  }
  return parts;
}

std::string UrlEncode(std::string_view text) {
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += fmt::format("%{:02X}", c);
    }
  }
  return encoded;
}

Result<HttpResponse> SendHttp(const HttpRequest& request) {
  auto url = ParseHttpUrl(request.url);
  if (!url) {
    return url.status();
  }
  if (request.allowed_hosts != nullptr && !HostAllowListed(*request.allowed_hosts, url->host)) {
    return Status(StatusCode::kPermissionDenied,
                  fmt::format("host '{}' is not on the hosts allow-list; add it to the "
                              "allow-list of the rule or command to let requests reach it",
                              url->host));
  }
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    return Internal("curl_easy_init failed");
  }
  CURL* handle = curl.get();
  HttpResponse response;
  ResponseSink sink{&response, request.max_response_bytes};
  char error_text[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  // TLS: verification stays on unless the caller's configuration turns it off.
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, request.insecure_skip_tls_verify ? 0L : 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, request.insecure_skip_tls_verify ? 0L : 2L);
  curl_blob ca_blob = Blob(request.ca_pem);
  curl_blob cert_blob = Blob(request.client_cert_pem);
  curl_blob key_blob = Blob(request.client_key_pem);
  if (!request.ca_file.empty()) {
    curl_easy_setopt(handle, CURLOPT_CAINFO, request.ca_file.c_str());
  }
  if (!request.ca_pem.empty()) {
    curl_easy_setopt(handle, CURLOPT_CAINFO_BLOB, &ca_blob);
  }
  if (!request.client_cert_pem.empty()) {
    curl_easy_setopt(handle, CURLOPT_SSLCERT_BLOB, &cert_blob);
    curl_easy_setopt(handle, CURLOPT_SSLCERTTYPE, "PEM");
  }
  if (!request.client_key_pem.empty()) {
    curl_easy_setopt(handle, CURLOPT_SSLKEY_BLOB, &key_blob);
    curl_easy_setopt(handle, CURLOPT_SSLKEYTYPE, "PEM");
  }

  const std::string credentials = request.aws_access_key_id + ":" + request.aws_secret_access_key;
  if (!request.aws_sigv4.empty()) {
    curl_easy_setopt(handle, CURLOPT_AWS_SIGV4, request.aws_sigv4.c_str());
    curl_easy_setopt(handle, CURLOPT_USERPWD, credentials.c_str());
  }

  std::unique_ptr<curl_slist, CurlDeleter> header_list;
  for (const auto& [name, value] : request.headers) {
    const std::string line = name + ": " + value;
    header_list.reset(curl_slist_append(header_list.release(), line.c_str()));
  }
  // libcurl would otherwise send "Expect: 100-continue" for large bodies and wait for it. With
  // SigV4 the empty header is left out, because libcurl 7.88 lists it among the signed
  // headers without sending it, and the signature then fails.
  if (request.aws_sigv4.empty()) {
    header_list.reset(curl_slist_append(header_list.release(), "Expect:"));
  }
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list.get());

  const CURLcode code = curl_easy_perform(handle);
  if (sink.overflow) {
    return ResourceExhausted(fmt::format("{} {}: response body exceeds {} bytes", request.method,
                                         url->host, request.max_response_bytes));
  }
  if (code != CURLE_OK) {
    const std::string detail = error_text[0] != 0 ? error_text : curl_easy_strerror(code);
    const StatusCode status_code =
        code == CURLE_OPERATION_TIMEDOUT ? StatusCode::kDeadlineExceeded : StatusCode::kUnavailable;
    return Status(status_code,
                  fmt::format("{} {}{}: {}", request.method, url->host, url->path, detail));
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace rampart::net
