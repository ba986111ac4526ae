#include <fmt/format.h>

#include "core/hash.h"
#include "remediate/kube_actions.h"
#include "remediate/kube_common.h"

namespace rampart::remediate {

namespace {

constexpr const char* kIsolatedLabel = "rampart.io/isolated";

bool RollbackTargetAllowed(const std::string& namespace_name, const ActionContext& context) {
  return ValidKubeName(namespace_name) && AllowListed(context.allow.namespaces, namespace_name);
}

class KubeIsolateAction final : public Action {
 public:
  std::string_view Name() const override { return "kubernetes.isolate"; }

  Status Validate(const Json& params) const override {
    return Params(params, Name()).CheckKeys({REMEDIATE_KUBE_KEYS, "name"});
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    RAMPART_RETURN_IF_ERROR(Validate(request.params));
    REMEDIATE_ASSIGN_OR_RETURN(const Json params, FillParams(request.params, request));
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(params, context));
    REMEDIATE_ASSIGN_OR_RETURN(
        const std::string namespace_name,
        TargetNamespace(params, request.finding, client.connection(), context, Name()));
    REMEDIATE_ASSIGN_OR_RETURN(const std::string pod,
                               TargetName(params, "name", request.finding, "pod", Name()));
    const std::string pod_path = KubePath(*FindKubeKind("Pod"), namespace_name, pod);
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse current, client.Send("GET", pod_path));
    if (current.status != 200) {
      return KubeError(current, fmt::format("reading Pod {}/{}", namespace_name, pod));
    }

    // The label value and policy name come from the pod's uid, so a rerun reuses both.
    const std::string id = StableId({StringOr(current.body["metadata"], "uid"), pod}, 10);
    const std::string policy_name = "rampart-isolate-" + id;
    const Json policy = {{"apiVersion", "networking.k8s.io/v1"},
                         {"kind", "NetworkPolicy"},
                         {"metadata",
                          {{"name", policy_name},
                           {"namespace", namespace_name},
                           {"labels", {{"app.kubernetes.io/managed-by", "rampart"}}},
                           {"annotations", {{"rampart.io/isolated-pod", pod}}}}},
                         {"spec",
                          {{"podSelector", {{"matchLabels", {{kIsolatedLabel, id}}}}},
                           {"policyTypes", {"Ingress", "Egress"}},
                           {"ingress", Json::array()},
                           {"egress", Json::array()}}}};
    ActionResult result;
    result.diff =
        fmt::format("label Pod {}/{} {}={}\ncreate NetworkPolicy {}/{}:\n{}\n", namespace_name, pod,
                    kIsolatedLabel, id, namespace_name, policy_name, policy.dump(2));
    if (request.dry_run) {
      result.summary = fmt::format("would isolate Pod {}/{}", namespace_name, pod);
      return result;
    }
    const Json label_patch = {{"metadata", {{"labels", {{kIsolatedLabel, id}}}}}};
    REMEDIATE_ASSIGN_OR_RETURN(
        const KubeResponse labeled,
        client.Send("PATCH", pod_path, label_patch, "application/merge-patch+json"));
    if (labeled.status != 200) {
      return KubeError(labeled, "labeling Pod " + pod);
    }
    REMEDIATE_ASSIGN_OR_RETURN(
        const KubeResponse created,
        client.Send("POST", KubePath(*FindKubeKind("NetworkPolicy"), namespace_name), policy));
    if (created.status != 201 && created.status != 200 && created.status != 409) {
      return KubeError(created, "creating NetworkPolicy " + policy_name);
    }
    result.changed = created.status != 409;
    result.summary = fmt::format("{} Pod {}/{} with NetworkPolicy {}",
                                 result.changed ? "isolated" : "already isolated", namespace_name,
                                 pod, policy_name);
    result.rollback = {{"namespace", namespace_name},
                       {"pod", pod},
                       {"policy", policy_name},
                       {"kubeconfig", StringOr(params, "kubeconfig")},
                       {"context", StringOr(params, "context")}};
    return result;
  }

  Status Rollback(const ActionResult& result, const ActionContext& context) override {
    const Json& record = result.rollback;
    const std::string namespace_name = StringOr(record, "namespace");
    const std::string pod = StringOr(record, "pod");
    const std::string policy = StringOr(record, "policy");
    if (!RollbackTargetAllowed(namespace_name, context) || !ValidKubeName(pod) ||
        !ValidKubeName(policy)) {
      return InvalidArgument("kubernetes.isolate rollback: invalid or denied target");
    }
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(record, context));
    REMEDIATE_ASSIGN_OR_RETURN(
        const KubeResponse deleted,
        client.Send("DELETE", KubePath(*FindKubeKind("NetworkPolicy"), namespace_name, policy)));
    if (deleted.status != 200 && deleted.status != 404) {
      return KubeError(deleted, "deleting NetworkPolicy " + policy);
    }
    const Json unlabel = {{"metadata", {{"labels", {{kIsolatedLabel, nullptr}}}}}};
    REMEDIATE_ASSIGN_OR_RETURN(
        const KubeResponse unlabeled,
        client.Send("PATCH", KubePath(*FindKubeKind("Pod"), namespace_name, pod), unlabel,
                    "application/merge-patch+json"));
    return unlabeled.status == 200 || unlabeled.status == 404
               ? Status::Ok()
               : KubeError(unlabeled, "removing the isolation label of Pod " + pod);
  }
};

// A binding that names the service account, and what to do with it.
struct BindingChange {
  KubeKind kind;
  Json before;  // the binding as read
  Json after;   // the binding without the subject; null when it is deleted
};

bool IsSubject(const Json& subject, const std::string& namespace_name, const std::string& name) {
  return StringOr(subject, "kind") == "ServiceAccount" && StringOr(subject, "name") == name &&
         StringOr(subject, "namespace") == namespace_name;
}

Json StripForCreate(Json object) {
  for (const char* field :
       {"resourceVersion", "uid", "creationTimestamp", "managedFields", "generation", "selfLink"}) {
    object["metadata"].erase(field);
  }
  return object;
}

class KubeRevokeRbacAction final : public Action {
 public:
  std::string_view Name() const override { return "kubernetes.revoke-rbac"; }

  Status Validate(const Json& params) const override {
    return Params(params, Name()).CheckKeys({REMEDIATE_KUBE_KEYS, "service_account"});
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    RAMPART_RETURN_IF_ERROR(Validate(request.params));
    REMEDIATE_ASSIGN_OR_RETURN(Json params, FillParams(request.params, request));
    NamespaceFromUser(request.finding, params);
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(params, context));
    REMEDIATE_ASSIGN_OR_RETURN(
        const std::string namespace_name,
        TargetNamespace(params, request.finding, client.connection(), context, Name()));
    REMEDIATE_ASSIGN_OR_RETURN(
        const std::string account,
        TargetName(params, "service_account", request.finding, "serviceAccount", Name()));
    REMEDIATE_ASSIGN_OR_RETURN(const auto changes,
                               FindBindings(client, namespace_name, account, context));

    ActionResult result;
    for (const BindingChange& change : changes) {
      const std::string where = BindingLabel(change);
      result.diff += change.after.is_null() ? fmt::format("delete {}\n", where)
                                            : fmt::format("remove ServiceAccount {}/{} from {}\n",
                                                          namespace_name, account, where);
    }
    const std::string account_label = fmt::format("ServiceAccount {}/{}", namespace_name, account);
    if (changes.empty()) {
      result.summary = "no binding names " + account_label;
      return result;
    }
    if (request.dry_run) {
      result.summary =
          fmt::format("would revoke {} binding(s) of {}", changes.size(), account_label);
      return result;
    }
    Json restore = Json::array();
    for (const BindingChange& change : changes) {
      RAMPART_RETURN_IF_ERROR(Apply(client, change));
      restore.push_back({{"kind", change.kind.kind}, {"object", change.before}});
    }
    result.changed = true;
    result.summary = fmt::format("revoked {} binding(s) of {}", changes.size(), account_label);
    result.rollback = {{"bindings", restore},
                       {"kubeconfig", StringOr(params, "kubeconfig")},
                       {"context", StringOr(params, "context")}};
    return result;
  }

  Status Rollback(const ActionResult& result, const ActionContext& context) override {
    const Json& record = result.rollback;
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(record, context));
    const Json bindings = record.value("bindings", Json::array());
    for (const Json& entry : bindings) {
      RAMPART_RETURN_IF_ERROR(Restore(client, entry, context));
    }
    return Status::Ok();
  }

 private:
  // Fills "namespace" and "service_account" from a finding whose user is
  // "system:serviceaccount:NAMESPACE:NAME", as GuardDuty and audit logs report it.
  static void NamespaceFromUser(const Json& finding, Json& params) {
    const Json* user =
        LookupPath(finding, "resource.kubernetesDetails.kubernetesUserDetails.username");
    const std::string text = user != nullptr && user->is_string() ? user->get<std::string>() : "";
    const std::string prefix = "system:serviceaccount:";
    if (text.rfind(prefix, 0) != 0) {
      return;
    }
    const std::string rest = text.substr(prefix.size());
    const auto colon = rest.find(':');
    if (colon == std::string::npos) {
      return;
    }
    if (StringOr(params, "namespace").empty()) {
      params["namespace"] = rest.substr(0, colon);
    }
    if (StringOr(params, "service_account").empty()) {
      params["service_account"] = rest.substr(colon + 1);
    }
  }

  static std::string BindingLabel(const BindingChange& change) {
    const Json& metadata = change.before["metadata"];
    const std::string namespace_name = StringOr(metadata, "namespace");
    return namespace_name.empty()
               ? fmt::format("{} {}", change.kind.kind, StringOr(metadata, "name"))
               : fmt::format("{} {}/{}", change.kind.kind, namespace_name,
                             StringOr(metadata, "name"));
  }

  static Result<std::vector<BindingChange>> FindBindings(const KubeClient& client,
                                                         const std::string& namespace_name,
                                                         const std::string& account,
                                                         const ActionContext& context) {
    std::vector<BindingChange> changes;
    for (const char* kind_name : {"RoleBinding", "ClusterRoleBinding"}) {
      const KubeKind kind = *FindKubeKind(kind_name);
      REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse list, client.Send("GET", KubePath(kind, "")));
      if (list.status != 200) {
        return KubeError(list, fmt::format("listing {}s", kind_name));
      }
      for (const Json& binding : list.body.value("items", Json::array())) {
        const Json subjects = binding.value("subjects", Json::array());
        Json kept = Json::array();
        for (const Json& subject : subjects) {
          if (!IsSubject(subject, namespace_name, account)) {
            kept.push_back(subject);
          }
        }
        if (kept.size() == subjects.size()) {
          continue;
        }
        const std::string binding_namespace = StringOr(binding["metadata"], "namespace");
        if (!binding_namespace.empty() &&
            !AllowListed(context.allow.namespaces, binding_namespace)) {
          return Status(StatusCode::kPermissionDenied,
                        fmt::format("kubernetes.revoke-rbac: RoleBinding {}/{} is in a namespace "
                                    "off the allow-list",
                                    binding_namespace, StringOr(binding["metadata"], "name")));
        }
        Json after = nullptr;
        if (!kept.empty()) {
          after = binding;
          after["subjects"] = kept;
        }
        changes.push_back(BindingChange{kind, binding, after});
      }
    }
    return changes;
  }

  static Status Apply(const KubeClient& client, const BindingChange& change) {
    const Json& metadata = change.before["metadata"];
    const std::string path =
        KubePath(change.kind, StringOr(metadata, "namespace"), StringOr(metadata, "name"));
    if (!ValidKubeName(StringOr(metadata, "name"))) {
      return InvalidArgument("binding has an invalid name");
    }
    // PUT carries the binding's resourceVersion, so a concurrent change fails with 409.
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse response,
                               change.after.is_null() ? client.Send("DELETE", path)
                                                      : client.Send("PUT", path, change.after));
    if (response.status == 200 || response.status == 202 ||
        (response.status == 404 && change.after.is_null())) {
      return Status::Ok();
    }
    Status status = KubeError(response, "revoking " + BindingLabel(change));
    return response.status == 409 ? Unavailable(status.message()) : status;
  }

  static Status Restore(const KubeClient& client, const Json& entry, const ActionContext& context) {
    const auto kind = FindKubeKind(StringOr(entry, "kind"));
    const Json object = entry.value("object", Json::object());
    const std::string namespace_name = StringOr(object.value("metadata", Json()), "namespace");
    const std::string name = StringOr(object.value("metadata", Json()), "name");
    if (!kind || !ValidKubeName(name) ||
        (!namespace_name.empty() && !RollbackTargetAllowed(namespace_name, context))) {
      return InvalidArgument("kubernetes.revoke-rbac rollback: invalid or denied binding");
    }
    const std::string path = KubePath(*kind, namespace_name, name);
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse current, client.Send("GET", path));
    if (current.status == 404) {
      REMEDIATE_ASSIGN_OR_RETURN(
          const KubeResponse created,
          client.Send("POST", KubePath(*kind, namespace_name), StripForCreate(object)));
      return created.status == 201 || created.status == 200
                 ? Status::Ok()
                 : KubeError(created, "recreating binding " + name);
    }
    if (current.status != 200) {
      return KubeError(current, "reading binding " + name);
    }
    Json restored = current.body;
    restored["subjects"] = object.value("subjects", Json::array());
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse put, client.Send("PUT", path, restored));
    return put.status == 200 ? Status::Ok() : KubeError(put, "restoring binding " + name);
  }
};

}  // namespace

std::unique_ptr<Action> MakeKubeIsolateAction() { return std::make_unique<KubeIsolateAction>(); }
std::unique_ptr<Action> MakeKubeRevokeRbacAction() {
  return std::make_unique<KubeRevokeRbacAction>();
}

}  // namespace rampart::remediate
