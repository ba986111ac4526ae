#include "remediate/kube_actions.h"

#include <fmt/format.h>

#include "core/hash.h"
#include "remediate/git_workspace.h"
#include "remediate/image_ref.h"
#include "remediate/job_template.h"
#include "remediate/kube_common.h"
#include "remediate/manifest_images.h"
#include "remediate/strategic_merge.h"

namespace rampart::remediate {

namespace {

constexpr const char* kManagedBy = "app.kubernetes.io/managed-by";
constexpr const char* kKeyAnnotation = "rampart.io/idempotency-key";

// Removes the fields the API server sets, so a before/after comparison shows only the change.
Json WithoutServerFields(Json object) {
  if (object.contains("metadata") && object["metadata"].is_object()) {
    for (const char* field : {"resourceVersion", "generation", "managedFields", "uid",
                              "creationTimestamp", "selfLink"}) {
      object["metadata"].erase(field);
    }
  }
  object.erase("status");
  return object;
}

Result<std::string> JsonDiff(const std::string& label, const Json& before, const Json& after) {
  return UnifiedDiff(label, before.dump(2) + "\n", after.dump(2) + "\n");
}

// Returns the pod spec of a workload object (Pod, a template-based workload, or CronJob).
Json* PodSpecOf(Json& object, std::string_view kind) {
  const char* path = kind == "Pod"       ? "spec"
                     : kind == "CronJob" ? "spec.jobTemplate.spec.template.spec"
                                         : "spec.template.spec";
  return const_cast<Json*>(LookupPath(object, path));
}

// Wraps a pod spec fragment at the place `kind` keeps its pod spec.
Json AtPodSpec(std::string_view kind, Json pod_spec) {
  if (kind == "Pod") {
    return {{"spec", std::move(pod_spec)}};
  }
  if (kind == "CronJob") {
    return {{"spec", {{"jobTemplate", {{"spec", {{"template", {{"spec", pod_spec}}}}}}}}}};
  }
  return {{"spec", {{"template", {{"spec", std::move(pod_spec)}}}}}};
}

class KubeJobAction final : public Action {
 public:
  std::string_view Name() const override { return "kubernetes.job"; }

  Status Validate(const Json& params) const override {
    RAMPART_RETURN_IF_ERROR(Params(params, Name()).CheckKeys({REMEDIATE_KUBE_KEYS, "template"}));
    REMEDIATE_ASSIGN_OR_RETURN(const std::string text,
                               Params(params, Name()).RequiredString("template"));
    REMEDIATE_ASSIGN_OR_RETURN(const Json job, YamlToJson(text, "kubernetes.job template"));
    if (StringOr(job, "kind") != "Job" || StringOr(job, "apiVersion") != "batch/v1") {
      return InvalidArgument("kubernetes.job: the template must be a Job with apiVersion batch/v1");
    }
    return Status::Ok();
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    RAMPART_RETURN_IF_ERROR(Validate(request.params));
    REMEDIATE_ASSIGN_OR_RETURN(const Json params,
                               FillParams(request.params, request, {"template"}));
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(params, context));
    REMEDIATE_ASSIGN_OR_RETURN(
        const std::string namespace_name,
        TargetNamespace(params, request.finding, client.connection(), context, Name()));
    REMEDIATE_ASSIGN_OR_RETURN(
        Json job, FillTemplate(StringOr(params, "template"), request.finding, request.event));
    RAMPART_RETURN_IF_ERROR(PrepareJob(job, namespace_name, request.idempotency_key));
    const std::string name = job["metadata"]["name"];

    ActionResult result;
    result.diff = job.dump(2) + "\n";
    if (request.dry_run) {
      result.summary = fmt::format("would create Job {}/{}", namespace_name, name);
      return result;
    }
    const KubeKind kind = *FindKubeKind("Job");
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse response,
                               client.Send("POST", KubePath(kind, namespace_name), job));
    if (response.status == 409) {
      result.summary = fmt::format("Job {}/{} already exists", namespace_name, name);
      return result;
    }
    if (response.status != 201 && response.status != 200) {
      return KubeError(response, fmt::format("creating Job {}/{}", namespace_name, name));
    }
    result.changed = true;
    result.summary = fmt::format("created Job {}/{}", namespace_name, name);
    result.rollback = {{"kind", "Job"},
                       {"namespace", namespace_name},
                       {"name", name},
                       {"kubeconfig", StringOr(params, "kubeconfig")},
                       {"context", StringOr(params, "context")}};
    return result;
  }

  Status Rollback(const ActionResult& result, const ActionContext& context) override {
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(result.rollback, context));
    const std::string namespace_name = StringOr(result.rollback, "namespace");
    const std::string name = StringOr(result.rollback, "name");
    if (!ValidKubeName(namespace_name) || !ValidKubeName(name) ||
        !AllowListed(context.allow.namespaces, namespace_name)) {
      return InvalidArgument("kubernetes.job rollback: invalid or denied Job name");
    }
    const std::string path =
        KubePath(*FindKubeKind("Job"), namespace_name, name) + "?propagationPolicy=Background";
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse response, client.Send("DELETE", path));
    if (response.status == 200 || response.status == 202 || response.status == 404) {
      return Status::Ok();
    }
    return KubeError(response, "deleting Job " + name);
  }

 private:
  static Status PrepareJob(Json& job, const std::string& namespace_name,
                           const std::string& idempotency_key) {
    if (!job.contains("metadata") || !job["metadata"].is_object()) {
      job["metadata"] = Json::object();
    }
    Json& metadata = job["metadata"];
    const std::string given = StringOr(metadata, "namespace");
    if (!given.empty() && given != namespace_name) {
      return InvalidArgument(fmt::format(
          "kubernetes.job: the template's namespace '{}' differs from the target namespace "
          "'{}'; remove it from the template",
          given, namespace_name));
    }
    metadata["namespace"] = namespace_name;
    std::string name = StringOr(metadata, "name");
    if (name.empty()) {
      name = "rampart-job-" + StableId({idempotency_key}, 12);
    }
    if (!ValidKubeName(name) || name.size() > 63) {
      return InvalidArgument(fmt::format(
          "kubernetes.job: Job name '{}' is not a valid name of at most 63 characters", name));
    }
    metadata["name"] = name;
    metadata.erase("generateName");
    metadata["labels"][kManagedBy] = "rampart";
    metadata["annotations"][kKeyAnnotation] = idempotency_key;
    return Status::Ok();
  }
};

class KubePatchAction final : public Action {
 public:
  std::string_view Name() const override { return "kubernetes.patch"; }

  Status Validate(const Json& params) const override {
    Params reader(params, Name());
    RAMPART_RETURN_IF_ERROR(
        reader.CheckKeys({REMEDIATE_KUBE_KEYS, "kind", "name", "patch", "patch_type"}));
    const std::string type = StringOr(params, "patch_type", "strategic");
    if (type != "strategic" && type != "merge" && type != "json") {
      return InvalidArgument(fmt::format(
          "kubernetes.patch: patch_type '{}' is unknown; use strategic, merge or json", type));
    }
    const Json* patch = LookupPath(params, "patch");
    if (patch == nullptr || (type == "json" ? !patch->is_array() : !patch->is_object())) {
      return InvalidArgument(
          fmt::format("kubernetes.patch: parameter 'patch' must be {}",
                      type == "json" ? "a list of JSON patch operations" : "an object"));
    }
    return TargetKind(params, "Deployment", kPatchKinds, Name()).has_value()
               ? Status::Ok()
               : TargetKind(params, "Deployment", kPatchKinds, Name()).status();
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    RAMPART_RETURN_IF_ERROR(Validate(request.params));
    REMEDIATE_ASSIGN_OR_RETURN(const Json params, FillParams(request.params, request));
    REMEDIATE_ASSIGN_OR_RETURN(const KubeKind kind,
                               TargetKind(params, "Deployment", kPatchKinds, Name()));
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(params, context));
    REMEDIATE_ASSIGN_OR_RETURN(
        const std::string namespace_name,
        TargetNamespace(params, request.finding, client.connection(), context, Name()));
    REMEDIATE_ASSIGN_OR_RETURN(const std::string name,
                               TargetName(params, "name", request.finding, "name", Name()));
    const std::string path = KubePath(kind, namespace_name, name);
    const std::string label = fmt::format("{}/{}/{}", kind.kind, namespace_name, name);
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse current, client.Send("GET", path));
    if (current.status != 200) {
      return KubeError(current, "reading " + label);
    }

    const std::string type = StringOr(params, "patch_type", "strategic");
    const Json& patch = params["patch"];
    REMEDIATE_ASSIGN_OR_RETURN(const Json preview, Preview(current.body, patch, type));
    ActionResult result;
    const Json before = WithoutServerFields(current.body);
    const Json after = WithoutServerFields(preview);
    REMEDIATE_ASSIGN_OR_RETURN(result.diff, JsonDiff(label, before, after));
    if (before == after) {
      result.summary = label + " already matches the patch";
      return result;
    }
    if (request.dry_run) {
      result.summary = "would patch " + label;
      return result;
    }
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse patched,
                               client.Send("PATCH", path, patch, ContentType(type)));
    if (patched.status != 200) {
      return KubeError(patched, "patching " + label);
    }
    result.changed = true;
    result.summary = "patched " + label;
    result.rollback = {{"kind", kind.kind},
                       {"namespace", namespace_name},
                       {"name", name},
                       {"kubeconfig", StringOr(params, "kubeconfig")},
                       {"context", StringOr(params, "context")},
                       {"inverse", Json::diff(WithoutServerFields(patched.body), before)}};
    return result;
  }

  Status Rollback(const ActionResult& result, const ActionContext& context) override {
    const Json& record = result.rollback;
    REMEDIATE_ASSIGN_OR_RETURN(const KubeKind kind,
                               TargetKind(record, "", kPatchKinds, "kubernetes.patch rollback"));
    const std::string namespace_name = StringOr(record, "namespace");
    const std::string name = StringOr(record, "name");
    if (!ValidKubeName(namespace_name) || !ValidKubeName(name) ||
        !AllowListed(context.allow.namespaces, namespace_name) || !record.contains("inverse")) {
      return InvalidArgument("kubernetes.patch rollback: invalid or denied target");
    }
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(record, context));
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse response,
                               client.Send("PATCH", KubePath(kind, namespace_name, name),
                                           record["inverse"], "application/json-patch+json"));
    return response.status == 200 ? Status::Ok() : KubeError(response, "undoing patch of " + name);
  }

 private:
  static inline const std::vector<std::string_view> kPatchKinds = {
      "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod",
      "Job",        "CronJob",     "Service",   "ConfigMap",  "ServiceAccount"};

  static std::string ContentType(const std::string& type) {
    if (type == "merge") {
      return "application/merge-patch+json";
    }
    return type == "json" ? "application/json-patch+json"
                          : "application/strategic-merge-patch+json";
  }

  static Result<Json> Preview(const Json& object, const Json& patch, const std::string& type) {
    if (type == "strategic") {
      return StrategicMerge(object, patch);
    }
    if (type == "merge") {
      Json merged = object;
      merged.merge_patch(patch);
      return merged;
    }
    try {
      return object.patch(patch);
    } catch (const Json::exception& error) {
      return InvalidArgument(std::string("kubernetes.patch: JSON patch does not apply: ") +
                             error.what());
    }
  }
};

class KubeSetImageAction final : public Action {
 public:
  std::string_view Name() const override { return "kubernetes.set-image"; }

  Status Validate(const Json& params) const override {
    Params reader(params, Name());
    RAMPART_RETURN_IF_ERROR(
        reader.CheckKeys({REMEDIATE_KUBE_KEYS, "kind", "name", "container", "image"}));
    auto image = reader.RequiredString("image");
    if (!image) {
      return image.status();
    }
    auto kind = TargetKind(params, "Deployment", kKinds, Name());
    return kind.has_value() ? Status::Ok() : kind.status();
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    RAMPART_RETURN_IF_ERROR(Validate(request.params));
    REMEDIATE_ASSIGN_OR_RETURN(const Json params, FillParams(request.params, request));
    REMEDIATE_ASSIGN_OR_RETURN(const KubeKind kind,
                               TargetKind(params, "Deployment", kKinds, Name()));
    const std::string image = StringOr(params, "image");
    if (!ParseImageRef(image)) {
      return ParseImageRef(image).status().WithContext(std::string(Name()));
    }
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(params, context));
    REMEDIATE_ASSIGN_OR_RETURN(
        const std::string namespace_name,
        TargetNamespace(params, request.finding, client.connection(), context, Name()));
    REMEDIATE_ASSIGN_OR_RETURN(const std::string name,
                               TargetName(params, "name", request.finding, "name", Name()));
    const std::string path = KubePath(kind, namespace_name, name);
    const std::string label = fmt::format("{}/{}/{}", kind.kind, namespace_name, name);
    REMEDIATE_ASSIGN_OR_RETURN(KubeResponse current, client.Send("GET", path));
    if (current.status != 200) {
      return KubeError(current, "reading " + label);
    }
    REMEDIATE_ASSIGN_OR_RETURN(const Json old_images,
                               ChooseContainers(current.body, kind.kind, params, request.finding));

    Json containers = Json::array();
    ActionResult result;
    for (const Json& entry : old_images) {
      if (entry["image"] != image) {
        containers.push_back({{"name", entry["name"]}, {"image", image}});
        result.diff +=
            fmt::format("{} container {}: {} -> {}\n", label, entry["name"].get<std::string>(),
                        entry["image"].get<std::string>(), image);
      }
    }
    if (containers.empty()) {
      result.summary = fmt::format("{} already runs {}", label, image);
      return result;
    }
    if (request.dry_run) {
      result.summary = "would set the image of " + label;
      return result;
    }
    RAMPART_RETURN_IF_ERROR(SetImages(client, path, kind.kind, containers, label));
    result.changed = true;
    result.summary =
        fmt::format("set {} container(s) of {} to {}", containers.size(), label, image);
    result.rollback = {{"kind", kind.kind},
                       {"namespace", namespace_name},
                       {"name", name},
                       {"containers", old_images},
                       {"kubeconfig", StringOr(params, "kubeconfig")},
                       {"context", StringOr(params, "context")}};
    return result;
  }

  Status Rollback(const ActionResult& result, const ActionContext& context) override {
    const Json& record = result.rollback;
    REMEDIATE_ASSIGN_OR_RETURN(const KubeKind kind, TargetKind(record, "", kKinds, Name()));
    const std::string namespace_name = StringOr(record, "namespace");
    const std::string name = StringOr(record, "name");
    if (!ValidKubeName(namespace_name) || !ValidKubeName(name) ||
        !AllowListed(context.allow.namespaces, namespace_name) ||
        !record.value("containers", Json()).is_array()) {
      return InvalidArgument("kubernetes.set-image rollback: invalid or denied target");
    }
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(record, context));
    return SetImages(client, KubePath(kind, namespace_name, name), kind.kind, record["containers"],
                     name);
  }

 private:
  static inline const std::vector<std::string_view> kKinds = {
      "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "CronJob"};

  static Status SetImages(const KubeClient& client, const std::string& path, std::string_view kind,
                          const Json& containers, const std::string& label) {
    const Json patch = AtPodSpec(kind, {{"containers", containers}});
    REMEDIATE_ASSIGN_OR_RETURN(
        const KubeResponse response,
        client.Send("PATCH", path, patch, "application/strategic-merge-patch+json"));
    return response.status == 200 ? Status::Ok()
                                  : KubeError(response, "setting the image of " + label);
  }

  // Returns [{name, image}] of the containers to change.
  static Result<Json> ChooseContainers(Json object, std::string_view kind, const Json& params,
                                       const Json& finding) {
    const Json* pod_spec = PodSpecOf(object, kind);
    const Json* list = pod_spec != nullptr ? LookupPath(*pod_spec, "containers") : nullptr;
    if (list == nullptr || !list->is_array() || list->empty()) {
      return InvalidArgument("kubernetes.set-image: the workload has no containers");
    }
    const std::string wanted = StringOr(params, "container");
    const auto finding_image = ImageFromFinding(finding);
    Json chosen = Json::array();
    for (const Json& container : *list) {
      const std::string name = StringOr(container, "name");
      const std::string image = StringOr(container, "image");
      const auto ref = ParseImageRef(image);
      const bool by_name = !wanted.empty() && name == wanted;
      const bool by_image =
          wanted.empty() && finding_image && ref && ref->Canonical() == finding_image->Canonical();
      if (by_name || by_image || (wanted.empty() && !finding_image && list->size() == 1)) {
        chosen.push_back({{"name", name}, {"image", image}});
      }
    }
    if (chosen.empty()) {
      return NotFound(
          fmt::format("kubernetes.set-image: no container {}; set 'container' in the rule",
                      wanted.empty() ? "runs the finding's image" : "is named '" + wanted + "'"));
    }
    return chosen;
  }
};

class KubeScaleAction final : public Action {
 public:
  std::string_view Name() const override { return "kubernetes.scale"; }

  Status Validate(const Json& params) const override {
    Params reader(params, Name());
    RAMPART_RETURN_IF_ERROR(reader.CheckKeys({REMEDIATE_KUBE_KEYS, "kind", "name", "replicas"}));
    auto replicas = reader.OptionalInteger("replicas", 0, 10000);
    if (!replicas) {
      return replicas.status();
    }
    auto kind = TargetKind(params, "Deployment", kKinds, Name());
    return kind.has_value() ? Status::Ok() : kind.status();
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    RAMPART_RETURN_IF_ERROR(Validate(request.params));
    REMEDIATE_ASSIGN_OR_RETURN(const Json params, FillParams(request.params, request));
    REMEDIATE_ASSIGN_OR_RETURN(const KubeKind kind,
                               TargetKind(params, "Deployment", kKinds, Name()));
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(params, context));
    REMEDIATE_ASSIGN_OR_RETURN(
        const std::string namespace_name,
        TargetNamespace(params, request.finding, client.connection(), context, Name()));
    REMEDIATE_ASSIGN_OR_RETURN(const std::string name,
                               TargetName(params, "name", request.finding, "name", Name()));
    const std::int64_t replicas = params.value("replicas", 0);
    const std::string label = fmt::format("{}/{}/{}", kind.kind, namespace_name, name);
    const std::string path = KubePath(kind, namespace_name, name) + "/scale";
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse current, client.Send("GET", path));
    if (current.status != 200) {
      return KubeError(current, "reading the scale of " + label);
    }
    const Json* old_value = LookupPath(current.body, "spec.replicas");
    const std::int64_t old_replicas =
        old_value != nullptr && old_value->is_number_integer() ? old_value->get<std::int64_t>() : 0;

    ActionResult result;
    result.diff = fmt::format("{} replicas: {} -> {}\n", label, old_replicas, replicas);
    if (old_replicas == replicas) {
      result.diff.clear();
      result.summary = fmt::format("{} already has {} replicas", label, replicas);
      return result;
    }
    if (request.dry_run) {
      result.summary = "would scale " + label;
      return result;
    }
    RAMPART_RETURN_IF_ERROR(SetReplicas(client, path, replicas, label));
    result.changed = true;
    result.summary = fmt::format("scaled {} from {} to {} replicas", label, old_replicas, replicas);
    result.rollback = {{"kind", kind.kind},
                       {"namespace", namespace_name},
                       {"name", name},
                       {"replicas", old_replicas},
                       {"kubeconfig", StringOr(params, "kubeconfig")},
                       {"context", StringOr(params, "context")}};
    return result;
  }

  Status Rollback(const ActionResult& result, const ActionContext& context) override {
    const Json& record = result.rollback;
    REMEDIATE_ASSIGN_OR_RETURN(const KubeKind kind, TargetKind(record, "", kKinds, Name()));
    const std::string namespace_name = StringOr(record, "namespace");
    const std::string name = StringOr(record, "name");
    if (!ValidKubeName(namespace_name) || !ValidKubeName(name) ||
        !AllowListed(context.allow.namespaces, namespace_name)) {
      return InvalidArgument("kubernetes.scale rollback: invalid or denied target");
    }
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(record, context));
    return SetReplicas(client, KubePath(kind, namespace_name, name) + "/scale",
                       record.value("replicas", 0), name);
  }

 private:
  static inline const std::vector<std::string_view> kKinds = {"Deployment", "StatefulSet",
                                                              "ReplicaSet"};

  static Status SetReplicas(const KubeClient& client, const std::string& path,
                            std::int64_t replicas, const std::string& label) {
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse response,
                               client.Send("PATCH", path, {{"spec", {{"replicas", replicas}}}},
                                           "application/merge-patch+json"));
    return response.status == 200 ? Status::Ok() : KubeError(response, "scaling " + label);
  }
};

class KubeDeletePodAction final : public Action {
 public:
  std::string_view Name() const override { return "kubernetes.delete-pod"; }

  Status Validate(const Json& params) const override {
    Params reader(params, Name());
    RAMPART_RETURN_IF_ERROR(
        reader.CheckKeys({REMEDIATE_KUBE_KEYS, "name", "grace_period_seconds"}));
    auto grace = reader.OptionalInteger("grace_period_seconds", 0, 86400);
    return grace.has_value() ? Status::Ok() : grace.status();
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    RAMPART_RETURN_IF_ERROR(Validate(request.params));
    REMEDIATE_ASSIGN_OR_RETURN(const Json params, FillParams(request.params, request));
    REMEDIATE_ASSIGN_OR_RETURN(const KubeClient client, ConnectKube(params, context));
    REMEDIATE_ASSIGN_OR_RETURN(
        const std::string namespace_name,
        TargetNamespace(params, request.finding, client.connection(), context, Name()));
    REMEDIATE_ASSIGN_OR_RETURN(const std::string name,
                               TargetName(params, "name", request.finding, "pod", Name()));
    std::string path = KubePath(*FindKubeKind("Pod"), namespace_name, name);
    if (params.contains("grace_period_seconds")) {
      path += fmt::format("?gracePeriodSeconds={}", params.value("grace_period_seconds", 0));
    }
    ActionResult result;
    result.diff = fmt::format("delete Pod {}/{}\n", namespace_name, name);
    if (request.dry_run) {
      result.summary = fmt::format("would delete Pod {}/{}", namespace_name, name);
      return result;
    }
    REMEDIATE_ASSIGN_OR_RETURN(const KubeResponse response, client.Send("DELETE", path));
    if (response.status == 404) {
      result.diff.clear();
      result.summary = fmt::format("Pod {}/{} no longer exists", namespace_name, name);
      return result;
    }
    if (response.status != 200 && response.status != 202) {
      return KubeError(response, "deleting Pod " + name);
    }
    result.changed = true;
    result.summary = fmt::format("deleted Pod {}/{}", namespace_name, name);
    return result;
  }
};

}  // namespace

std::unique_ptr<Action> MakeKubeJobAction() { return std::make_unique<KubeJobAction>(); }
std::unique_ptr<Action> MakeKubePatchAction() { return std::make_unique<KubePatchAction>(); }
std::unique_ptr<Action> MakeKubeSetImageAction() { return std::make_unique<KubeSetImageAction>(); }
std::unique_ptr<Action> MakeKubeScaleAction() { return std::make_unique<KubeScaleAction>(); }
std::unique_ptr<Action> MakeKubeDeletePodAction() {
  return std::make_unique<KubeDeletePodAction>();
}

}  // namespace rampart::remediate
