#include "core/bus_url.h"

#include <gtest/gtest.h>

#include "core/config.h"
#include "core/yaml.h"

namespace rampart {
namespace {

TEST(NatsUrlTest, ParsesHostAndPort) {
  auto url = ParseNatsUrl("nats://127.0.0.1:4333");
  ASSERT_TRUE(url.has_value()) << url.status().ToString();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 4333);
  EXPECT_FALSE(url->has_credentials);
}

TEST(NatsUrlTest, DefaultsPortAndReadsCredentials) {
  auto url = ParseNatsUrl("nats://worker:secret@nats.internal");
  ASSERT_TRUE(url.has_value()) << url.status().ToString();
  EXPECT_EQ(url->host, "nats.internal");
  EXPECT_EQ(url->port, 4222);
  EXPECT_TRUE(url->has_credentials);

  auto ipv6 = ParseNatsUrl("nats://[::1]:4222/");
  ASSERT_TRUE(ipv6.has_value()) << ipv6.status().ToString();
  EXPECT_EQ(ipv6->host, "[::1]");
}

TEST(NatsUrlTest, RejectsMalformedUrls) {
  for (const std::string_view bad :
       {"127.0.0.1:4222", "http://127.0.0.1:4222", "nats://", "nats://:4222", "nats://host:0",
        "nats://host:70000", "nats://host:42x", "nats://host:", "nats://host/path",
        "nats://ho st:4222", "nats://[::1", "nats://[::1]x"}) {
    auto url = ParseNatsUrl(bad);
    EXPECT_FALSE(url.has_value()) << bad;
    if (!url) {
      EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument) << bad;
      EXPECT_NE(url.status().message().find("nats://HOST:PORT"), std::string::npos) << bad;
    }
  }
}

// A list of servers is rejected for what it is; it was "a NATS URL has no path".
TEST(NatsUrlTest, ServerListIsNamed) {
  auto url = ParseNatsUrl("nats://a:4222,nats://b:4222");
  ASSERT_FALSE(url.has_value());
  EXPECT_NE(url.status().message().find("a list of servers is not supported; name one server"),
            std::string::npos)
      << url.status().message();
  // A ',' in a password is part of the password, not a list.
  auto password = ParseNatsUrl("nats://worker:se,cret@a:4222");
  ASSERT_TRUE(password.has_value()) << password.status().ToString();
  EXPECT_EQ(password->host, "a");
}

TEST(NatsUrlTest, ErrorHidesPassword) {
  auto url = ParseNatsUrl("nats://worker:secret@host:99999");
  ASSERT_FALSE(url.has_value());
  EXPECT_EQ(url.status().message().find("secret"), std::string::npos) << url.status().message();
  EXPECT_NE(url.status().message().find("nats://worker:***@host:99999"), std::string::npos)
      << url.status().message();
}

TEST(NatsUrlTest, PasswordWithAtSignIsHidden) {
  auto url = ParseNatsUrl("nats://worker:p@ss@host:0");
  ASSERT_FALSE(url.has_value());
  EXPECT_EQ(url.status().message().find("ss@"), std::string::npos) << url.status().message();
  EXPECT_NE(url.status().message().find("nats://worker:***@host:0"), std::string::npos)
      << url.status().message();
}

TEST(BusSettingTest, AcceptsInProcessAndNatsUrls) {
  EXPECT_TRUE(ValidateBusSetting("in-process").ok());
  EXPECT_TRUE(ValidateBusSetting("nats://127.0.0.1:4222").ok());
  const Status invalid = ValidateBusSetting("kafka://broker:9092");
  EXPECT_EQ(invalid.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(invalid.message().find("kafka://broker:9092"), std::string::npos);
  EXPECT_NE(invalid.message().find("in-process"), std::string::npos);
}

TEST(BusSettingTest, ConfigDefaultsToInProcess) {
  auto config = ParseConfig(Json(), "rampart.yaml");
  ASSERT_TRUE(config.has_value()) << config.status().ToString();
  EXPECT_EQ(config->bus, "in-process");
}

TEST(BusSettingTest, ConfigReadsNatsUrl) {
  auto document = ParseJsonOrYaml("bus: nats://127.0.0.1:4222\n", "rampart.yaml");
  ASSERT_TRUE(document.has_value()) << document.status().ToString();
  auto config = ParseConfig(*document, "rampart.yaml");
  ASSERT_TRUE(config.has_value()) << config.status().ToString();
  EXPECT_EQ(config->bus, "nats://127.0.0.1:4222");
}

TEST(BusSettingTest, ConfigNamesInvalidBus) {
  auto document = ParseJsonOrYaml("bus: nats://127.0.0.1:99999\n", "/etc/rampart.yaml");
  ASSERT_TRUE(document.has_value()) << document.status().ToString();
  auto config = ParseConfig(*document, "/etc/rampart.yaml");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.status().message().find("/etc/rampart.yaml: bus: "), std::string::npos)
      << config.status().message();
  EXPECT_NE(config.status().message().find("port \"99999\" is not a number from 1 to 65535"),
            std::string::npos)
      << config.status().message();
}

}  // namespace
}  // namespace rampart
