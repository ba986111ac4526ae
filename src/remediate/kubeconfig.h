// Connection settings for a Kubernetes API server, from a kubeconfig file or from the
// in-cluster service account.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "remediate/action.h"
#include "remediate/params.h"

namespace rampart::remediate {

struct KubeConnection {
  std::string server;  // "https://host:port", no trailing slash
  std::string token;   // bearer token; empty when a client certificate authenticates
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  bool insecure_skip_tls_verify = false;
  std::string default_namespace = "default";
};

using FileReader = std::function<Result<std::string>(const std::string& path)>;

// Parses kubeconfig YAML and returns the settings of `context_name` (current-context when
// empty). File references (certificate-authority, client-certificate, client-key, tokenFile)
// are read through `read_file`, relative to `base_dir`. Exec and auth-provider plugins and
// basic auth are rejected with an error naming the user entry.
Result<KubeConnection> ParseKubeconfig(std::string_view text, std::string_view source,
                                       const std::string& context_name, const std::string& base_dir,
                                       const FileReader& read_file);

// Reads the in-cluster settings: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, and the
// token, ca.crt and namespace under `service_account_dir`
// (/var/run/secrets/kubernetes.io/serviceaccount in a pod).
Result<KubeConnection> InClusterConnection(const std::string& service_account_dir,
                                           const EnvironmentReader& environment,
                                           const FileReader& read_file);

// Chooses the connection: `kubeconfig_path` when given, else $KUBECONFIG, else the in-cluster
// service account when KUBERNETES_SERVICE_HOST is set, else $HOME/.kube/config.
Result<KubeConnection> LoadKubeConnection(const std::string& kubeconfig_path,
                                          const std::string& context_name,
                                          const EnvironmentReader& environment);

// Decodes standard base64 (padding optional, whitespace ignored).
Result<std::string> DecodeBase64(std::string_view text);

}  // namespace rampart::remediate
