#include "remediate/kubeconfig.h"

#include <map>

#include <gtest/gtest.h>

namespace rampart::remediate {
namespace {

FileReader Files(std::map<std::string, std::string> files) {
  return [files](const std::string& path) -> Result<std::string> {
    const auto it = files.find(path);
    if (it == files.end()) {
      return NotFound("no file " + path);
    }
    return it->second;
  };
}

constexpr const char* kConfig = R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://10.0.0.1:6443/
    certificate-authority-data: Q0EgUEVN
- name: dev-cluster
  cluster:
    server: https://dev.example:443
    certificate-authority: certs/ca.pem
contexts:
- name: prod
  context: {cluster: prod-cluster, user: bot, namespace: payments}
- name: dev
  context: {cluster: dev-cluster, user: dev-user}
users:
- name: bot
  user:
    token: abc.def
- name: dev-user
  user:
    client-certificate: certs/client.pem
    client-key-data: S0VZ
- name: exec-user
  user:
    exec: {command: aws}
)";

TEST(ParseKubeconfig, CurrentContextWithToken) {
  auto connection = ParseKubeconfig(kConfig, "kubeconfig", "", "/home/u/.kube", Files({}));
  ASSERT_TRUE(connection.has_value()) << connection.status().ToString();
  EXPECT_EQ(connection->server, "https://10.0.0.1:6443");
  EXPECT_EQ(connection->token, "abc.def");
  EXPECT_EQ(connection->ca_pem, "CA PEM");
  EXPECT_EQ(connection->default_namespace, "payments");
}

TEST(ParseKubeconfig, NamedContextReadsRelativeFiles) {
  auto connection = ParseKubeconfig(kConfig, "kubeconfig", "dev", "/home/u/.kube",
                                    Files({{"/home/u/.kube/certs/ca.pem", "DEV CA"},
                                           {"/home/u/.kube/certs/client.pem", "CERT"}}));
  ASSERT_TRUE(connection.has_value()) << connection.status().ToString();
  EXPECT_EQ(connection->ca_pem, "DEV CA");
  EXPECT_EQ(connection->client_cert_pem, "CERT");
  EXPECT_EQ(connection->client_key_pem, "KEY");
  EXPECT_EQ(connection->token, "");
  EXPECT_EQ(connection->default_namespace, "default");
}

TEST(ParseKubeconfig, ErrorsNameTheEntry) {
  auto missing = ParseKubeconfig(kConfig, "kubeconfig", "staging", "", Files({}));
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.status().message().find("no contexts entry named 'staging'"),
            std::string::npos);

  std::string exec_config = kConfig;
  exec_config.replace(exec_config.find("user: bot,"), 10, "user: exec-user,");
  auto exec = ParseKubeconfig(exec_config, "kubeconfig", "", "", Files({}));
  ASSERT_FALSE(exec.has_value());
  EXPECT_NE(exec.status().message().find("user 'exec-user' uses 'exec'"), std::string::npos);

  auto bad_yaml = ParseKubeconfig("clusters: [", "kubeconfig", "", "", Files({}));
  ASSERT_FALSE(bad_yaml.has_value());
  EXPECT_NE(bad_yaml.status().message().find("kubeconfig: invalid YAML at line"),
            std::string::npos);

  auto unreadable = ParseKubeconfig(kConfig, "kubeconfig", "dev", "/x", Files({}));
  ASSERT_FALSE(unreadable.has_value());
  EXPECT_NE(unreadable.status().message().find("certificate-authority"), std::string::npos);
}

TEST(InClusterConnection, ServiceAccountFiles) {
  const EnvironmentReader environment = [](std::string_view name) -> std::optional<std::string> {
    if (name == "KUBERNETES_SERVICE_HOST") return "10.96.0.1";
    if (name == "KUBERNETES_SERVICE_PORT") return "443";
    return std::nullopt;
  };
  auto connection = InClusterConnection(
      "/sa", environment,
      Files({{"/sa/token", "jwt\n"}, {"/sa/ca.crt", "CLUSTER CA"}, {"/sa/namespace", "rampart"}}));
  ASSERT_TRUE(connection.has_value()) << connection.status().ToString();
  EXPECT_EQ(connection->server, "https://10.96.0.1:443");
  EXPECT_EQ(connection->token, "jwt");
  EXPECT_EQ(connection->ca_pem, "CLUSTER CA");
  EXPECT_EQ(connection->default_namespace, "rampart");

  const EnvironmentReader empty = [](std::string_view) { return std::nullopt; };
  EXPECT_EQ(InClusterConnection("/sa", empty, Files({})).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(DecodeBase64, PaddingAndErrors) {
  EXPECT_EQ(*DecodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(*DecodeBase64("aGVs\nbG8"), "hello");
  EXPECT_FALSE(DecodeBase64("aGV*").has_value());
}

}  // namespace
}  // namespace rampart::remediate
