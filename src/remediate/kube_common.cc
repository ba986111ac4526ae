#include "remediate/kube_common.h"

#include <fmt/format.h>

#include "remediate/job_template.h"

namespace rampart::remediate {

namespace {

// Returns a string member whose name contains dots, as Falco's output_fields use.
std::string DottedMember(const Json& object, const char* container, const char* key) {
  const auto outer = object.find(container);
  if (outer == object.end() || !outer->is_object()) {
    return "";
  }
  return StringOr(*outer, key);
}

std::string FindingField(const Json& finding, std::string_view field) {
  for (const std::string& path : {"Resources[0].Details.Other." + std::string(field),
                                  "resource.kubernetesDetails.kubernetesWorkloadDetails." +
                                      std::string(field == "pod" ? "name" : field)}) {
    const Json* value = LookupPath(finding, path);
    if (value != nullptr && value->is_string() && !value->get<std::string>().empty()) {
      return value->get<std::string>();
    }
  }
  if (field == "namespace") {
    return DottedMember(finding, "output_fields", "k8s.ns.name");
  }
  if (field == "pod") {
    return DottedMember(finding, "output_fields", "k8s.pod.name");
  }
  return "";
}

}  // namespace

Result<KubeClient> ConnectKube(const Json& params, const ActionContext& context) {
  const std::string kubeconfig = StringOr(params, "kubeconfig");
  const std::string context_name = StringOr(params, "context");
  auto connection =
      LoadKubeConnection(ResolveLocalPath(context, kubeconfig), context_name, context.environment);
  if (!connection) {
    if (ResolveLocalPath(context, kubeconfig) == kubeconfig) {
      return connection.status();
    }
    return Status(connection.status().code(),
                  fmt::format("{} (the kubeconfig parameter '{}' is read from {}, the "
                              "configuration file's folder)",
                              connection.status().message(), kubeconfig, context.base_dir));
  }
  return KubeClient(std::move(*connection), context.timeout);
}

Result<Json> FillParams(const Json& params, const ActionRequest& request,
                        std::initializer_list<std::string_view> raw_keys) {
  if (!params.is_object()) {
    return params;
  }
  Json filled = params;
  for (auto& [key, value] : filled.items()) {
    bool raw = false;
    for (std::string_view name : raw_keys) {
      raw = raw || name == key;
    }
    if (!raw) {
      REMEDIATE_ASSIGN_OR_RETURN(value, FillPlaceholders(value, request.finding, request.event));
    }
  }
  return filled;
}

Result<std::string> TargetNamespace(const Json& params, const Json& finding,
                                    const KubeConnection& connection, const ActionContext& context,
                                    std::string_view action) {
  std::string namespace_name = StringOr(params, "namespace");
  if (namespace_name.empty()) {
    namespace_name = FindingField(finding, "namespace");
  }
  if (namespace_name.empty()) {
    namespace_name = connection.default_namespace;
  }
  if (!ValidKubeName(namespace_name)) {
    return InvalidArgument(
        fmt::format("{}: namespace '{}' is not a valid Kubernetes name", action, namespace_name));
  }
  if (!AllowListed(context.allow.namespaces, namespace_name)) {
    return Status(StatusCode::kPermissionDenied,
                  fmt::format("{}: namespace '{}' is not on the namespaces allow-list; add it to "
                              "the rule's allowed namespaces",
                              action, namespace_name));
  }
  return namespace_name;
}

Result<std::string> TargetName(const Json& params, std::string_view key, const Json& finding,
                               std::string_view finding_field, std::string_view action) {
  std::string name = StringOr(params, key);
  if (name.empty()) {
    name = FindingField(finding, finding_field);
  }
  if (name.empty()) {
    return InvalidArgument(fmt::format(
        "{}: no {} given and the finding names none; set '{}' in the rule", action, key, key));
  }
  if (!ValidKubeName(name)) {
    return InvalidArgument(
        fmt::format("{}: {} '{}' is not a valid Kubernetes name", action, key, name));
  }
  return name;
}

Result<KubeKind> TargetKind(const Json& params, std::string_view fallback,
                            const std::vector<std::string_view>& allowed, std::string_view action) {
  const std::string kind = StringOr(params, "kind", fallback);
  bool listed = false;
  for (std::string_view name : allowed) {
    listed = listed || name == kind;
  }
  const auto entry = FindKubeKind(kind);
  if (!listed || !entry) {
    std::string names;
    for (std::string_view name : allowed) {
      names += names.empty() ? "" : ", ";
      names += name;
    }
    return InvalidArgument(
        fmt::format("{}: kind '{}' is not supported; use one of {}", action, kind, names));
  }
  return *entry;
}

}  // namespace rampart::remediate
