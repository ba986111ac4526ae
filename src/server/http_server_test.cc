#include "server/http_server.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>

#include "server/testing/raw_http.h"
#include "store/sqlite_database.h"

namespace rampart::server {
namespace {

using ::testing::HasSubstr;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (std::filesystem::temp_directory_path() /
           ("rampart_http_" + std::to_string(::getpid()) + ".db"))
              .string();
    Remove();
    tokens_ = std::move(*store::TokenStore::Open(db_));
    read_token_ = *tokens_->Create("reader", {"read"});
    admin_token_ = *tokens_->Create("admin", {"admin"});
  }
  void TearDown() override {
    server_.reset();
    tokens_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(db_ + suffix);
    }
  }

  void StartServer(ServerConfig config = {}) {
    config.listen = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(config, *tokens_, metrics_);
    server_->Route("POST", "/v1/echo/{name}", Scope::kImport, [](const ApiRequest& request) {
      return ApiResponse::Json(200, Json{{"name", request.path_params.at("name")},
                                         {"token", request.token_name},
                                         {"bytes", request.body.size()}});
    });
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  // Sends a POST to /v1/echo/x with the admin token, `headers` (each ending in \r\n) and then
  // `rest` on a plain socket, and returns the raw response.
  std::string PostRaw(const std::string& headers, const std::string& rest = "") {
    testing::RawConnection connection(server_->port());
    EXPECT_TRUE(connection.Send("POST /v1/echo/x HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
                                "Authorization: Bearer " + admin_token_ + "\r\n\r\n" + rest));
    return connection.ReadUntilClosed(std::chrono::seconds(20));
  }

  httplib::Headers Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  std::string db_;
  std::unique_ptr<store::TokenStore> tokens_;
  std::string read_token_;
  std::string admin_token_;
  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpServerTest, HealthNeedsNoToken) {
  StartServer();
  auto response = client_->Get("/healthz");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(HttpServerTest, MissingTokenIs401) {
  StartServer();
  auto response = client_->Get("/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(Json::parse(response->body)["Code"], "Unauthorized");
  EXPECT_TRUE(response->has_header("WWW-Authenticate"));
}

TEST_F(HttpServerTest, UnknownTokenIs401) {
  StartServer();
  auto response = client_->Get("/metrics", Bearer("rmp_nope"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
}

TEST_F(HttpServerTest, BearerSchemeIsCaseInsensitive) {
  StartServer();
  // Several spaces may follow the scheme, as RFC 6750 allows.
  for (const char* scheme : {"bearer ", "BEARER ", "BeArEr ", "Bearer   "}) {
    auto response = client_->Get("/metrics", {{"Authorization", scheme + read_token_}});
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200) << scheme;
  }
  auto other = client_->Get("/metrics", {{"Authorization", "Basic " + read_token_}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 401);
}

TEST_F(HttpServerTest, MissingScopeIs403) {
  StartServer();
  auto response = client_->Post("/v1/echo/x", Bearer(read_token_), "{}", "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 403);
  EXPECT_NE(response->body.find("import"), std::string::npos);
}

TEST_F(HttpServerTest, RouteParamsAndTokenName) {
  StartServer();
  auto response = client_->Post("/v1/echo/alpha", Bearer(admin_token_), "abc", "text/plain");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200);
  const Json body = Json::parse(response->body);
  EXPECT_EQ(body["name"], "alpha");
  EXPECT_EQ(body["token"], "admin");
  EXPECT_EQ(body["bytes"], 3);
}

TEST_F(HttpServerTest, RouteParamIsPercentDecoded) {
  StartServer();
  auto response =
      client_->Post("/v1/echo/bump%20image%2Fpayments", Bearer(admin_token_), "", "text/plain");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200);
  EXPECT_EQ(Json::parse(response->body)["name"], "bump image/payments");
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethod405) {
  StartServer();
  auto missing = client_->Get("/v1/nothing", Bearer(admin_token_));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Json::parse(missing->body)["Code"], "ResourceNotFoundException");
  auto models = client_->Post("/v1/models/m/invocations", Bearer(admin_token_), "1,2", "text/csv");
  ASSERT_TRUE(models);
  EXPECT_EQ(models->status, 404);
  EXPECT_NE(models->body.find("with --models FOLDER"), std::string::npos) << models->body;
  auto wrong = client_->Get("/v1/echo/x", Bearer(admin_token_));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  // RFC 9110 section 15.5.6: a 405 names the methods the resource supports.
  EXPECT_EQ(wrong->get_header_value("Allow"), "POST");
}

TEST_F(HttpServerTest, HeadAnswersLikeGetWithoutBody) {
  StartServer();
  auto head = client_->Head("/healthz");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(head->get_header_value("Content-Type"), "application/json");
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  ServerConfig config;
  config.max_body_bytes = 1024;
  StartServer(config);
  auto response =
      client_->Post("/v1/echo/x", Bearer(admin_token_), std::string(4096, 'a'), "text/plain");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  auto health = client_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

// A request with neither Content-Length nor Transfer-Encoding has an empty body: the server
// responds at once instead of waiting for a body until its read timeout.
TEST_F(HttpServerTest, PostWithoutLengthHasEmptyBody) {
  ServerConfig config;
  config.read_timeout = std::chrono::seconds(60);
  StartServer(config);
  const std::string response = PostRaw("Connection: close\r\n");
  EXPECT_EQ(testing::StatusOf(response), 200) << response;
  EXPECT_EQ(Json::parse(testing::BodyOf(response))["bytes"], 0) << response;
}

// A declared Content-Length over the limit gets 413 before the client sends any of the body.
TEST_F(HttpServerTest, DeclaredLengthOverLimitIs413AtOnce) {
  ServerConfig config;
  config.max_body_bytes = 1024;
  config.read_timeout = std::chrono::seconds(60);
  StartServer(config);
  const std::string response = PostRaw("Content-Length: 200000\r\n");
  EXPECT_EQ(testing::StatusOf(response), 413) << response;
}

TEST_F(HttpServerTest, AmbiguousBodyLengthIs400) {
  StartServer();
  const std::string different =
      PostRaw("Connection: close\r\nContent-Length: 2\r\nContent-Length: 40\r\n", "{}");
  EXPECT_EQ(testing::StatusOf(different), 400) << different;
  const std::string both =
      PostRaw("Connection: close\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n",
              "2\r\n{}\r\n0\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(both), 400) << both;
}

// The server keeps an idle connection for 5 s and waits 60 s for a request, so a complete
// response within 3 s to a request without "Connection: close" shows that it closed at once.
TEST_F(HttpServerTest, InvalidContentLengthIs400AndCloses) {
  ServerConfig config;
  config.read_timeout = std::chrono::seconds(60);
  StartServer(config);
  for (const char* value : {"-1", "abc", "+5", "5, 5", "0x10"}) {
    SCOPED_TRACE(value);
    const auto started = std::chrono::steady_clock::now();
    const std::string response = PostRaw(fmt::format("Content-Length: {}\r\n", value));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(testing::StatusOf(response), 400) << response;
    const std::string message = Json::parse(testing::BodyOf(response))["Message"];
    EXPECT_THAT(message, ::testing::StartsWith(fmt::format("Content-Length \"{}\"", value)));
    EXPECT_LT(elapsed, std::chrono::seconds(3));
  }
}

TEST_F(HttpServerTest, UnsupportedTransferCodingIs501AtOnce) {
  ServerConfig config;
  config.read_timeout = std::chrono::seconds(60);
  StartServer(config);
  const std::pair<const char*, const char*> cases[] = {
      {"gzip", "gzip"}, {"gzip, chunked", "gzip"}, {"chunked, br", "br"}, {"identity", "identity"}};
  for (const auto& [value, coding] : cases) {
    SCOPED_TRACE(value);
    const auto started = std::chrono::steady_clock::now();
    const std::string response = PostRaw(fmt::format("Transfer-Encoding: {}\r\n", value));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(testing::StatusOf(response), 501) << response;
    const Json body = Json::parse(testing::BodyOf(response));
    EXPECT_EQ(body["Code"], "NotImplemented");
    EXPECT_THAT(
        body["Message"].get<std::string>(),
        ::testing::StartsWith(fmt::format("Transfer-Encoding \"{}\" is not supported", coding)));
    EXPECT_LT(elapsed, std::chrono::seconds(3));
  }
}

// curl -F sends multipart/form-data, which the library would try to parse into form fields.
TEST_F(HttpServerTest, MultipartBodyIs415) {
  StartServer();
  const httplib::MultipartFormDataItems items = {{"file", "a,b\n1,2\n", "rows.csv", "text/csv"}};
  for (const bool with_token : {true, false}) {
    SCOPED_TRACE(with_token);
    const httplib::Headers headers =
        with_token ? httplib::Headers{{"Authorization", "Bearer " + admin_token_}}
                   : httplib::Headers{};
    auto response = client_->Post("/v1/echo/x", headers, items);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 415) << response->body;
    const Json body = Json::parse(response->body);
    EXPECT_EQ(body["Code"], "UnsupportedMediaTypeException");
    EXPECT_THAT(body["Message"].get<std::string>(),
                ::testing::HasSubstr("Content-Type multipart/form-data is not supported"));
  }
}

// A GET is checked too, since the library would read its body as the next request.
TEST_F(HttpServerTest, GetWithTransferCodingIs501) {
  StartServer();
  testing::RawConnection connection(server_->port());
  ASSERT_TRUE(
      connection.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Transfer-Encoding: gzip\r\n\r\n"));
  const std::string response = connection.ReadUntilClosed(std::chrono::seconds(3));
  EXPECT_EQ(testing::StatusOf(response), 501) << response;
}

TEST_F(HttpServerTest, MalformedChunkedFramingIs400) {
  StartServer();
  for (const char* headers : {"Transfer-Encoding: chunked, chunked\r\n",
                              "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                              "Transfer-Encoding: ,\r\n"}) {
    SCOPED_TRACE(headers);
    const std::string response = PostRaw(headers, "2\r\n{}\r\n0\r\n\r\n");
    EXPECT_EQ(testing::StatusOf(response), 400) << response;
    EXPECT_THAT(testing::BodyOf(response), HasSubstr("Transfer-Encoding")) << response;
  }
}

TEST_F(HttpServerTest, ChunkedBodyIsRead) {
  StartServer();
  for (const char* coding : {"chunked", "Chunked"}) {
    SCOPED_TRACE(coding);
    const std::string response =
        PostRaw(fmt::format("Connection: close\r\nTransfer-Encoding: {}\r\n", coding),
                "2\r\n{}\r\n0\r\n\r\n");
    EXPECT_EQ(testing::StatusOf(response), 200) << response;
    EXPECT_EQ(Json::parse(testing::BodyOf(response))["bytes"], 2) << response;
  }
}

TEST_F(HttpServerTest, RateLimitIs429) {
  ServerConfig config;
  config.requests_per_second = 0.001;
  config.burst = 2;
  StartServer(config);
  for (int i = 0; i < 2; ++i) {
    auto ok = client_->Get("/metrics", Bearer(read_token_));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
  }
  auto limited = client_->Get("/metrics", Bearer(read_token_));
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_TRUE(limited->has_header("Retry-After"));
  auto other = client_->Get("/metrics", Bearer(admin_token_));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
}

TEST_F(HttpServerTest, MetricsCountRequests) {
  StartServer();
  ASSERT_TRUE(client_->Get("/healthz"));
  auto response = client_->Get("/metrics", Bearer(read_token_));
  ASSERT_TRUE(response);
  EXPECT_NE(response->body.find("rampart_http_requests_total{route=\"/healthz\",status=\"200\"} 1"),
            std::string::npos);
}

// The root path is counted under route "/", as the console's page is; it was "".
TEST_F(HttpServerTest, MetricsNameRootRoute) {
  ServerConfig config;
  config.listen = "127.0.0.1:0";
  server_ = std::make_unique<HttpServer>(config, *tokens_, metrics_);
  server_->Route("GET", "/", Scope::kNone,
                 [](const ApiRequest&) { return ApiResponse::Json(200, Json::object()); });
  ASSERT_TRUE(server_->Start().ok());
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  ASSERT_TRUE(client_->Get("/"));
  auto response = client_->Get("/metrics", Bearer(read_token_));
  ASSERT_TRUE(response);
  EXPECT_NE(response->body.find("rampart_http_requests_total{route=\"/\",status=\"200\"} 1"),
            std::string::npos)
      << response->body;
}

// A failed token store is reported as every other store outage: 503 with the usual code and
// Retry-After, so a client retries.
TEST_F(HttpServerTest, TokenStoreFailureIsRetryable) {
  StartServer();
  auto db = store::sqlite::Database::Open(db_, {});
  ASSERT_TRUE(db.has_value()) << db.status().ToString();
  ASSERT_TRUE((*db)->Execute("DROP TABLE api_tokens").ok());
  auto response = client_->Get("/metrics", Bearer(read_token_));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->get_header_value("Retry-After"), "5");
  EXPECT_THAT(response->body, HasSubstr("ServiceUnavailableException"));
}

TEST_F(HttpServerTest, ReadinessReportsReason) {
  StartServer();
  server_->SetReadinessCheck([] { return std::string("rules file invalid"); });
  auto response = client_->Get("/readyz");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_NE(response->body.find("rules file invalid"), std::string::npos);
}

TEST_F(HttpServerTest, PortInUseFailsToStart) {
  StartServer();
  ServerConfig config;
  config.listen = "127.0.0.1:" + std::to_string(server_->port());
  HttpServer second(config, *tokens_, metrics_);
  const Status started = second.Start();
  EXPECT_FALSE(started.ok());
  EXPECT_NE(started.message().find("the address is in use"), std::string::npos)
      << started.message();
}

TEST(ListenAddress, Parses) {
  auto v4 = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->first, "127.0.0.1");
  EXPECT_EQ(v4->second, 8080);
  auto v6 = ParseListenAddress("[::1]:9000");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->first, "::1");
  EXPECT_FALSE(ParseListenAddress("localhost").has_value());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:99999").has_value());
}

}  // namespace
}  // namespace rampart::server
