#include "remediate/kube_client.h"

#include <array>

#include <fmt/format.h>

#include "remediate/http_client.h"

namespace rampart::remediate {

namespace {

constexpr std::array<KubeKind, 14> kKinds = {{
    {"Pod", "v1", "pods", true},
    {"Service", "v1", "services", true},
    {"ServiceAccount", "v1", "serviceaccounts", true},
    {"ConfigMap", "v1", "configmaps", true},
    {"Deployment", "apps/v1", "deployments", true},
    {"StatefulSet", "apps/v1", "statefulsets", true},
    {"DaemonSet", "apps/v1", "daemonsets", true},
    {"ReplicaSet", "apps/v1", "replicasets", true},
    {"Job", "batch/v1", "jobs", true},
    {"CronJob", "batch/v1", "cronjobs", true},
    {"NetworkPolicy", "networking.k8s.io/v1", "networkpolicies", true},
    {"RoleBinding", "rbac.authorization.k8s.io/v1", "rolebindings", true},
    {"ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "clusterrolebindings", false},
    {"Role", "rbac.authorization.k8s.io/v1", "roles", true},
}};

constexpr std::size_t kMaxResponseBytes = 32 << 20;

}  // namespace

std::optional<KubeKind> FindKubeKind(std::string_view kind) {
  for (const KubeKind& entry : kKinds) {
    if (entry.kind == kind) {
      return entry;
    }
  }
  return std::nullopt;
}

std::optional<KubeKind> FindKubeKindByPlural(std::string_view group_version,
                                             std::string_view plural) {
  for (const KubeKind& entry : kKinds) {
    if (entry.group_version == group_version && entry.plural == plural) {
      return entry;
    }
  }
  return std::nullopt;
}

std::string KubePath(const KubeKind& kind, std::string_view namespace_name, std::string_view name) {
  std::string path =
      kind.group_version == "v1" ? "/api/v1" : fmt::format("/apis/{}", kind.group_version);
  if (kind.namespaced && !namespace_name.empty()) {
    path += fmt::format("/namespaces/{}", namespace_name);
  }
  path += fmt::format("/{}", kind.plural);
  if (!name.empty()) {
    path += fmt::format("/{}", name);
  }
  return path;
}

bool ValidKubeName(std::string_view name) {
  if (name.empty() || name.size() > 253) {
    return false;
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) {
    return false;
  }
  for (char c : name) {
    if (!alnum(c) && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

Result<KubeResponse> KubeClient::Send(const std::string& method, const std::string& path,
                                      const Json& body, const std::string& content_type) const {
  HttpRequest request;
  request.method = method;
  request.url = connection_.server + path;
  request.timeout = timeout_;
  request.max_response_bytes = kMaxResponseBytes;
  request.ca_pem = connection_.ca_pem;
  request.client_cert_pem = connection_.client_cert_pem;
  request.client_key_pem = connection_.client_key_pem;
  request.insecure_skip_tls_verify = connection_.insecure_skip_tls_verify;
  request.headers.emplace_back("Accept", "application/json");
  if (!connection_.token.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + connection_.token);
  }
  if (!body.is_null()) {
    request.headers.emplace_back("Content-Type", content_type);
    request.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  auto response = SendHttp(request);
  if (!response) {
    return response.status().WithContext("Kubernetes API");
  }
  KubeResponse result;
  result.status = response->status;
  if (!response->body.empty()) {
    result.body = Json::parse(response->body, nullptr, false);
    if (result.body.is_discarded()) {
      result.body = nullptr;
    }
  }
  return result;
}

Status KubeError(const KubeResponse& response, std::string_view what) {
  std::string message = StringOr(response.body, "message");
  if (message.empty()) {
    message = "no message";
  }
  const std::string text =
      fmt::format("{}: Kubernetes API answered HTTP {}: {}", what, response.status, message);
  switch (response.status) {
    case 401:
    case 403:
      return Status(StatusCode::kPermissionDenied, text);
    case 404:
      return NotFound(text);
    case 409:
      return Status(StatusCode::kAlreadyExists, text);
    case 400:
    case 415:
    case 422:
      return InvalidArgument(text);
    default:
      break;
  }
  if (response.status == 429 || response.status >= 500) {
    return Unavailable(text);
  }
  return FailedPrecondition(text);
}

}  // namespace rampart::remediate
