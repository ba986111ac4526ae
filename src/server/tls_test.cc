// HTTPS end to end: the server with a certificate, and with client certificates required,
// against real OpenSSL clients on 127.0.0.1.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>

#include "server/http_server.h"
#include "server/testing/certificates.h"

namespace rampart::server {
namespace {

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ =
        std::filesystem::temp_directory_path() / ("rampart_tls_" + std::to_string(::getpid()));
    std::filesystem::remove_all(folder_);
    files_ = testing::WriteCertificates(folder_);
    tokens_ = std::move(*store::TokenStore::Open((folder_ / "tokens.db").string()));
    token_ = *tokens_->Create("reader", {"read"});
  }
  void TearDown() override {
    server_.reset();
    tokens_.reset();
    std::filesystem::remove_all(folder_);
  }

  Status StartServer(bool require_client_certificate) {
    ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.tls.cert = files_.server_cert;
    config.tls.key = files_.server_key;
    if (require_client_certificate) {
      config.tls.client_ca = files_.ca_cert;
    }
    server_ = std::make_unique<HttpServer>(config, *tokens_, metrics_);
    server_->Route("GET", "/v1/whoami", Scope::kRead, [](const ApiRequest& request) {
      return ApiResponse::Json(200, Json{{"token", request.token_name}});
    });
    return server_->Start();
  }

  std::unique_ptr<httplib::SSLClient> Client(bool with_certificate) {
    auto client = with_certificate
                      ? std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port(),
                                                             files_.client_cert, files_.client_key)
                      : std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port());
    client->set_ca_cert_path(files_.ca_cert.c_str());
    client->enable_server_certificate_verification(true);
    client->set_connection_timeout(5);
    return client;
  }

  httplib::Headers Bearer() { return {{"Authorization", "Bearer " + token_}}; }

  std::filesystem::path folder_;
  testing::CertificateFiles files_;
  std::unique_ptr<store::TokenStore> tokens_;
  std::string token_;
  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(TlsTest, ServesVerifiedHttps) {
  ASSERT_TRUE(StartServer(false).ok());
  auto client = Client(false);
  auto health = client->Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);

  auto whoami = client->Get("/v1/whoami", Bearer());
  ASSERT_TRUE(whoami) << httplib::to_string(whoami.error());
  EXPECT_EQ(whoami->status, 200);
  EXPECT_EQ(Json::parse(whoami->body).at("token"), "reader");

  auto anonymous = client->Get("/v1/whoami");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

TEST_F(TlsTest, PlainHttpGetsNoAnswer) {
  ASSERT_TRUE(StartServer(false).ok());
  httplib::Client plain("127.0.0.1", server_->port());
  plain.set_read_timeout(5, 0);
  auto result = plain.Get("/healthz");
  EXPECT_FALSE(result && result->status == 200);
}

TEST_F(TlsTest, ClientUntrustingTheCaFails) {
  ASSERT_TRUE(StartServer(false).ok());
  httplib::SSLClient client("127.0.0.1", server_->port());
  client.set_ca_cert_path(files_.client_cert.c_str());  // not the CA that signed the server
  client.enable_server_certificate_verification(true);
  auto result = client.Get("/healthz");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), httplib::Error::SSLServerVerification);
}

TEST_F(TlsTest, ClientCertificateRequiredWhenConfigured) {
  ASSERT_TRUE(StartServer(true).ok());
  auto without = Client(false)->Get("/healthz");
  EXPECT_FALSE(without && without->status == 200);

  auto with = Client(true)->Get("/v1/whoami", Bearer());
  ASSERT_TRUE(with) << httplib::to_string(with.error());
  EXPECT_EQ(with->status, 200);
}

TEST_F(TlsTest, MissingCertificateFileFailsStart) {
  files_.server_cert = (folder_ / "absent.pem").string();
  const Status started = StartServer(false);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.message().find("absent.pem"), std::string::npos) << started.message();
}

}  // namespace
}  // namespace rampart::server
