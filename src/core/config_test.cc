#include "core/config.h"

#include <gtest/gtest.h>

#include "core/yaml.h"

namespace rampart {
namespace {

Result<Config> Parse(const std::string& yaml) {
  auto document = ParseYaml(yaml, "/etc/rampart/rampart.yaml");
  EXPECT_TRUE(document.has_value());
  return ParseConfig(*document, "/etc/rampart/rampart.yaml");
}

TEST(Config, EmptyFileGivesDefaults) {
  auto config = Parse("");
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->store, "sqlite:rampart.db");
  EXPECT_EQ(config->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(*config->SqlitePath(), "/etc/rampart/rampart.db");
}

TEST(Config, ReadsSourcesAndRemediation) {
  auto config = Parse(R"(
store: sqlite:data/hub.db
rules: rules.yaml
models: models
sources:
  - path: reports
  - path: kube-bench.json
    format: kube-bench
remediation:
  allow:
    namespaces: [payments]
server:
  listen: 0.0.0.0:9443
  read_timeout: 5s
)");
  ASSERT_TRUE(config.has_value()) << config.status().ToString();
  ASSERT_EQ(config->sources.size(), 2u);
  EXPECT_EQ(config->sources[1].format, "kube-bench");
  EXPECT_EQ(config->remediation.allow.namespaces[0], "payments");
  EXPECT_EQ(config->server.read_timeout, std::chrono::seconds(5));
  EXPECT_EQ(config->Resolve(config->rules), "/etc/rampart/rules.yaml");
  EXPECT_EQ(config->Resolve(config->models), "/etc/rampart/models");
}

TEST(Config, SourceKeepMissingIsABoolean) {
  auto config = Parse("sources:\n  - path: narrow\n    keep_missing: true\n  - path: full\n");
  ASSERT_TRUE(config.has_value()) << config.status().ToString();
  ASSERT_EQ(config->sources.size(), 2u);
  EXPECT_TRUE(config->sources[0].keep_missing);
  EXPECT_FALSE(config->sources[1].keep_missing);
  auto text = Parse("sources:\n  - path: narrow\n    keep_missing: sometimes\n");
  ASSERT_FALSE(text.has_value());
  EXPECT_NE(text.status().message().find("sources[0].keep_missing: must be true or false"),
            std::string::npos)
      << text.status().message();
}

TEST(Config, SourceArtifactNamesProject) {
  auto config = Parse("sources:\n  - path: scans\n    artifact: github.com/bank/payments\n");
  ASSERT_TRUE(config.has_value()) << config.status().ToString();
  ASSERT_EQ(config->sources.size(), 1u);
  EXPECT_EQ(config->sources[0].artifact, "github.com/bank/payments");
  for (const char* value : {"\"  \"", "\"a\\tb\""}) {
    auto bad = Parse(std::string("sources:\n  - path: scans\n    artifact: ") + value + "\n");
    ASSERT_FALSE(bad.has_value()) << value;
    EXPECT_NE(bad.status().message().find("sources[0].artifact: "), std::string::npos)
        << bad.status().message();
  }
}

TEST(Config, SourceRegionMustBeRegionCode) {
  auto config = Parse("sources:\n  - path: eu\n    region: eu-west-1\n  - path: default\n");
  ASSERT_TRUE(config.has_value()) << config.status().ToString();
  EXPECT_EQ(config->sources[0].region, "eu-west-1");
  EXPECT_EQ(config->sources[1].region, "us-east-1");
  for (const char* region : {"Europe", "eu-west", "''"}) {
    SCOPED_TRACE(region);
    auto wrong = Parse(std::string("sources:\n  - path: eu\n    region: ") + region + "\n");
    ASSERT_FALSE(wrong.has_value());
    EXPECT_NE(wrong.status().message().find("sources[0].region: "), std::string::npos)
        << wrong.status().message();
    EXPECT_NE(wrong.status().message().find("use an AWS Region code such as eu-west-1"),
              std::string::npos)
        << wrong.status().message();
  }
}

TEST(Config, UnknownKeyIsAnError) {
  auto config = Parse("stor: sqlite:x.db\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.status().message().find("stor: unknown key"), std::string::npos);
}

TEST(Config, NestedUnknownKeyNamesPath) {
  auto config = Parse("server:\n  tls:\n    certificate: a.pem\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.status().message().find("server.tls.certificate"), std::string::npos);
}

TEST(Config, WorkerNiceInRange) {
  auto config = Parse("server:\n  worker_nice: 3\n");
  ASSERT_TRUE(config.has_value()) << config.status().ToString();
  EXPECT_EQ(config->server.worker_nice, 3);
  EXPECT_EQ(Parse("")->server.worker_nice, 10);
  for (const char* value : {"20", "-1", "2.5"}) {
    auto invalid = Parse(std::string("server:\n  worker_nice: ") + value + "\n");
    ASSERT_FALSE(invalid.has_value()) << value;
    EXPECT_NE(invalid.status().message().find("server.worker_nice"), std::string::npos);
  }
}

TEST(Config, TlsNeedsCertAndKey) {
  auto config = Parse("server:\n  tls:\n    cert: a.pem\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.status().message().find("cert and key"), std::string::npos);
}

TEST(Config, RejectsUnknownStore) {
  auto config = Parse("store: mysql://x\n");
  ASSERT_FALSE(config.has_value());
}

TEST(Config, StoreSyncDefaultsToFull) {
  auto defaults = Parse("");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->store_sync, "full");
  auto normal = Parse("store_sync: normal\n");
  ASSERT_TRUE(normal.has_value());
  EXPECT_EQ(normal->store_sync, "normal");
}

TEST(Config, RejectsUnknownStoreSync) {
  auto config = Parse("store_sync: fast\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.status().message().find("\"fast\" is not a synchronous mode"), std::string::npos)
      << config.status().message();
}

}  // namespace
}  // namespace rampart
