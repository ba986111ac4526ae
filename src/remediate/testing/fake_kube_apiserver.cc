#include "remediate/testing/fake_kube_apiserver.h"

#include <httplib.h>

#include <chrono>

#include <fmt/format.h>

#include "remediate/kube_client.h"
#include "remediate/strategic_merge.h"

namespace rampart::remediate::testing {

namespace {

// A request path split into the resource it names.
struct Route {
  KubeKind kind;
  std::string namespace_name;  // empty for cluster-scoped kinds and all-namespace lists
  std::string name;            // empty for a collection
  std::string subresource;     // "scale" or empty
};

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) {
      end = path.size();
    }
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::optional<Route> ParseRoute(const std::string& path) {
  auto parts = Segments(path);
  std::string group_version;
  std::size_t at = 0;
  if (parts.size() >= 2 && parts[0] == "api" && parts[1] == "v1") {
    group_version = "v1";
    at = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    group_version = parts[1] + "/" + parts[2];
    at = 3;
  } else {
    return std::nullopt;
  }
  Route route;
  if (parts.size() > at + 1 && parts[at] == "namespaces") {
    route.namespace_name = parts[at + 1];
    at += 2;
  }
  if (parts.size() <= at) {
    return std::nullopt;
  }
  const auto kind = FindKubeKindByPlural(group_version, parts[at]);
  if (!kind || (!kind->namespaced && !route.namespace_name.empty())) {
    return std::nullopt;
  }
  route.kind = *kind;
  if (parts.size() > at + 1) {
    route.name = parts[at + 1];
  }
  if (parts.size() > at + 2) {
    route.subresource = parts[at + 2];
  }
  if (parts.size() > at + 3 || (!route.subresource.empty() && route.subresource != "scale") ||
      (kind->namespaced && !route.name.empty() && route.namespace_name.empty())) {
    return std::nullopt;
  }
  return route;
}

Json StatusBody(int code, const std::string& reason, const std::string& message) {
  return {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", Json::object()},
          {"status", "Failure"}, {"message", message}, {"reason", reason},
          {"code", code}};
}

void Reply(httplib::Response& response, int code, const Json& body) {
  response.status = code;
  response.set_content(body.dump(), "application/json");
}

void Fail(httplib::Response& response, int code, const std::string& reason,
          const std::string& message) {
  Reply(response, code, StatusBody(code, reason, message));
}

bool IsScalable(std::string_view kind) {
  return kind == "Deployment" || kind == "StatefulSet" || kind == "ReplicaSet";
}

// Checks what the real API server validates for the kinds the actions create. Returns an
// empty string when the object is valid.
std::string Invalid(const Json& object, std::string_view kind) {
  if (kind == "Job") {
    const Json* containers = nullptr;
    if (object.contains("spec") && object["spec"].contains("template") &&
        object["spec"]["template"].contains("spec")) {
      const Json& pod = object["spec"]["template"]["spec"];
      const auto it = pod.find("containers");
      containers = it != pod.end() ? &*it : nullptr;
      const std::string restart = StringOr(pod, "restartPolicy");
      if (restart != "Never" && restart != "OnFailure") {
        return "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", "
               "\"Never\"";
      }
    }
    if (containers == nullptr || !containers->is_array() || containers->empty()) {
      return "spec.template.spec.containers: Required value";
    }
    for (const Json& container : *containers) {
      if (StringOr(container, "name").empty() || StringOr(container, "image").empty()) {
        return "spec.template.spec.containers: name and image are required";
      }
    }
  }
  if (kind == "NetworkPolicy" &&
      (!object.contains("spec") || !object["spec"].contains("podSelector") ||
       !object["spec"]["podSelector"].is_object())) {
    return "spec.podSelector: Required value";
  }
  if ((kind == "RoleBinding" || kind == "ClusterRoleBinding") &&
      (!object.contains("roleRef") || StringOr(object["roleRef"], "name").empty() ||
       StringOr(object["roleRef"], "kind").empty())) {
    return "roleRef: Required value";
  }
  return "";
}

// One request with its parsed route, as the per-method handlers take it.
struct Call {
  const httplib::Request& request;
  httplib::Response& response;
  const Route& route;
  std::string key;  // the API path of the named object
  std::string kind;
  bool dry_run;
  std::string content_type;
};

// Serves a list, an object or its scale subresource.
void HandleGet(std::map<std::string, Json>& objects, long resource_version, const Call& call) {
  httplib::Response& response = call.response;
  const Route* route = &call.route;
  const std::string& kind = call.kind;
  const std::string& key = call.key;
  if (route->name.empty()) {
    Json items = Json::array();
    for (const auto& [path, object] : objects) {
      const Json& metadata = object["metadata"];
      if (StringOr(object, "kind") == kind &&
          (route->namespace_name.empty() ||
           StringOr(metadata, "namespace") == route->namespace_name)) {
        items.push_back(object);
      }
    }
    Reply(response, 200,
          {{"kind", kind + "List"},
           {"apiVersion", std::string(route->kind.group_version)},
           {"metadata", {{"resourceVersion", std::to_string(resource_version)}}},
           {"items", items}});
    return;
  }
  const auto it = objects.find(key);
  if (it == objects.end()) {
    Fail(response, 404, "NotFound",
         fmt::format("{}.{} \"{}\" not found", route->kind.plural, route->kind.group_version,
                     route->name));
    return;
  }
  if (route->subresource == "scale") {
    if (!IsScalable(kind)) {
      Fail(response, 404, "NotFound", "the server could not find the requested resource");
      return;
    }
    const Json& object = it->second;
    const Json replicas = object.contains("spec") ? object["spec"].value("replicas", 1) : 1;
    Reply(response, 200,
          {{"kind", "Scale"},
           {"apiVersion", "autoscaling/v1"},
           {"metadata",
            {{"name", route->name},
             {"namespace", route->namespace_name},
             {"resourceVersion", object["metadata"]["resourceVersion"]}}},
           {"spec", {{"replicas", replicas}}},
           {"status", {{"replicas", replicas}}}});
    return;
  }
  Reply(response, 200, it->second);
}

// Creates an object after the checks the API server makes.
void HandlePost(std::map<std::string, Json>& objects, long& resource_version, const Call& call) {
  const httplib::Request& request = call.request;
  httplib::Response& response = call.response;
  const Route* route = &call.route;
  const std::string& kind = call.kind;
  const bool dry_run = call.dry_run;
  const std::string& content_type = call.content_type;
  if (!route->name.empty()) {
    Fail(response, 405, "MethodNotAllowed", "POST is allowed only on a collection");
    return;
  }
  if (content_type != "application/json") {
    Fail(response, 415, "UnsupportedMediaType",
         fmt::format("the body of the request was in an unknown format - accepted media "
                     "types include: application/json; got '{}'",
                     content_type));
    return;
  }
  Json object = Json::parse(request.body, nullptr, false);
  if (object.is_discarded() || !object.is_object()) {
    Fail(response, 400, "BadRequest", "the request body is not a JSON object");
    return;
  }
  if (StringOr(object, "kind") != kind ||
      StringOr(object, "apiVersion") != route->kind.group_version) {
    Fail(response, 400, "BadRequest",
         fmt::format("the API version in the data ({}) or kind ({}) does not match the "
                     "expected {} {}",
                     StringOr(object, "apiVersion"), StringOr(object, "kind"),
                     route->kind.group_version, kind));
    return;
  }
  if (route->kind.namespaced && route->namespace_name.empty()) {
    Fail(response, 404, "NotFound", "a namespaced collection needs a namespace in the path");
    return;
  }
  Json& metadata = object["metadata"];
  const std::string given_namespace = StringOr(metadata, "namespace");
  if (!given_namespace.empty() && given_namespace != route->namespace_name) {
    Fail(response, 400, "BadRequest",
         "the namespace of the provided object does not match the namespace sent on the "
         "request");
    return;
  }
  std::string name = StringOr(metadata, "name");
  if (name.empty() && !StringOr(metadata, "generateName").empty()) {
    name = StringOr(metadata, "generateName") + std::to_string(resource_version + 1);
  }
  if (name.empty()) {
    Fail(response, 422, "Invalid",
         "metadata.name: Required value: name or generateName is "
         "required");
    return;
  }
  if (!ValidKubeName(name)) {
    Fail(response, 422, "Invalid",
         fmt::format("metadata.name: Invalid value: \"{}\": a lowercase RFC 1123 subdomain "
                     "must consist of lower case alphanumeric characters, '-' or '.'",
                     name));
    return;
  }
  const std::string problem = Invalid(object, kind);
  if (!problem.empty()) {
    Fail(response, 422, "Invalid", fmt::format("{} \"{}\" is invalid: {}", kind, name, problem));
    return;
  }
  const std::string object_key = KubePath(route->kind, route->namespace_name, name);
  if (objects.count(object_key) != 0) {
    Fail(response, 409, "AlreadyExists",
         fmt::format("{}.{} \"{}\" already exists", route->kind.plural, route->kind.group_version,
                     name));
    return;
  }
  metadata["name"] = name;
  if (route->kind.namespaced) {
    metadata["namespace"] = route->namespace_name;
  }
  metadata["uid"] = fmt::format("00000000-0000-4000-8000-{:012}", resource_version + 1);
  metadata["resourceVersion"] = std::to_string(++resource_version);
  metadata["creationTimestamp"] = "2026-01-01T00:00:00Z";
  if (!dry_run) {
    objects[object_key] = object;
  }
  Reply(response, 201, object);
}

// Deletes an existing object, checking the delete options.
void HandleDelete(std::map<std::string, Json>& objects, const Call& call) {
  const auto it = objects.find(call.key);  // the caller checked that it exists
  const Json& stored = it->second;
  const httplib::Request& request = call.request;
  httplib::Response& response = call.response;
  const Route* route = &call.route;
  const std::string& kind = call.kind;
  const bool dry_run = call.dry_run;
  if (request.has_param("gracePeriodSeconds")) {
    const std::string grace = request.get_param_value("gracePeriodSeconds");
    if (grace.empty() || grace.find_first_not_of("0123456789") != std::string::npos) {
      Fail(response, 400, "BadRequest", "gracePeriodSeconds must be a non-negative integer");
      return;
    }
  }
  if (request.has_param("propagationPolicy")) {
    const std::string policy = request.get_param_value("propagationPolicy");
    if (policy != "Orphan" && policy != "Background" && policy != "Foreground") {
      Fail(response, 400, "BadRequest", "propagationPolicy: Unsupported value");
      return;
    }
  }
  Json deleted = stored;
  if (!dry_run) {
    objects.erase(it);
  }
  if (kind == "Pod") {
    Reply(response, 200, deleted);
  } else {
    Reply(response, 200,
          {{"kind", "Status"},
           {"apiVersion", "v1"},
           {"status", "Success"},
           {"details", {{"name", route->name}, {"kind", route->kind.plural}}}});
  }
}

// Replaces an existing object, with optimistic concurrency on resourceVersion.
void HandlePut(Json& stored, long& resource_version, const Call& call) {
  const httplib::Request& request = call.request;
  httplib::Response& response = call.response;
  const Route* route = &call.route;
  const std::string& kind = call.kind;
  const bool dry_run = call.dry_run;
  const std::string& content_type = call.content_type;
  if (content_type != "application/json") {
    Fail(response, 415, "UnsupportedMediaType", "PUT takes application/json");
    return;
  }
  Json object = Json::parse(request.body, nullptr, false);
  if (object.is_discarded() || !object.is_object() || StringOr(object, "kind") != kind) {
    Fail(response, 400, "BadRequest", "the body is not a " + kind);
    return;
  }
  if (StringOr(object["metadata"], "name") != route->name) {
    Fail(response, 400, "BadRequest", "the name of the object does not match the name on the URL");
    return;
  }
  const std::string version = StringOr(object["metadata"], "resourceVersion");
  if (!version.empty() && version != StringOr(stored["metadata"], "resourceVersion")) {
    Fail(response, 409, "Conflict",
         "Operation cannot be fulfilled: the object has been modified; please apply your "
         "changes to the latest version and try again");
    return;
  }
  const std::string problem = Invalid(object, kind);
  if (!problem.empty()) {
    Fail(response, 422, "Invalid", problem);
    return;
  }
  object["metadata"]["uid"] = stored["metadata"]["uid"];
  object["metadata"]["namespace"] = stored["metadata"].value("namespace", Json());
  if (object["metadata"]["namespace"].is_null()) {
    object["metadata"].erase("namespace");
  }
  object["metadata"]["resourceVersion"] = std::to_string(++resource_version);
  if (!dry_run) {
    stored = object;
  }
  Reply(response, 200, object);
}

// Applies a merge, strategic merge or JSON patch, or a scale change.
void HandlePatch(Json& stored, long& resource_version, const Call& call) {
  const httplib::Request& request = call.request;
  httplib::Response& response = call.response;
  const Route* route = &call.route;
  const std::string& kind = call.kind;
  const bool dry_run = call.dry_run;
  const std::string& content_type = call.content_type;
  const Json patch = Json::parse(request.body, nullptr, false);
  if (content_type != "application/merge-patch+json" &&
      content_type != "application/strategic-merge-patch+json" &&
      content_type != "application/json-patch+json" &&
      content_type != "application/apply-patch+yaml") {
    Fail(response, 415, "UnsupportedMediaType",
         fmt::format("the body of the request was in an unknown format - accepted media "
                     "types include: application/json-patch+json, "
                     "application/merge-patch+json, application/strategic-merge-patch+json; "
                     "got '{}'",
                     content_type));
    return;
  }
  const bool json_patch = content_type == "application/json-patch+json";
  if (patch.is_discarded() || (json_patch ? !patch.is_array() : !patch.is_object())) {
    Fail(response, 400, "BadRequest", "the patch body is malformed");
    return;
  }
  Json target = stored;
  if (route->subresource == "scale") {
    if (!IsScalable(kind) || json_patch) {
      Fail(response, 404, "NotFound", "the server could not find the requested resource");
      return;
    }
    const Json* replicas = LookupPath(patch, "spec.replicas");
    if (replicas == nullptr || !replicas->is_number_integer() || replicas->get<int>() < 0) {
      Fail(response, 422, "Invalid", "spec.replicas: must be a non-negative integer");
      return;
    }
    target["spec"]["replicas"] = *replicas;
  } else if (json_patch) {
    try {
      target = target.patch(patch);
    } catch (const Json::exception& error) {
      Fail(response, 422, "Invalid", std::string("the JSON patch does not apply: ") + error.what());
      return;
    }
  } else if (content_type == "application/merge-patch+json") {
    target.merge_patch(patch);
  } else {
    target = StrategicMerge(target, patch);
  }
  if (StringOr(target["metadata"], "name") != route->name || StringOr(target, "kind") != kind) {
    Fail(response, 422, "Invalid", "a patch may not change the name or kind");
    return;
  }
  const std::string problem = Invalid(target, kind);
  if (!problem.empty()) {
    Fail(response, 422, "Invalid", problem);
    return;
  }
  target["metadata"]["resourceVersion"] = std::to_string(++resource_version);
  if (!dry_run) {
    stored = target;
  }
  if (route->subresource == "scale") {
    Reply(response, 200,
          {{"kind", "Scale"},
           {"apiVersion", "autoscaling/v1"},
           {"metadata", {{"name", route->name}, {"namespace", route->namespace_name}}},
           {"spec", {{"replicas", target["spec"]["replicas"]}}}});
  } else {
    Reply(response, 200, target);
  }
}

}  // namespace

FakeKubeApiServer::FakeKubeApiServer(FakeKubeOptions options) : options_(std::move(options)) {}

FakeKubeApiServer::~FakeKubeApiServer() { Stop(); }

std::string FakeKubeApiServer::url() const {
  const bool tls = !options_.tls_cert_file.empty();
  return fmt::format("{}://127.0.0.1:{}", tls ? "https" : "http", port_);
}

Status FakeKubeApiServer::Start(int port) {
  if (!options_.tls_cert_file.empty()) {
    server_ = std::make_unique<httplib::SSLServer>(
        options_.tls_cert_file.c_str(), options_.tls_key_file.c_str(),
        options_.client_ca_file.empty() ? nullptr : options_.client_ca_file.c_str());
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  if (!server_->is_valid()) {
    return InvalidArgument("fake API server: the TLS certificate or key cannot be loaded");
  }
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    Handle(request, response);
  };
  server_->Get(".*", handler);
  server_->Post(".*", handler);
  server_->Put(".*", handler);
  server_->Patch(".*", handler);
  server_->Delete(".*", handler);
  port_ = port == 0 ? server_->bind_to_any_port("127.0.0.1")
                    : (server_->bind_to_port("127.0.0.1", port) ? port : -1);
  if (port_ <= 0) {
    return Unavailable(fmt::format("fake API server: cannot listen on 127.0.0.1:{}", port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int i = 0; i < 500 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return Status::Ok();
}

void FakeKubeApiServer::Stop() {
  if (server_) {
    server_->stop();
  }
  if (thread_.joinable()) {
    thread_.join();
  }
}

Status FakeKubeApiServer::Seed(Json object) {
  const auto kind = FindKubeKind(StringOr(object, "kind"));
  const Json metadata = object.value("metadata", Json::object());
  const std::string name = StringOr(metadata, "name");
  std::string namespace_name = StringOr(metadata, "namespace");
  if (!kind || !ValidKubeName(name)) {
    return InvalidArgument("seed object has an unknown kind or an invalid name");
  }
  if (kind->namespaced && namespace_name.empty()) {
    namespace_name = "default";
    object["metadata"]["namespace"] = namespace_name;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  object["metadata"]["resourceVersion"] = std::to_string(++resource_version_);
  object["metadata"]["uid"] = fmt::format("00000000-0000-4000-8000-{:012}", resource_version_);
  objects_[KubePath(*kind, namespace_name, name)] = std::move(object);
  return Status::Ok();
}

Json FakeKubeApiServer::Get(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = objects_.find(path);
  return it == objects_.end() ? Json() : it->second;
}

std::vector<RecordedRequest> FakeKubeApiServer::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void FakeKubeApiServer::Handle(const httplib::Request& request, httplib::Response& response) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string query;
  for (const auto& [name, value] : request.params) {
    query += (query.empty() ? "" : "&") + name + "=" + value;
  }
  const std::string content_type = request.get_header_value("Content-Type");
  requests_.push_back({request.method, request.path, query, content_type, request.body});

  if (!options_.token.empty() &&
      request.get_header_value("Authorization") != "Bearer " + options_.token) {
    Fail(response, 401, "Unauthorized", "Unauthorized");
    return;
  }
  const auto route = ParseRoute(request.path);
  if (!route) {
    Fail(response, 404, "NotFound", "the server could not find the requested resource");
    return;
  }
  const std::string key = KubePath(route->kind, route->namespace_name, route->name);
  const std::string kind(route->kind.kind);
  const bool dry_run = request.has_param("dryRun");
  if (dry_run && request.get_param_value("dryRun") != "All") {
    Fail(response, 400, "BadRequest", "dryRun: Unsupported value; supported values: \"All\"");
    return;
  }

  const Call call{request, response, *route, key, kind, dry_run, content_type};
  if (request.method == "GET") {
    HandleGet(objects_, resource_version_, call);
    return;
  }
  if (request.method == "POST") {
    HandlePost(objects_, resource_version_, call);
    return;
  }
  if (route->name.empty()) {
    Fail(response, 405, "MethodNotAllowed", request.method + " needs an object name in the path");
    return;
  }
  const auto it = objects_.find(key);
  if (it == objects_.end()) {
    Fail(response, 404, "NotFound",
         fmt::format("{}.{} \"{}\" not found", route->kind.plural, route->kind.group_version,
                     route->name));
    return;
  }
  if (request.method == "DELETE") {
    HandleDelete(objects_, call);
  } else if (request.method == "PUT") {
    HandlePut(it->second, resource_version_, call);
  } else if (request.method == "PATCH") {
    HandlePatch(it->second, resource_version_, call);
  } else {
    Fail(response, 405, "MethodNotAllowed", request.method + " is not supported");
  }
}

}  // namespace rampart::remediate::testing
