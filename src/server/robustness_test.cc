// The server under many connections and slow clients, on real sockets on 127.0.0.1. Deadlines
// are generous on purpose, because the assertions check responses and closed connections.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "server/http_server.h"
#include "server/testing/raw_http.h"

namespace rampart::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::PostRequest;
using testing::RawConnection;

class RobustnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (std::filesystem::temp_directory_path() /
           ("rampart_robust_" + std::to_string(::getpid()) + ".db"))
              .string();
    Remove();
    tokens_ = std::move(*store::TokenStore::Open(db_));
    token_ = *tokens_->Create("loader", {"import"});
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

  // Starts a server whose echo route returns the path name and the body size, with no rate limit.
  void StartServer(ServerConfig config) {
    config.listen = "127.0.0.1:0";
    config.requests_per_second = 1e9;
    config.burst = 1e9;
    server_ = std::make_unique<HttpServer>(config, *tokens_, metrics_);
    server_->Route("POST", "/v1/echo/{name}", Scope::kImport, [](const ApiRequest& request) {
      return ApiResponse::Json(
          200, Json{{"name", request.path_params.at("name")}, {"bytes", request.body.size()}});
    });
    ASSERT_TRUE(server_->Start().ok());
  }

  // Sends one echo request on a new connection and returns the response as received.
  std::string Echo(const std::string& name, seconds deadline = seconds(60)) {
    RawConnection connection(server_->port());
    if (connection.fd() < 0 || !connection.Send(PostRequest("/v1/echo/" + name, token_, "{}"))) {
      return "";
    }
    return connection.ReadUntilClosed(deadline);
  }

  std::string db_;
  std::unique_ptr<store::TokenStore> tokens_;
  std::string token_;
  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
};

// Raises the open-file limit to `wanted` descriptors, within the hard limit.
bool RaiseFileLimit(rlim_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return false;
  }
  if (limit.rlim_cur >= wanted) {
    return true;
  }
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted) {
    return false;
  }
  limit.rlim_cur = wanted;
  return ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

TEST_F(RobustnessTest, ThousandConnectionsEachAnswered) {
  constexpr int kConnections = 1000;
  // Each connection needs a descriptor on the client side and one on the server side.
  if (!RaiseFileLimit(2 * kConnections + 256)) {
    GTEST_SKIP() << "the open-file limit cannot be raised to " << 2 * kConnections + 256;
  }
  StartServer(ServerConfig{});
  std::vector<RawConnection> connections;
  connections.reserve(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    connections.emplace_back(server_->port());
    ASSERT_GE(connections.back().fd(), 0) << "connection " << i;
  }
  // Every request is sent before any response is read, so all 1,000 are open at once.
  for (int i = 0; i < kConnections; ++i) {
    const std::string body = std::string(static_cast<std::size_t>(i % 50), ' ') + "{}";
    ASSERT_TRUE(connections[i].Send(PostRequest("/v1/echo/c" + std::to_string(i), token_, body)));
  }
  int answered = 0;
  for (int i = 0; i < kConnections; ++i) {
    const std::string response = connections[i].ReadUntilClosed(seconds(120));
    ASSERT_EQ(testing::StatusOf(response), 200) << "connection " << i << ": " << response;
    const Json body = Json::parse(testing::BodyOf(response));
    EXPECT_EQ(body["name"], "c" + std::to_string(i));
    EXPECT_EQ(body["bytes"], static_cast<std::size_t>(i % 50) + 2);
    ++answered;
  }
  EXPECT_EQ(answered, kConnections);
  EXPECT_EQ(testing::StatusOf(Echo("after")), 200);
}

TEST_F(RobustnessTest, StalledHeadersDoNotBlockOthers) {
  ServerConfig config;
  config.read_timeout = seconds(30);
  StartServer(config);
  // More stalled clients than the 64 threads the server once had in total.
  constexpr int kStalled = 200;
  std::vector<RawConnection> stalled;
  for (int i = 0; i < kStalled; ++i) {
    stalled.emplace_back(server_->port());
    ASSERT_TRUE(stalled.back().Send("POST /v1/echo/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait"));
  }
  const std::string response = Echo("prompt");
  ASSERT_EQ(testing::StatusOf(response), 200) << response;
  EXPECT_EQ(Json::parse(testing::BodyOf(response))["name"], "prompt");
  // The answer came while every stalled client still held its connection.
  for (int i = 0; i < kStalled; ++i) {
    EXPECT_FALSE(stalled[i].ClosedWithin(milliseconds(0))) << "stalled connection " << i;
  }
}

TEST_F(RobustnessTest, StalledHeadersClosedAfterReadTimeout) {
  ServerConfig config;
  config.read_timeout = seconds(1);
  StartServer(config);
  std::vector<RawConnection> stalled;
  for (int i = 0; i < 100; ++i) {
    stalled.emplace_back(server_->port());
    ASSERT_TRUE(stalled.back().Send("POST /v1/echo/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait"));
  }
  for (std::size_t i = 0; i < stalled.size(); ++i) {
    EXPECT_TRUE(stalled[i].ClosedWithin(seconds(60))) << "stalled connection " << i;
  }
  EXPECT_EQ(testing::StatusOf(Echo("after")), 200);
}

TEST_F(RobustnessTest, ByteByByteBodiesDoNotBlockOthers) {
  ServerConfig config;
  config.read_timeout = seconds(2);
  StartServer(config);
  constexpr int kSlow = 100;
  const std::string body = R"({"slow": true, "padding": "........................"})";
  std::vector<RawConnection> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.emplace_back(server_->port());
    const std::string request = PostRequest("/v1/echo/s" + std::to_string(i), token_, body);
    ASSERT_TRUE(slow.back().Send(request.substr(0, request.size() - body.size())));
  }
  // Each slow client sends one body byte per 250 ms, each within the read timeout: about 13 s
  // for the whole body.
  std::atomic<bool> trickled = false;
  std::thread trickle([&] {
    for (std::size_t at = 0; at < body.size(); ++at) {
      for (RawConnection& connection : slow) {
        connection.Send(body.substr(at, 1));
      }
      std::this_thread::sleep_for(milliseconds(250));
    }
    trickled = true;
  });
  const std::string response = Echo("prompt");
  // The answer came before the slow bodies were complete.
  EXPECT_FALSE(trickled.load());
  trickle.join();
  ASSERT_EQ(testing::StatusOf(response), 200) << response;
  // A body that arrives slowly but completely is answered.
  for (int i = 0; i < kSlow; ++i) {
    const std::string answer = slow[i].ReadUntilClosed(seconds(60));
    ASSERT_EQ(testing::StatusOf(answer), 200) << "slow client " << i << ": " << answer;
    EXPECT_EQ(Json::parse(testing::BodyOf(answer))["bytes"], body.size());
  }
}

TEST_F(RobustnessTest, StalledBodyClosedAfterReadTimeout) {
  ServerConfig config;
  config.read_timeout = seconds(1);
  StartServer(config);
  RawConnection stalled(server_->port());
  const std::string request = PostRequest("/v1/echo/x", token_, R"({"never": "finished"})");
  ASSERT_TRUE(stalled.Send(request.substr(0, request.size() - 5)));
  EXPECT_TRUE(stalled.ClosedWithin(seconds(60)));
}

TEST_F(RobustnessTest, FullPoolDelaysNewClient) {
  ServerConfig config;
  config.read_timeout = seconds(1);
  config.threads = 4;
  StartServer(config);
  std::vector<RawConnection> stalled;
  for (int i = 0; i < 4; ++i) {
    stalled.emplace_back(server_->port());
    ASSERT_TRUE(stalled.back().Send("POST /v1/echo/slow HTTP/1.1\r\n"));
  }
  // The documented limit: the fifth client waits until a stalled one times out.
  const std::string response = Echo("fifth", seconds(60));
  ASSERT_EQ(testing::StatusOf(response), 200) << response;
  EXPECT_EQ(Json::parse(testing::BodyOf(response))["name"], "fifth");
}

}  // namespace
}  // namespace rampart::server
