#include "remediate/kubeconfig.h"

#include <filesystem>

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "core/file.h"

namespace rampart::remediate {

namespace {

constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";
constexpr std::size_t kMaxCredentialFileBytes = 1 << 20;

YAML::Node Child(const YAML::Node& node, const char* key) {
  if (!node.IsMap()) {
    return YAML::Node(YAML::NodeType::Undefined);
  }
  const YAML::Node& const_node = node;
  YAML::Node child = const_node[key];
  return child.IsDefined() ? child : YAML::Node(YAML::NodeType::Undefined);
}

std::string ScalarOr(const YAML::Node& node) { return node.IsScalar() ? node.Scalar() : ""; }

// Returns the `field` mapping of the entry of list `list` whose name is `name`.
Result<YAML::Node> NamedEntry(const YAML::Node& root, const char* list, const char* field,
                              const std::string& name, std::string_view source) {
  const YAML::Node entries = Child(root, list);
  if (entries.IsSequence()) {
    for (const YAML::Node& entry : entries) {
      if (ScalarOr(Child(entry, "name")) == name) {
        const YAML::Node value = Child(entry, field);
        if (!value.IsMap()) {
          return InvalidArgument(
              fmt::format("{}: {} entry '{}' has no '{}' mapping", source, list, name, field));
        }
        return value;
      }
    }
  }
  return NotFound(fmt::format("{}: no {} entry named '{}'", source, list, name));
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) {
    return path;
  }
  return base_dir + "/" + path;
}

// Reads inline "<key>-data" (base64) or the file named by "<key>".
Result<std::string> Credential(const YAML::Node& map, const std::string& key,
                               const std::string& base_dir, const FileReader& read_file,
                               std::string_view where) {
  const std::string data = ScalarOr(Child(map, (key + "-data").c_str()));
  if (!data.empty()) {
    auto decoded = DecodeBase64(data);
    if (!decoded) {
      return InvalidArgument(fmt::format("{}: {}-data is not valid base64", where, key));
    }
    return decoded;
  }
  const std::string path = ScalarOr(Child(map, key.c_str()));
  if (path.empty()) {
    return std::string();
  }
  auto text = read_file(ResolvePath(base_dir, path));
  if (!text) {
    return text.status().WithContext(fmt::format("{}: {}", where, key));
  }
  return text;
}

Status ApplyUser(const YAML::Node& user, const std::string& user_name, std::string_view source,
                 const std::string& base_dir, const FileReader& read_file,
                 KubeConnection& connection) {
  const std::string where = fmt::format("{}: user '{}'", source, user_name);
  for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
    if (Child(user, unsupported).IsDefined()) {
      return InvalidArgument(fmt::format(
          "{} uses '{}', which is not supported; use a token, tokenFile or client certificate",
          where, unsupported));
    }
  }
  connection.token = ScalarOr(Child(user, "token"));
  const std::string token_file = ScalarOr(Child(user, "tokenFile"));
  if (connection.token.empty() && !token_file.empty()) {
    auto token = read_file(ResolvePath(base_dir, token_file));
    if (!token) {
      return token.status().WithContext(where + ": tokenFile");
    }
    connection.token = *token;
    while (!connection.token.empty() &&
           (connection.token.back() == '\n' || connection.token.back() == '\r')) {
      connection.token.pop_back();
    }
  }
  REMEDIATE_ASSIGN_OR_RETURN(connection.client_cert_pem,
                             Credential(user, "client-certificate", base_dir, read_file, where));
  REMEDIATE_ASSIGN_OR_RETURN(connection.client_key_pem,
                             Credential(user, "client-key", base_dir, read_file, where));
  if (connection.client_cert_pem.empty() != connection.client_key_pem.empty()) {
    return InvalidArgument(fmt::format(
        "{} has a client certificate without a key, or a key without a certificate", where));
  }
  return Status::Ok();
}

Result<KubeConnection> ParseDocument(const YAML::Node& root, std::string_view source,
                                     const std::string& requested_context,
                                     const std::string& base_dir, const FileReader& read_file) {
  const std::string context_name =
      requested_context.empty() ? ScalarOr(Child(root, "current-context")) : requested_context;
  if (context_name.empty()) {
    return InvalidArgument(
        fmt::format("{}: no current-context is set; set one or give the context name", source));
  }
  REMEDIATE_ASSIGN_OR_RETURN(const YAML::Node context,
                             NamedEntry(root, "contexts", "context", context_name, source));
  const std::string cluster_name = ScalarOr(Child(context, "cluster"));
  const std::string user_name = ScalarOr(Child(context, "user"));
  REMEDIATE_ASSIGN_OR_RETURN(const YAML::Node cluster,
                             NamedEntry(root, "clusters", "cluster", cluster_name, source));

  KubeConnection connection;
  connection.server = ScalarOr(Child(cluster, "server"));
  while (!connection.server.empty() && connection.server.back() == '/') {
    connection.server.pop_back();
  }
  if (connection.server.empty()) {
    return InvalidArgument(fmt::format("{}: cluster '{}' has no server URL", source, cluster_name));
  }
  connection.insecure_skip_tls_verify =
      ScalarOr(Child(cluster, "insecure-skip-tls-verify")) == "true";
  const std::string where = fmt::format("{}: cluster '{}'", source, cluster_name);
  REMEDIATE_ASSIGN_OR_RETURN(
      connection.ca_pem, Credential(cluster, "certificate-authority", base_dir, read_file, where));
  const std::string namespace_name = ScalarOr(Child(context, "namespace"));
  if (!namespace_name.empty()) {
    connection.default_namespace = namespace_name;
  }
  if (!user_name.empty()) {
    REMEDIATE_ASSIGN_OR_RETURN(const YAML::Node user,
                               NamedEntry(root, "users", "user", user_name, source));
    RAMPART_RETURN_IF_ERROR(ApplyUser(user, user_name, source, base_dir, read_file, connection));
  }
  return connection;
}

FileReader BoundedFileReader() {
  return [](const std::string& path) { return ReadFile(path, kMaxCredentialFileBytes); };
}

}  // namespace

Result<std::string> DecodeBase64(std::string_view text) {
  std::string decoded;
  unsigned int buffer = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else if (c == '=') {
      padding = true;
      continue;
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    }
    if (value < 0 || padding) {
      return InvalidArgument("invalid base64 text");
    }
    buffer = (buffer << 6) | static_cast<unsigned int>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      decoded += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return decoded;
}

Result<KubeConnection> ParseKubeconfig(std::string_view text, std::string_view source,
                                       const std::string& context_name, const std::string& base_dir,
                                       const FileReader& read_file) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) {
      return InvalidArgument(fmt::format("{}: a kubeconfig must be a YAML mapping", source));
    }
    return ParseDocument(root, source, context_name, base_dir, read_file);
  } catch (const YAML::Exception& error) {
    return InvalidArgument(fmt::format("{}: invalid YAML at line {}, column {}: {}", source,
                                       error.mark.line + 1, error.mark.column + 1, error.msg));
  }
}

Result<KubeConnection> InClusterConnection(const std::string& service_account_dir,
                                           const EnvironmentReader& environment,
                                           const FileReader& read_file) {
  const auto host = environment("KUBERNETES_SERVICE_HOST");
  const auto port = environment("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty()) {
    return FailedPrecondition(
        "KUBERNETES_SERVICE_HOST is not set, so this is not running in a pod; give a "
        "kubeconfig");
  }
  KubeConnection connection;
  const bool ipv6 = host->find(':') != std::string::npos;
  connection.server =
      fmt::format("https://{}:{}", ipv6 ? "[" + *host + "]" : *host, port.value_or("443"));
  REMEDIATE_ASSIGN_OR_RETURN(connection.token, read_file(service_account_dir + "/token"));
  while (!connection.token.empty() && connection.token.back() == '\n') {
    connection.token.pop_back();
  }
  REMEDIATE_ASSIGN_OR_RETURN(connection.ca_pem, read_file(service_account_dir + "/ca.crt"));
  auto namespace_name = read_file(service_account_dir + "/namespace");
  if (namespace_name && !namespace_name->empty()) {
    connection.default_namespace = *namespace_name;
    while (!connection.default_namespace.empty() && connection.default_namespace.back() == '\n') {
      connection.default_namespace.pop_back();
    }
  }
  return connection;
}

Result<KubeConnection> LoadKubeConnection(const std::string& kubeconfig_path,
                                          const std::string& context_name,
                                          const EnvironmentReader& environment) {
  std::string path = kubeconfig_path;
  if (path.empty()) {
    path = environment("KUBECONFIG").value_or("");
    // KUBECONFIG may list several files; the first one is used.
    path = path.substr(0, path.find(':'));
  }
  if (path.empty() && environment("KUBERNETES_SERVICE_HOST").has_value()) {
    return InClusterConnection(kServiceAccountDir, environment, BoundedFileReader());
  }
  if (path.empty()) {
    path = environment("HOME").value_or("") + "/.kube/config";
  }
  std::error_code error;
  if (!std::filesystem::exists(path, error) && !error) {
    // Not worth a retry: the file will not appear by itself.
    return NotFound(
        fmt::format("kubeconfig file {} does not exist; set the kubeconfig "
                    "parameter to the path of a kubeconfig file",
                    path));
  }
  REMEDIATE_ASSIGN_OR_RETURN(const std::string text, ReadFile(path, kMaxCredentialFileBytes));
  const auto slash = path.rfind('/');
  const std::string base_dir = slash == std::string::npos ? "." : path.substr(0, slash);
  return ParseKubeconfig(text, path, context_name, base_dir, BoundedFileReader());
}

}  // namespace rampart::remediate
