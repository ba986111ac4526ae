#include "remediate/webhook_action.h"

#include <httplib.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "remediate/testing/test_util.h"

namespace rampart::remediate {
namespace {

// A receiver on 127.0.0.1 that records the requests it gets.
class Receiver {
 public:
  Receiver() {
    server_.Post("/hook", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard<std::mutex> lock(mutex_);
      bodies_.push_back(request.body);
      headers_.push_back(request.headers);
      response.status = status_;
    });
    server_.Post("/moved", [](const httplib::Request&, httplib::Response& response) {
      response.status = 307;
      response.set_header("Location", "/hook");
    });
    server_.Post("/away", [](const httplib::Request&, httplib::Response& response) {
      response.status = 307;
      response.set_header("Location", "https://attacker.example/steal");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> lock(mutex_);
    return bodies_;
  }
  httplib::Headers last_headers() {
    std::lock_guard<std::mutex> lock(mutex_);
    return headers_.back();
  }
  void set_status(int status) { status_ = status; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<std::string> bodies_;
  std::vector<httplib::Headers> headers_;
  std::atomic<int> status_{200};
};

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    context_.allow.hosts = {"127.0.0.1"};
    context_.environment = [](std::string_view name) -> std::optional<std::string> {
      if (name == "PAGER_TOKEN") return "s3cr3t-token";
      return std::nullopt;
    };
  }
  ActionRequest Request(Json params, bool dry_run = false) {
    ActionRequest request;
    request.params = std::move(params);
    request.finding = {{"Id", "f-1"}, {"Title", "Root login \"from\" abroad"}};
    request.event = {{"detail-type", "Security Hub Findings - Imported"}};
    request.dry_run = dry_run;
    request.idempotency_key = "key-9";
    return request;
  }
  Receiver receiver_;
  ActionContext context_;
  std::unique_ptr<Action> action_ = MakeWebhookAction();
};

TEST_F(WebhookTest, PostsTemplateWithHeaders) {
  const Json params = {{"url", receiver_.url("/hook")},
                       {"template", {{"text", "Finding {{ Title }}"}, {"id", "{{ Id }}"}}},
                       {"headers", {{"X-Team", "payments"}}},
                       {"headers_from_env", {{"Authorization", "PAGER_TOKEN"}}}};
  auto result = action_->Run(Request(params), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  ASSERT_EQ(receiver_.bodies().size(), 1u);
  const Json body = Json::parse(receiver_.bodies()[0]);
  EXPECT_EQ(body["text"], "Finding Root login \"from\" abroad");
  EXPECT_EQ(body["id"], "f-1");
  const auto headers = receiver_.last_headers();
  EXPECT_EQ(headers.find("Authorization")->second, "s3cr3t-token");
  EXPECT_EQ(headers.find("X-Team")->second, "payments");
  EXPECT_EQ(headers.find("Idempotency-Key")->second, "key-9");
  EXPECT_EQ(result->output.find("s3cr3t"), std::string::npos);
}

TEST_F(WebhookTest, EventIsTheDefaultBody) {
  auto result = action_->Run(Request({{"url", receiver_.url("/hook")}}), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_EQ(Json::parse(receiver_.bodies().at(0))["detail-type"],
            "Security Hub Findings - Imported");
}

TEST_F(WebhookTest, HostOffAllowListIsNotContacted) {
  context_.allow.hosts = {"hooks.example.com"};
  auto result = action_->Run(Request({{"url", receiver_.url("/hook")}}), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(receiver_.bodies().empty());
}

TEST_F(WebhookTest, RedirectsStayOnSameOrigin) {
  auto same = action_->Run(Request({{"url", receiver_.url("/moved")}}), context_);
  ASSERT_TRUE(same.has_value()) << same.status().ToString();
  EXPECT_EQ(receiver_.bodies().size(), 1u);
  auto away = action_->Run(Request({{"url", receiver_.url("/away")}}), context_);
  ASSERT_FALSE(away.has_value());
  EXPECT_EQ(away.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(away.status().message().find("not followed"), std::string::npos);
}

TEST_F(WebhookTest, StatusCodesMapToRetry) {
  receiver_.set_status(503);
  auto unavailable = action_->Run(Request({{"url", receiver_.url("/hook")}}), context_);
  ASSERT_FALSE(unavailable.has_value());
  EXPECT_EQ(unavailable.status().code(), StatusCode::kUnavailable);
  receiver_.set_status(400);
  auto rejected = action_->Run(Request({{"url", receiver_.url("/hook")}}), context_);
  ASSERT_FALSE(rejected.has_value());
  EXPECT_EQ(rejected.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(WebhookTest, DryRunSendsNothingAndHidesPath) {
  auto result = action_->Run(Request({{"url", receiver_.url("/hook?token=abc")}}, true), context_);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_FALSE(result->changed);
  EXPECT_TRUE(receiver_.bodies().empty());
  EXPECT_EQ(result->diff.find("token=abc"), std::string::npos);
  EXPECT_NE(result->diff.find("POST to host 127.0.0.1"), std::string::npos);
}

TEST_F(WebhookTest, PlainHttpOnlyToLoopback) {
  context_.allow.hosts = {"*"};
  auto result = action_->Run(Request({{"url", "http://hooks.example.com/x"}}), context_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(action_->Validate({{"url", "ftp://x/"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(action_->Validate({{"url", "https://x/"}, {"headers", {{"Bad\nName", "v"}}}}).code(),
            StatusCode::kInvalidArgument);
}

TEST(WebhookTls, CertificateIsVerified) {
  testing::TempDir dir;
  const std::string d = dir.path();
  testing::WriteText(d + "/san.cnf", "subjectAltName=IP:127.0.0.1\n");
  for (const std::vector<std::string>& argv : std::vector<std::vector<std::string>>{
           {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=hook-ca", "-keyout", d + "/ca.key", "-out", d + "/ca.pem"},
           {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
            d + "/server.key", "-out", d + "/server.csr"},
           {"openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey",
            d + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile", d + "/san.cnf", "-out",
            d + "/server.pem"}}) {
    auto ran = testing::RunTool(argv, d);
    if (!ran && ran.status().code() == StatusCode::kNotFound) {
      GTEST_SKIP() << "openssl is not installed; scripts/install-deps installs it";
    }
    ASSERT_TRUE(ran.has_value()) << ran.status().ToString();
  }
  httplib::SSLServer server((d + "/server.pem").c_str(), (d + "/server.key").c_str());
  std::atomic<int> received{0};
  server.Post("/hook", [&](const httplib::Request&, httplib::Response& response) {
    ++received;
    response.status = 204;
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  while (!server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ActionContext context;
  context.allow.hosts = {"127.0.0.1"};
  ActionRequest request;
  request.dry_run = false;
  request.params = {{"url", "https://127.0.0.1:" + std::to_string(port) + "/hook"}};
  auto untrusted = MakeWebhookAction()->Run(request, context);
  EXPECT_FALSE(untrusted.has_value());
  EXPECT_EQ(untrusted.status().code(), StatusCode::kUnavailable);
  context.ca_file = d + "/ca.pem";
  auto trusted = MakeWebhookAction()->Run(request, context);
  EXPECT_TRUE(trusted.has_value()) << trusted.status().ToString();
  EXPECT_EQ(received.load(), 1);
  server.stop();
  thread.join();
}

}  // namespace
}  // namespace rampart::remediate
