// A minimal Kubernetes API client over libcurl: JSON requests to resource paths, with the
// connection's bearer token or client certificate.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "remediate/kubeconfig.h"

namespace rampart::remediate {

// A resource kind the actions use, with its API path parts.
struct KubeKind {
  std::string_view kind;
  std::string_view group_version;  // "v1" for the core group, else "group/version"
  std::string_view plural;
  bool namespaced;
};

// Returns the kind named `kind` (such as "Deployment"), or nullopt for a kind not in the table.
std::optional<KubeKind> FindKubeKind(std::string_view kind);

// Returns the kind served at `group_version` ("v1" or "group/version") under `plural`.
std::optional<KubeKind> FindKubeKindByPlural(std::string_view group_version,
                                             std::string_view plural);

// Returns the API path of a collection (empty name) or of one object; `namespace_name` is
// ignored for cluster-scoped kinds and lists every namespace when empty.
std::string KubePath(const KubeKind& kind, std::string_view namespace_name,
                     std::string_view name = "");

// True for a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253 bytes,
// starting and ending with a letter or digit): the form of Kubernetes object and namespace
// names. Checked before a value goes into a URL path.
bool ValidKubeName(std::string_view name);

struct KubeResponse {
  long status = 0;
  Json body;  // the parsed body; null when it is empty or not JSON
};

class KubeClient {
 public:
  KubeClient(KubeConnection connection, std::chrono::milliseconds timeout)
      : connection_(std::move(connection)), timeout_(timeout) {}

  // Sends `method` to `path` (with query) and returns the status and parsed body. Fails only
  // when the server cannot be reached; an HTTP error is a response.
  Result<KubeResponse> Send(const std::string& method, const std::string& path,
                            const Json& body = nullptr,
                            const std::string& content_type = "application/json") const;

  const KubeConnection& connection() const { return connection_; }

 private:
  KubeConnection connection_;
  std::chrono::milliseconds timeout_;
};

// Returns a Status for an error response: the API's Status message, and a code that shows
// whether to retry (kUnavailable for 429 and 5xx).
Status KubeError(const KubeResponse& response, std::string_view what);

}  // namespace rampart::remediate
