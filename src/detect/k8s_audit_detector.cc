#include "detect/k8s_audit_detector.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace rampart::detect {
namespace {

using finding::SeverityLabel;

// Host paths that give a container control of its node, cleaned as CleanHostPath does. A
// mount of one of them, of a path below one, or of a directory above one is sensitive.
constexpr std::string_view kSensitivePaths[] = {
    "/proc",           "/run/docker.sock",         "/etc",
    "/root",           "/run/crio/crio.sock",      "/run/containerd/containerd.sock",
    "/home/admin",     "/var/lib/kubelet",         "/var/lib/kubelet/pki",
    "/etc/kubernetes", "/etc/kubernetes/manifests"};

// Words that mark a credential inside ConfigMap data.
constexpr std::string_view kCredentialWords[] = {
    "aws_access_key_id",    "aws-access-key-id", "aws_s3_access_key_id",
    "aws-s3-access-key-id", "password",          "passphrase"};

constexpr std::string_view kWriteVerbs[] = {"create", "update",           "patch",
                                            "delete", "deletecollection", "*"};

// The parts of an audit event the rules read.
struct AuditView {
  const Json& document;
  std::string verb;
  std::string resource;
  std::string subresource;
  std::string name;
  std::string namespace_name;
  std::string user;
  int code = 0;
  const Json* object = nullptr;  // requestObject, when logged
};

AuditView ViewOf(const Json& document) {
  AuditView view{document, StringOr(document, "verb"), "", "", "", "", "", 0, nullptr};
  if (const Json* ref = FindPath(document, "objectRef"); ref != nullptr) {
    view.resource = StringOr(*ref, "resource");
    view.subresource = StringOr(*ref, "subresource");
    view.name = StringOr(*ref, "name");
    view.namespace_name = StringOr(*ref, "namespace");
  }
  if (const Json* user = FindPath(document, "user.username");
      user != nullptr && user->is_string()) {
    view.user = user->get<std::string>();
  }
  if (const Json* code = FindPath(document, "responseStatus.code");
      code != nullptr && code->is_number_integer()) {
    view.code = code->get<int>();
  }
  if (const auto it = document.find("requestObject"); it != document.end() && it->is_object()) {
    view.object = &*it;
  }
  return view;
}

std::vector<const Json*> Containers(const Json& pod) {
  std::vector<const Json*> containers;
  for (const char* key : {"containers", "initContainers", "ephemeralContainers"}) {
    const Json* list = FindPath(pod, std::string("spec.") + key);
    if (list != nullptr && list->is_array()) {
      for (const Json& container : *list) {
        containers.push_back(&container);
      }
    }
  }
  return containers;
}

bool Contains(const Json* list, std::string_view value) {
  if (list == nullptr || !list->is_array()) {
    return false;
  }
  return std::any_of(list->begin(), list->end(),
                     [&](const Json& item) { return item.is_string() && item == value; });
}

// Returns the value at `dotted_path`, or an empty object when it is missing.
const Json& ObjectAt(const Json& document, std::string_view dotted_path) {
  static const Json kEmpty = Json::object();
  const Json* found = FindPath(document, dotted_path);
  return found != nullptr ? *found : kEmpty;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

class RuleRun {
 public:
  RuleRun(const LogEvent& event, const AuditView& view, FindingSet& findings)
      : event_(event), view_(view), findings_(findings) {}

  void Report(std::string_view detector, std::string_view type, SeverityLabel severity,
              std::string title, std::string description) {
    Detection detection;
    detection.detector = std::string(detector);
    detection.entity = fmt::format("{}/{}/{}", view_.namespace_name, view_.resource, view_.name);
    detection.type = std::string(type);
    detection.title = std::move(title);
    detection.description = std::move(description);
    detection.severity = severity;
    detection.first_seen = event_.time;
    detection.last_seen = event_.time;
    detection.source_ip = event_.source_ip;
    detection.resource_type = "Other";
    detection.resource_id =
        fmt::format("kubernetes/{}/{}/{}", view_.namespace_name, view_.resource, view_.name);
    detection.fields["rampart/detect/KubernetesUser"] = view_.user;
    detection.fields["rampart/detect/AuditID"] = StringOr(view_.document, "auditID");
    findings_.Report(detection);
    ++count_;
  }

  std::size_t count() const { return count_; }

 private:
  const LogEvent& event_;
  const AuditView& view_;
  FindingSet& findings_;
  std::size_t count_ = 0;
};

// Returns `path` with empty and "." components dropped, each ".." removing the component
// before it, and /var/run written as /run, which it links to on systemd-based distributions.
// The result starts with "/" and has no trailing "/".
std::string CleanHostPath(std::string_view path) {
  std::vector<std::string_view> components;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view component = path.substr(0, slash);
    path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
    if (component == "..") {
      if (!components.empty()) {
        components.pop_back();
      }
    } else if (!component.empty() && component != ".") {
      components.push_back(component);
    }
  }
  if (components.size() >= 2 && components[0] == "var" && components[1] == "run") {
    components.erase(components.begin());
  }
  std::string clean;
  for (std::string_view component : components) {
    clean += '/';
    clean += component;
  }
  return clean.empty() ? "/" : clean;
}

// Returns true when `ancestor` is `path` or a directory above it; both are clean.
bool IsWithin(std::string_view path, std::string_view ancestor) {
  if (ancestor == "/") {
    return true;
  }
  return path.starts_with(ancestor) &&
         (path.size() == ancestor.size() || path[ancestor.size()] == '/');
}

// Returns true when a hostPath volume of `path` exposes one of kSensitivePaths: the path is
// one of them, lies below one (/etc/shadow, /proc/1/root), or is a directory above one (/,
// /run, /var/run).
bool IsSensitiveHostPath(std::string_view path) {
  const std::string clean = CleanHostPath(path);
  return std::any_of(std::begin(kSensitivePaths), std::end(kSensitivePaths),
                     [&](std::string_view sensitive) {
                       return IsWithin(clean, sensitive) || IsWithin(sensitive, clean);
                     });
}

void CheckPod(const AuditView& view, const K8sAuditOptions& options, RuleRun& run) {
  if (view.object == nullptr) {
    return;
  }
  const std::vector<const Json*> containers = Containers(*view.object);
  bool trusted = !containers.empty();
  std::vector<std::string> disallowed;
  bool privileged = false;
  for (const Json* container : containers) {
    const std::string repository = ImageRepository(StringOr(*container, "image"));
    trusted = trusted && options.trusted_images.count(repository) != 0;
    if (!options.allowed_images.empty() && options.allowed_images.count(repository) == 0) {
      disallowed.push_back(repository);
    }
    const Json* flag = FindPath(*container, "securityContext.privileged");
    privileged = privileged || (flag != nullptr && flag->is_boolean() && flag->get<bool>());
  }
  const std::string pod =
      fmt::format("{}/{}", view.namespace_name,
                  StringOr(ObjectAt(*view.object, "metadata"), "name", view.name));
  if (!disallowed.empty()) {
    run.Report(
        "k8s-disallowed-image",
        "Software and Configuration Checks/Kubernetes/Policy:Kubernetes-DisallowedImage.AuditLog",
        SeverityLabel::kMedium, "Pod created with an image outside the allowed list",
        fmt::format("Pod {} runs {}, which the allowed images do not include.", pod,
                    fmt::join(disallowed, ", ")));
  }
  if (trusted) {
    return;
  }
  if (privileged) {
    run.Report(
        "k8s-privileged-pod",
        "TTPs/Privilege Escalation/PrivilegeEscalation:Kubernetes-PrivilegedContainer.AuditLog",
        SeverityLabel::kHigh, "Privileged pod created",
        fmt::format("Pod {} has a privileged container, which has full access to its node. "
                    "Remove securityContext.privileged.",
                    pod));
  }
  const Json* host_network = FindPath(*view.object, "spec.hostNetwork");
  if (host_network != nullptr && host_network->is_boolean() && host_network->get<bool>()) {
    run.Report("k8s-host-network-pod",
               "TTPs/Privilege Escalation/PrivilegeEscalation:Kubernetes-HostNetwork.AuditLog",
               SeverityLabel::kMedium, "Pod created on the host network",
               fmt::format("Pod {} uses the node's network namespace (spec.hostNetwork).", pod));
  }
  const Json* volumes = FindPath(*view.object, "spec.volumes");
  if (volumes != nullptr && volumes->is_array()) {
    for (const Json& volume : *volumes) {
      const Json* path = FindPath(volume, "hostPath.path");
      if (path == nullptr || !path->is_string()) {
        continue;
      }
      const std::string value = path->get<std::string>();
      if (IsSensitiveHostPath(value)) {
        run.Report("k8s-sensitive-mount-pod",
                   "TTPs/Persistence/Persistence:Kubernetes-ContainerWithSensitiveMount.AuditLog",
                   SeverityLabel::kHigh, "Pod created with a sensitive host mount",
                   fmt::format("Pod {} mounts host path {}, which exposes the node.", pod, value));
        break;
      }
    }
  }
}

// Reports an exec or attach into a pod. Clients before kubectl 1.30 stream over SPDY, which
// starts with a POST (verb create). kubectl 1.30 and later use WebSockets (KEP-4006), which
// start with a GET, so the API server audits verb get.
void CheckExecAttach(const AuditView& view, RuleRun& run) {
  const bool exec_or_attach = view.subresource == "exec" || view.subresource == "attach";
  if (view.resource != "pods" || !exec_or_attach || (view.verb != "create" && view.verb != "get")) {
    return;
  }
  run.Report("k8s-exec-attach", "TTPs/Execution/Execution:Kubernetes-ExecInPod.AuditLog",
             SeverityLabel::kMedium, fmt::format("{} into pod {}", view.subresource, view.name),
             fmt::format("{} ran {} into pod {}/{}.", view.user, view.subresource,
                         view.namespace_name, view.name));
}

void CheckClusterRole(const AuditView& view, RuleRun& run) {
  const Json* rules = view.object != nullptr ? FindPath(*view.object, "rules") : nullptr;
  if (rules == nullptr || !rules->is_array()) {
    return;
  }
  bool wildcard = false;
  bool writes = false;
  bool pod_exec = false;
  for (const Json& rule : *rules) {
    const Json* resources = FindPath(rule, "resources");
    const Json* verbs = FindPath(rule, "verbs");
    wildcard = wildcard || Contains(resources, "*") || Contains(verbs, "*");
    pod_exec = pod_exec || Contains(resources, "pods/exec");
    for (std::string_view verb : kWriteVerbs) {
      writes = writes || Contains(verbs, verb);
    }
  }
  if (wildcard) {
    run.Report("k8s-wildcard-clusterrole",
               "Software and Configuration "
               "Checks/Kubernetes/Policy:Kubernetes-WildcardClusterRole.AuditLog",
               SeverityLabel::kMedium, "ClusterRole with a wildcard created",
               fmt::format("ClusterRole {} grants \"*\" in resources or verbs.", view.name));
  }
  if (pod_exec) {
    run.Report("k8s-pod-exec-clusterrole",
               "TTPs/Execution/Execution:Kubernetes-PodExecClusterRole.AuditLog",
               SeverityLabel::kMedium, "ClusterRole allowing pod exec created",
               fmt::format("ClusterRole {} grants pods/exec.", view.name));
  }
  if (writes) {
    run.Report("k8s-writable-clusterrole",
               "Software and Configuration "
               "Checks/Kubernetes/Policy:Kubernetes-WritableClusterRole.AuditLog",
               SeverityLabel::kLow, "ClusterRole with write privileges created",
               fmt::format("ClusterRole {} grants write verbs.", view.name));
  }
}

bool HasCredentials(const Json& config_map) {
  const Json* data = FindPath(config_map, "data");
  if (data == nullptr || !data->is_object()) {
    return false;
  }
  for (const auto& [key, value] : data->items()) {
    const std::string text = Lower(key + " " + (value.is_string() ? value.get<std::string>() : ""));
    for (std::string_view word : kCredentialWords) {
      if (text.find(word) != std::string::npos) {
        return true;
      }
    }
  }
  return false;
}

// Secrets that clusters create for themselves: bootstrap tokens and service account
// tokens written by controllers.
bool IsSystemSecret(const AuditView& view) {
  return view.user.rfind("system:", 0) == 0 || view.name.rfind("bootstrap-token-", 0) == 0;
}

void CheckActivity(const AuditView& view, RuleRun& run) {
  static const std::pair<std::string_view, std::string_view> kKinds[] = {
      {"deployments", "Deployment"},
      {"services", "Service"},
      {"configmaps", "ConfigMap"},
      {"namespaces", "Namespace"},
      {"serviceaccounts", "ServiceAccount"},
      {"roles", "Role"},
      {"clusterroles", "ClusterRole"},
      {"rolebindings", "RoleBinding"},
      {"clusterrolebindings", "ClusterRoleBinding"},
      {"secrets", "Secret"}};
  if ((view.verb != "create" && view.verb != "delete") || !view.subresource.empty()) {
    return;
  }
  for (const auto& [resource, kind] : kKinds) {
    if (view.resource != resource || (resource == "secrets" && IsSystemSecret(view))) {
      continue;
    }
    const bool created = view.verb == "create";
    run.Report(fmt::format("k8s-{}-{}", resource, view.verb),
               "Unusual Behaviors/Kubernetes/Activity:Kubernetes-ObjectChange.AuditLog",
               SeverityLabel::kInformational,
               fmt::format("{} {} {}", kind, view.name, created ? "created" : "deleted"),
               fmt::format("{} {} {} {} by {}.", kind, view.name,
                           view.namespace_name.empty() ? "" : "in " + view.namespace_name,
                           created ? "was created" : "was deleted", view.user));
  }
}

}  // namespace

std::string ImageRepository(const std::string& image) {
  std::string repository = image.substr(0, image.find('@'));
  const std::size_t slash = repository.rfind('/');
  const std::size_t colon = repository.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    repository.resize(colon);
  }
  for (std::string_view prefix : {"docker.io/library/", "docker.io/", "library/"}) {
    if (repository.rfind(prefix, 0) == 0) {
      repository.erase(0, prefix.size());
    }
  }
  return repository;
}

std::size_t K8sAuditDetector::Add(const LogEvent& event, FindingSet& findings) {
  if (event.document == nullptr) {
    return 0;
  }
  // Nothing is known yet of a request at the RequestReceived stage: it may still be denied.
  // The API server logs it again when the response starts (long-running requests such as
  // exec) or completes, and only those events are checked.
  if (StringOr(*event.document, "stage") == "RequestReceived") {
    return 0;
  }
  // A long-running request is logged at both ResponseStarted and ResponseComplete, with one
  // auditID. Only the first of them is checked, as Falco checks only ResponseStarted.
  const std::string audit_id = StringOr(*event.document, "auditID");
  if (!audit_id.empty() && !checked_audit_ids_.insert(audit_id).second) {
    return 0;
  }
  const AuditView view = ViewOf(*event.document);
  RuleRun run(event, view, findings);
  const bool allowed = StringOr(ObjectAt(*event.document, "annotations"),
                                "authorization.k8s.io/decision") != "forbid";
  const bool succeeded = view.code == 0 || (view.code >= 100 && view.code < 400);

  if (view.user == "system:anonymous" && allowed && succeeded) {
    run.Report("k8s-anonymous-request",
               "TTPs/Initial Access/Policy:Kubernetes-AnonymousAccessGranted.AuditLog",
               SeverityLabel::kHigh, "Anonymous request allowed",
               fmt::format("The API server allowed {} {} by system:anonymous. Disable anonymous "
                           "authentication or remove the bindings that grant it.",
                           view.verb, view.resource));
  }
  if (!options_.allowed_users.empty() && options_.allowed_users.count(view.user) == 0) {
    run.Report("k8s-disallowed-user",
               "Unusual Behaviors/User/Policy:Kubernetes-DisallowedUser.AuditLog",
               SeverityLabel::kMedium,
               fmt::format("Request by user {} outside the allowed list", view.user),
               fmt::format("{} sent {} {}, and is not among the allowed users.", view.user,
                           view.verb, view.resource));
  }
  if (!succeeded) {
    return run.count();
  }
  const bool create = view.verb == "create";
  const bool kube_namespace =
      view.namespace_name == "kube-system" || view.namespace_name == "kube-public";
  if (view.resource == "pods" && view.subresource.empty() && create) {
    CheckPod(view, options_, run);
    if (kube_namespace) {
      run.Report("k8s-pod-in-kube-namespace",
                 "Unusual Behaviors/Kubernetes/Policy:Kubernetes-PodInKubeNamespace.AuditLog",
                 SeverityLabel::kLow, "Pod created in a system namespace",
                 fmt::format("Pod {} was created in {} by {}.", view.name, view.namespace_name,
                             view.user));
    }
  }
  CheckExecAttach(view, run);
  if (view.resource == "services" && create && view.object != nullptr &&
      StringOr(ObjectAt(*view.object, "spec"), "type") == "NodePort") {
    run.Report(
        "k8s-nodeport-service",
        "Software and Configuration Checks/Kubernetes/Policy:Kubernetes-NodePortService.AuditLog",
        SeverityLabel::kLow, "NodePort service created",
        fmt::format("Service {}/{} opens a port on every node.", view.namespace_name, view.name));
  }
  if (view.resource == "configmaps" && (create || view.verb == "update" || view.verb == "patch") &&
      view.object != nullptr && HasCredentials(*view.object)) {
    run.Report(
        "k8s-configmap-credentials",
        "Sensitive Data "
        "Identifications/Passwords/CredentialAccess:Kubernetes-CredentialsInConfigMap.AuditLog",
        SeverityLabel::kHigh, "ConfigMap holds credentials",
        fmt::format("ConfigMap {}/{} contains what looks like a password or access key. "
                    "Move it into a Secret.",
                    view.namespace_name, view.name));
  }
  if (view.resource == "clusterrolebindings" && create && view.object != nullptr) {
    const Json* role = FindPath(*view.object, "roleRef.name");
    if (role != nullptr && role->is_string() && *role == "cluster-admin") {
      run.Report(
          "k8s-cluster-admin-binding",
          "TTPs/Privilege Escalation/PrivilegeEscalation:Kubernetes-ClusterAdminBinding.AuditLog",
          SeverityLabel::kHigh, "Binding to cluster-admin created",
          fmt::format("ClusterRoleBinding {} grants cluster-admin.", view.name));
    }
  }
  if (view.resource == "clusterroles" && create) {
    CheckClusterRole(view, run);
  }
  if (view.resource == "clusterroles" && view.name.rfind("system:", 0) == 0 &&
      (view.verb == "update" || view.verb == "patch" || view.verb == "delete")) {
    run.Report("k8s-system-clusterrole-changed",
               "TTPs/Defense Evasion/Policy:Kubernetes-SystemClusterRoleModified.AuditLog",
               SeverityLabel::kMedium, fmt::format("System ClusterRole {} changed", view.name),
               fmt::format("{} sent {} on {}, a role the cluster relies on.", view.user, view.verb,
                           view.name));
  }
  if (view.resource == "secrets" && create && view.namespace_name == "kube-system" &&
      !IsSystemSecret(view)) {
    run.Report("k8s-secret-in-kube-system",
               "Unusual Behaviors/Kubernetes/Policy:Kubernetes-SecretInKubeSystem.AuditLog",
               SeverityLabel::kMedium, "Secret created in kube-system",
               fmt::format("{} created secret {} in kube-system.", view.user, view.name));
  }
  if (view.resource == "serviceaccounts" && create && kube_namespace) {
    run.Report(
        "k8s-serviceaccount-in-kube-namespace",
        "Unusual Behaviors/Kubernetes/Policy:Kubernetes-ServiceAccountInKubeNamespace.AuditLog",
        SeverityLabel::kLow, "Service account created in a system namespace",
        fmt::format("{} created service account {} in {}.", view.user, view.name,
                    view.namespace_name));
  }
  if (view.resource == "namespaces" && create && !options_.allowed_namespaces.empty() &&
      options_.allowed_namespaces.count(view.name) == 0) {
    run.Report("k8s-disallowed-namespace",
               "Software and Configuration "
               "Checks/Kubernetes/Policy:Kubernetes-DisallowedNamespace.AuditLog",
               SeverityLabel::kMedium,
               fmt::format("Namespace {} created outside the allowed list", view.name),
               fmt::format("{} created namespace {}.", view.user, view.name));
  }
  if (options_.activity) {
    CheckActivity(view, run);
  }
  return run.count();
}

}  // namespace rampart::detect
