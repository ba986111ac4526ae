// Shared parts of the kubernetes.* actions: the connection parameters, finding the target
// namespace and object names, and the namespace allow-list.
#pragma once

#include <string>
#include <vector>

#include "remediate/action.h"
#include "remediate/kube_client.h"
#include "remediate/params.h"

namespace rampart::remediate {

// Reads "kubeconfig" and "context" from `params` and connects (see LoadKubeConnection).
Result<KubeClient> ConnectKube(const Json& params, const ActionContext& context);

// Returns `params` with `{{ path }}` placeholders filled from the finding and event in every
// string value except the members named in `raw_keys`.
Result<Json> FillParams(const Json& params, const ActionRequest& request,
                        std::initializer_list<std::string_view> raw_keys = {});

// Returns the namespace from params "namespace", else the finding (Details.Other.namespace of
// the first resource, Falco's k8s.ns.name, GuardDuty's Kubernetes workload), else the
// connection's default. Fails unless it is a valid name on the namespaces allow-list.
Result<std::string> TargetNamespace(const Json& params, const Json& finding,
                                    const KubeConnection& connection, const ActionContext& context,
                                    std::string_view action);

// Returns params `key`, else the finding's object name for `finding_field` ("pod" or "name"),
// as a valid Kubernetes name.
Result<std::string> TargetName(const Json& params, std::string_view key, const Json& finding,
                               std::string_view finding_field, std::string_view action);

// Returns the kind table entry for params "kind" (default `fallback`), failing for kinds
// outside `allowed`.
Result<KubeKind> TargetKind(const Json& params, std::string_view fallback,
                            const std::vector<std::string_view>& allowed, std::string_view action);

// Parameter names every kubernetes.* action accepts.
#define REMEDIATE_KUBE_KEYS "kubeconfig", "context", "namespace"

}  // namespace rampart::remediate
