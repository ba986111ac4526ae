#include "remediate/iam_client.h"

#include <fmt/format.h>

namespace rampart::remediate {

std::string XmlText(std::string_view xml, std::string_view tag) {
  const std::string open = fmt::format("<{}>", tag);
  const std::string close = fmt::format("</{}>", tag);
  const auto start = xml.find(open);
  if (start == std::string_view::npos) {
    return "";
  }
  const auto end = xml.find(close, start + open.size());
  if (end == std::string_view::npos) {
    return "";
  }
  return std::string(xml.substr(start + open.size(), end - start - open.size()));
}

Result<std::string> CallIam(const IamEndpoint& endpoint, const AwsCredentials& credentials,
                            const std::string& action,
                            const std::map<std::string, std::string>& parameters) {
  std::string body = "Action=" + UrlEncode(action) + "&Version=2010-05-08";
  for (const auto& [name, value] : parameters) {
    body += "&" + UrlEncode(name) + "=" + UrlEncode(value);
  }
  HttpRequest request;
  request.method = "POST";
  request.url = endpoint.url;
  request.body = body;
  request.timeout = endpoint.timeout;
  request.ca_file = endpoint.ca_file;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  request.aws_sigv4 = fmt::format("aws:amz:{}:iam", endpoint.region);
  request.aws_access_key_id = credentials.access_key_id;
  request.aws_secret_access_key = credentials.secret_access_key;
  auto response = SendHttp(request);
  if (!response) {
    return response.status().WithContext("IAM " + action);
  }
  if (response->status == 200) {
    return response->body;
  }
  const std::string code = XmlText(response->body, "Code");
  const std::string message =
      fmt::format("IAM {} failed with HTTP {} {}: {}", action, response->status,
                  code.empty() ? "(no code)" : code, XmlText(response->body, "Message"));
  if (code == "NoSuchEntity") {
    return NotFound(message);
  }
  if (code == "AccessDenied" || code == "SignatureDoesNotMatch" || code == "InvalidClientTokenId" ||
      code == "ExpiredToken" || response->status == 403) {
    return Status(StatusCode::kPermissionDenied, message);
  }
  if (code == "Throttling" || response->status == 429 || response->status >= 500) {
    return Unavailable(message);
  }
  return InvalidArgument(message);
}

}  // namespace rampart::remediate
