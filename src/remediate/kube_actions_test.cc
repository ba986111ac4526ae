#include "remediate/kube_actions.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "remediate/http_client.h"
#include "remediate/testing/fake_kube_apiserver.h"
#include "remediate/testing/test_util.h"

namespace rampart::remediate {
namespace {

using testing::FakeKubeApiServer;

constexpr const char* kToken = "test-token-123";

class KubeActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    kubeconfig_ = dir_.path() + "/kubeconfig";
    testing::WriteText(kubeconfig_, fmt::format(R"(apiVersion: v1
kind: Config
current-context: test
clusters: [{{name: fake, cluster: {{server: "{}"}}}}]
contexts: [{{name: test, context: {{cluster: fake, user: bot, namespace: payments}}}}]
users: [{{name: bot, user: {{token: {}}}}}]
)",
                                                server_.url(), kToken));
    context_.allow.namespaces = {"payments"};
    context_.timeout = std::chrono::milliseconds(5000);
  }

  ActionRequest Request(Json params, Json finding = Json::object(), bool dry_run = false) {
    params["kubeconfig"] = kubeconfig_;
    ActionRequest request;
    request.params = std::move(params);
    request.finding = std::move(finding);
    request.dry_run = dry_run;
    request.idempotency_key = "rule-a/0/finding-1";
    return request;
  }

  void SeedDeployment(int replicas) {
    Json deployment = Json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "payments"},
        "spec": {"template": {"spec": {"containers": [
          {"name": "app", "image": "ghcr.io/acme/api:1.4.0"},
          {"name": "cache", "image": "redis:6.0.5"}]}}}})");
    deployment["spec"]["replicas"] = replicas;
    ASSERT_TRUE(server_.Seed(deployment).ok());
  }

  testing::TempDir dir_;
  FakeKubeApiServer server_{testing::FakeKubeOptions{kToken, "", "", ""}};
  std::string kubeconfig_;
  ActionContext context_;
};

constexpr const char* kJobTemplate = R"(apiVersion: batch/v1
kind: Job
metadata:
  labels: {purpose: forensics}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: scan
        image: ghcr.io/acme/scanner:2.1.0
        args: ["--finding", "{{ Id }}", "--severity", "{{ Severity.Label }}"]
)";

TEST_F(KubeActionsTest, JobCreatedOnceWithFindingValues) {
  auto action = MakeKubeJobAction();
  const Json finding = {{"Id", "arn:x/finding/1\"; rm -rf /"}, {"Severity", {{"Label", "HIGH"}}}};
  auto first = action->Run(Request({{"template", kJobTemplate}}, finding), context_);
  ASSERT_TRUE(first.has_value()) << first.status().ToString();
  EXPECT_TRUE(first->changed);
  const std::string name = first->rollback["name"];
  EXPECT_EQ(name.rfind("rampart-job-", 0), 0u);
  const Json stored = server_.Get("/apis/batch/v1/namespaces/payments/jobs/" + name);
  ASSERT_TRUE(stored.is_object());
  const Json args = stored["spec"]["template"]["spec"]["containers"][0]["args"];
  EXPECT_EQ(args[1], "arn:x/finding/1\"; rm -rf /");
  EXPECT_EQ(args[3], "HIGH");
  EXPECT_EQ(stored["metadata"]["labels"]["purpose"], "forensics");
  EXPECT_EQ(stored["metadata"]["annotations"]["rampart.io/idempotency-key"], "rule-a/0/finding-1");

  auto second = action->Run(Request({{"template", kJobTemplate}}, finding), context_);
  ASSERT_TRUE(second.has_value()) << second.status().ToString();
  EXPECT_FALSE(second->changed);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].content_type, "application/json");

  ASSERT_TRUE(action->Rollback(*first, context_).ok());
  EXPECT_TRUE(server_.Get("/apis/batch/v1/namespaces/payments/jobs/" + name).is_null());
  EXPECT_EQ(server_.requests().back().query, "propagationPolicy=Background");
}

TEST_F(KubeActionsTest, JobRejectedByValidationIsInvalid) {
  std::string bad = kJobTemplate;
  bad.replace(bad.find("Never"), 5, "Always");
  auto result = MakeKubeJobAction()->Run(
      Request({{"template", bad}}, {{"Id", "f"}, {"Severity", {{"Label", "LOW"}}}}), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("restartPolicy"), std::string::npos)
      << result.status().message();
}

TEST_F(KubeActionsTest, JobDryRunSendsNothing) {
  auto result = MakeKubeJobAction()->Run(
      Request({{"template", kJobTemplate}}, {{"Id", "f"}, {"Severity", {{"Label", "LOW"}}}}, true),
      context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_FALSE(result->changed);
  EXPECT_NE(result->diff.find("\"kind\": \"Job\""), std::string::npos);
  EXPECT_TRUE(server_.requests().empty());
}

// A relative kubeconfig is read from the configuration file's folder, whatever folder the
// hub runs in. A missing one is not a temporary error, so the engine does not retry it.
TEST_F(KubeActionsTest, RelativeKubeconfigIsReadFromBaseDir) {
  const Json finding = {{"Id", "f"}, {"Severity", {{"Label", "LOW"}}}};
  ActionRequest request = Request({{"template", kJobTemplate}}, finding);
  request.params["kubeconfig"] = "kubeconfig";
  context_.base_dir = dir_.path();
  auto created = MakeKubeJobAction()->Run(request, context_);
  ASSERT_TRUE(created.has_value()) << created.status().ToString();
  EXPECT_TRUE(created->changed);

  context_.base_dir = dir_.path() + "/config";
  auto missing = MakeKubeJobAction()->Run(request, context_);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(dir_.path() + "/config/kubeconfig"), std::string::npos)
      << missing.status().message();
  EXPECT_NE(missing.status().message().find("read from " + dir_.path() + "/config,"),
            std::string::npos)
      << missing.status().message();
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(KubeActionsTest, NamespaceOffAllowListSendsNothing) {
  auto result = MakeKubeDeletePodAction()->Run(
      Request({{"namespace", "kube-system"}, {"name", "coredns-1"}}), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(KubeActionsTest, FindingValueCannotEscapePath) {
  const Json finding = {{"Resources", {{{"Details", {{"Other", {{"pod", "../../secrets/x"}}}}}}}}};
  auto result = MakeKubeDeletePodAction()->Run(Request(Json::object(), finding), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(KubeActionsTest, WrongTokenIsPermissionDenied) {
  testing::WriteText(kubeconfig_, testing::ReadText(kubeconfig_)
                                      .replace(testing::ReadText(kubeconfig_).find(kToken),
                                               std::string(kToken).size(), "wrong"));
  auto result = MakeKubeDeletePodAction()->Run(Request({{"name", "p"}}), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(KubeActionsTest, DeletePodThenAlreadyGone) {
  ASSERT_TRUE(server_
                  .Seed({{"apiVersion", "v1"},
                         {"kind", "Pod"},
                         {"metadata", {{"name", "api-7d9"}, {"namespace", "payments"}}}})
                  .ok());
  const Json falco = {
      {"output_fields", {{"k8s.ns.name", "payments"}, {"k8s.pod.name", "api-7d9"}}}};
  auto action = MakeKubeDeletePodAction();
  auto deleted = action->Run(Request({{"grace_period_seconds", 5}}, falco), context_);
  ASSERT_TRUE(deleted.has_value()) << deleted.status().ToString();
  EXPECT_TRUE(deleted->changed);
  EXPECT_TRUE(server_.Get("/api/v1/namespaces/payments/pods/api-7d9").is_null());
  EXPECT_EQ(server_.requests().back().query, "gracePeriodSeconds=5");
  auto again = action->Run(Request(Json::object(), falco), context_);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->changed);
}

TEST_F(KubeActionsTest, PatchAndRollback) {
  SeedDeployment(2);
  const std::string path = "/apis/apps/v1/namespaces/payments/deployments/api";
  const Json original = server_.Get(path);
  auto action = MakeKubePatchAction();
  const Json patch = {
      {"spec",
       {{"template",
         {{"spec",
           {{"containers",
             {{{"name", "app"}, {"securityContext", {{"readOnlyRootFilesystem", true}}}}}}}}}}}}};
  auto result = action->Run(Request({{"name", "api"}, {"patch", patch}}), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  EXPECT_NE(result->diff.find("+              \"readOnlyRootFilesystem\": true"), std::string::npos)
      << result->diff;
  const Json patched = server_.Get(path);
  EXPECT_EQ(patched["spec"]["template"]["spec"]["containers"].size(), 2u);
  EXPECT_TRUE(patched["spec"]["template"]["spec"]["containers"][0]["securityContext"]
                     ["readOnlyRootFilesystem"]);
  EXPECT_EQ(server_.requests().back().content_type, "application/strategic-merge-patch+json");

  ASSERT_TRUE(action->Rollback(*result, context_).ok());
  Json restored = server_.Get(path);
  restored["metadata"].erase("resourceVersion");
  Json expected = original;
  expected["metadata"].erase("resourceVersion");
  EXPECT_EQ(restored, expected);
}

TEST_F(KubeActionsTest, SetImageOnlyTheFindingsContainer) {
  SeedDeployment(2);
  const Json finding = {{"Resources", {{{"Type", "Container"}, {"Id", "redis:6.0.5"}}}}};
  auto action = MakeKubeSetImageAction();
  auto result =
      action->Run(Request({{"name", "api"}, {"image", "redis:6.0.14"}}, finding), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_EQ(result->diff, "Deployment/payments/api container cache: redis:6.0.5 -> redis:6.0.14\n");
  const std::string path = "/apis/apps/v1/namespaces/payments/deployments/api";
  const Json containers = server_.Get(path)["spec"]["template"]["spec"]["containers"];
  EXPECT_EQ(containers[0]["image"], "ghcr.io/acme/api:1.4.0");
  EXPECT_EQ(containers[1]["image"], "redis:6.0.14");
  ASSERT_TRUE(action->Rollback(*result, context_).ok());
  EXPECT_EQ(server_.Get(path)["spec"]["template"]["spec"]["containers"][1]["image"], "redis:6.0.5");
}

TEST_F(KubeActionsTest, ScaleToZeroAndBack) {
  SeedDeployment(3);
  auto action = MakeKubeScaleAction();
  auto result = action->Run(Request({{"name", "api"}}), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  const std::string path = "/apis/apps/v1/namespaces/payments/deployments/api";
  EXPECT_EQ(server_.Get(path)["spec"]["replicas"], 0);
  EXPECT_EQ(server_.requests().back().path, path + "/scale");
  EXPECT_EQ(server_.requests().back().content_type, "application/merge-patch+json");
  ASSERT_TRUE(action->Rollback(*result, context_).ok());
  EXPECT_EQ(server_.Get(path)["spec"]["replicas"], 3);
}

TEST_F(KubeActionsTest, IsolateOnlyThatPod) {
  ASSERT_TRUE(server_
                  .Seed(Json::parse(R"({"apiVersion": "v1", "kind": "Pod",
      "metadata": {"name": "api-7d9", "namespace": "payments", "labels": {"app": "api"}}})"))
                  .ok());
  auto action = MakeKubeIsolateAction();
  auto result = action->Run(Request({{"name", "api-7d9"}}), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  const Json pod = server_.Get("/api/v1/namespaces/payments/pods/api-7d9");
  const std::string id = pod["metadata"]["labels"]["rampart.io/isolated"];
  EXPECT_EQ(pod["metadata"]["labels"]["app"], "api");
  const std::string policy_path =
      "/apis/networking.k8s.io/v1/namespaces/payments/networkpolicies/" +
      result->rollback["policy"].get<std::string>();
  const Json policy = server_.Get(policy_path);
  ASSERT_TRUE(policy.is_object());
  EXPECT_EQ(policy["spec"]["podSelector"]["matchLabels"], Json({{"rampart.io/isolated", id}}));
  EXPECT_EQ(policy["spec"]["policyTypes"], Json({"Ingress", "Egress"}));
  EXPECT_TRUE(policy["spec"]["ingress"].empty());
  EXPECT_TRUE(policy["spec"]["egress"].empty());

  auto again = action->Run(Request({{"name", "api-7d9"}}), context_);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->changed);

  ASSERT_TRUE(action->Rollback(*result, context_).ok());
  EXPECT_TRUE(server_.Get(policy_path).is_null());
  EXPECT_FALSE(
      server_.Get("/api/v1/namespaces/payments/pods/api-7d9")["metadata"]["labels"].contains(
          "rampart.io/isolated"));
}

TEST_F(KubeActionsTest, RevokeRbacDeletesOrTrimsBindings) {
  const Json role_ref = {
      {"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "edit"}};
  const Json builder = {{"kind", "ServiceAccount"}, {"name", "builder"}, {"namespace", "payments"}};
  const Json other = {{"kind", "User"}, {"name", "alice"}};
  for (const auto& [kind, name, subjects] : std::vector<std::tuple<std::string, std::string, Json>>{
           {"RoleBinding", "builder-edit", Json::array({builder})},
           {"RoleBinding", "shared", Json::array({other, builder})},
           {"RoleBinding", "unrelated", Json::array({other})},
           {"ClusterRoleBinding", "builder-cluster", Json::array({builder})}}) {
    Json binding = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                    {"kind", kind},
                    {"metadata", {{"name", name}}},
                    {"roleRef", role_ref},
                    {"subjects", subjects}};
    if (kind == "RoleBinding") {
      binding["metadata"]["namespace"] = "payments";
    }
    ASSERT_TRUE(server_.Seed(binding).ok());
  }
  const Json guardduty = Json::parse(R"({"resource": {"kubernetesDetails": {
      "kubernetesUserDetails": {"username": "system:serviceaccount:payments:builder"}}}})");
  auto action = MakeKubeRevokeRbacAction();
  auto result = action->Run(Request(Json::object(), guardduty), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  const std::string bindings =
      "/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings/";
  EXPECT_TRUE(server_.Get(bindings + "builder-edit").is_null());
  EXPECT_EQ(server_.Get(bindings + "shared")["subjects"], Json::array({other}));
  EXPECT_EQ(server_.Get(bindings + "unrelated")["subjects"], Json::array({other}));
  EXPECT_TRUE(server_.Get("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/builder-cluster")
                  .is_null());

  ASSERT_TRUE(action->Rollback(*result, context_).ok());
  EXPECT_EQ(server_.Get(bindings + "builder-edit")["subjects"], Json::array({builder}));
  EXPECT_EQ(server_.Get(bindings + "shared")["subjects"], Json::array({other, builder}));
  EXPECT_EQ(
      server_.Get(
          "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/builder-cluster")["subjects"],
      Json::array({builder}));
}

TEST(FakeKubeApiServer, RejectsWhatTheRealServerRejects) {
  FakeKubeApiServer server(testing::FakeKubeOptions{"t", "", "", ""});
  ASSERT_TRUE(server.Start().ok());
  auto send = [&](std::string method, std::string path, std::string body, std::string content_type,
                  std::string token = "t") {
    HttpRequest request;
    request.method = std::move(method);
    request.url = server.url() + path;
    request.body = std::move(body);
    request.headers = {{"Authorization", "Bearer " + token}};
    if (!content_type.empty()) {
      request.headers.emplace_back("Content-Type", content_type);
    }
    auto response = SendHttp(request);
    return response ? response->status : -1;
  };
  const std::string pod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}})";
  EXPECT_EQ(send("GET", "/api/v1/namespaces/a/pods", "", "", "bad"), 401);
  EXPECT_EQ(send("GET", "/api/v1/namespaces/a/widgets", "", ""), 404);
  EXPECT_EQ(send("POST", "/api/v1/namespaces/a/pods", pod, "text/plain"), 415);
  EXPECT_EQ(send("POST", "/api/v1/namespaces/a/pods", "{", "application/json"), 400);
  EXPECT_EQ(send("POST", "/apis/apps/v1/namespaces/a/deployments", pod, "application/json"), 400);
  EXPECT_EQ(send("POST", "/api/v1/namespaces/a/pods", pod, "application/json"), 201);
  EXPECT_EQ(send("POST", "/api/v1/namespaces/a/pods", pod, "application/json"), 409);
  EXPECT_EQ(send("POST", "/api/v1/namespaces/b/pods",
                 R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"a"}})",
                 "application/json"),
            400);
  EXPECT_EQ(send("POST", "/api/v1/namespaces/a/pods",
                 R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"Bad_Name"}})",
                 "application/json"),
            422);
  EXPECT_EQ(send("PATCH", "/api/v1/namespaces/a/pods/p", "{}", "application/json"), 415);
  EXPECT_EQ(send("PATCH", "/api/v1/namespaces/a/pods/q", "{}", "application/merge-patch+json"),
            404);
  EXPECT_EQ(send("DELETE", "/api/v1/namespaces/a/pods/p?gracePeriodSeconds=x", "", ""), 400);
  EXPECT_EQ(send("DELETE", "/api/v1/namespaces/a/pods/p", "", ""), 200);
  EXPECT_EQ(send("GET", "/api/v1/pods/p", "", ""), 404);
}

TEST(KubeClientTls, ClientCertificateAndCa) {
  testing::TempDir dir;
  const std::string d = dir.path();
  for (const std::vector<std::string>& argv : std::vector<std::vector<std::string>>{
           {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=test-ca", "-keyout", d + "/ca.key", "-out", d + "/ca.pem"},
           {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
            d + "/server.key", "-out", d + "/server.csr"},
           {"openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey",
            d + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile", d + "/san.cnf", "-out",
            d + "/server.pem"},
           {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=rampart", "-keyout",
            d + "/client.key", "-out", d + "/client.csr"},
           {"openssl", "x509", "-req", "-in", d + "/client.csr", "-CA", d + "/ca.pem", "-CAkey",
            d + "/ca.key", "-CAcreateserial", "-days", "2", "-out", d + "/client.pem"}}) {
    if (argv[1] == "x509" && argv[4] == d + "/server.csr") {
      testing::WriteText(d + "/san.cnf", "subjectAltName=IP:127.0.0.1\n");
    }
    auto ran = testing::RunTool(argv, d);
    if (!ran && argv[1] == "req" && argv[2] == "-x509" &&
        ran.status().code() == StatusCode::kNotFound) {
      GTEST_SKIP() << "openssl is not installed; scripts/install-deps installs it";
    }
    ASSERT_TRUE(ran.has_value()) << ran.status().ToString();
  }
  FakeKubeApiServer server(
      testing::FakeKubeOptions{"", d + "/server.pem", d + "/server.key", d + "/ca.pem"});
  ASSERT_TRUE(server.Start().ok());
  ASSERT_TRUE(server
                  .Seed({{"apiVersion", "v1"},
                         {"kind", "Pod"},
                         {"metadata", {{"name", "p"}, {"namespace", "payments"}}}})
                  .ok());
  const std::string config = fmt::format(R"(current-context: tls
clusters: [{{name: c, cluster: {{server: "{}", certificate-authority: ca.pem}}}}]
contexts: [{{name: tls, context: {{cluster: c, user: u, namespace: payments}}}}]
users: [{{name: u, user: {{client-certificate: client.pem, client-key: client.key}}}}]
)",
                                         server.url());
  testing::WriteText(d + "/kubeconfig", config);
  ActionContext context;
  context.allow.namespaces = {"payments"};
  ActionRequest request;
  request.dry_run = false;
  request.params = {{"kubeconfig", d + "/kubeconfig"}, {"name", "p"}};
  auto deleted = MakeKubeDeletePodAction()->Run(request, context);
  ASSERT_TRUE(deleted.has_value()) << deleted.status().ToString();
  EXPECT_TRUE(deleted->changed);

  // Without the client certificate the TLS handshake fails.
  std::string no_cert = config;
  no_cert.replace(no_cert.find("{client-certificate"), std::string::npos, "{token: x}}]\n");
  testing::WriteText(d + "/kubeconfig", no_cert);
  auto rejected = MakeKubeDeletePodAction()->Run(request, context);
  ASSERT_FALSE(rejected.has_value());
  EXPECT_EQ(rejected.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace rampart::remediate
