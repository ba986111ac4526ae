// The kubernetes.* actions: direct changes through the Kubernetes API. Every action takes
// "kubeconfig" and "context" (see LoadKubeConnection) and "namespace". The namespace, like the
// object names, defaults to what the finding names, and it must be on the namespaces
// allow-list.
// String parameters may contain `{{ path }}` placeholders filled from the finding.
#pragma once

#include <memory>

#include "remediate/action.h"

namespace rampart::remediate {

// kubernetes.job: creates a Job from `template` (YAML) whose string values may hold
// `{{ path }}` placeholders. A placeholder must sit inside a quoted string or after other text
// ("{{ Id }}", scan-{{ Id }}), because a plain value starting with '{' is a YAML mapping. The
// Job is named from the template, else from the idempotency key, so a repeated run finds it
// (HTTP 409) and changes nothing. Rollback deletes the Job.
std::unique_ptr<Action> MakeKubeJobAction();

// kubernetes.patch: `kind`, `name`, `patch` (an object, or a list for JSON patch) and
// `patch_type` strategic (default), merge or json. Rollback applies the inverse JSON patch.
std::unique_ptr<Action> MakeKubePatchAction();

// kubernetes.set-image: sets `image` on `container` (default: the containers running the
// finding's image, or the only container) of a workload `kind` (default Deployment) `name`.
std::unique_ptr<Action> MakeKubeSetImageAction();

// kubernetes.scale: sets `replicas` (default 0) of a Deployment, StatefulSet or ReplicaSet
// through its scale subresource. Rollback restores the previous count.
std::unique_ptr<Action> MakeKubeScaleAction();

// kubernetes.delete-pod: deletes pod `name` with an optional `grace_period_seconds`.
std::unique_ptr<Action> MakeKubeDeletePodAction();

// kubernetes.isolate: labels pod `name` with rampart.io/isolated and creates a NetworkPolicy
// that selects that label and allows no ingress and no egress. Only that pod is cut off,
// not its siblings. Rollback deletes the policy and removes the label.
std::unique_ptr<Action> MakeKubeIsolateAction();

// kubernetes.revoke-rbac: removes service account `service_account` (default: the finding's
// "system:serviceaccount:NS:NAME" user) from every RoleBinding and ClusterRoleBinding: a
// binding whose only subject it is gets deleted, a shared one loses that subject. Rollback
// recreates and restores them.
std::unique_ptr<Action> MakeKubeRevokeRbacAction();

}  // namespace rampart::remediate
