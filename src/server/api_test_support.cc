#include "server/api_test_support.h"

#include <unistd.h>

#include <atomic>

namespace rampart::server {

void ApiTest::SetUp() {
  static std::atomic<int> counter{0};
  folder_ = std::filesystem::temp_directory_path() /
            ("rampart_api_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(folder_);
  std::filesystem::create_directories(folder_);
  db_ = (folder_ / "rampart.db").string();

  auto tokens = store::TokenStore::Open(db_);
  ASSERT_TRUE(tokens.has_value()) << tokens.status().message();
  tokens_ = std::move(*tokens);
  for (const char* scope : store::kTokenScopes) {
    auto token = tokens_->Create(std::string(scope) + "-token", {scope});
    ASSERT_TRUE(token.has_value());
    token_by_scope_[scope] = *token;
  }
  auto findings = store::SqliteFindingStore::Open(db_);
  ASSERT_TRUE(findings.has_value()) << findings.status().message();
  findings_ = std::move(*findings);
  auto audit = store::AuditLog::Open(db_);
  ASSERT_TRUE(audit.has_value()) << audit.status().message();
  audit_ = std::move(*audit);
  stores_.findings = findings_.get();
  stores_.audit = audit_.get();
  stores_.metrics = &metrics_;

  ServerConfig config;
  config.listen = "127.0.0.1:0";
  Configure(config);
  server_ = std::make_unique<HttpServer>(config, *tokens_, metrics_);
  AddRoutes(*server_);
  auto started = server_->Start();
  ASSERT_TRUE(started.ok()) << started.message();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
}

void ApiTest::TearDown() {
  client_.reset();
  server_.reset();
  audit_.reset();
  findings_.reset();
  tokens_.reset();
  std::filesystem::remove_all(folder_);
}

httplib::Headers ApiTest::Bearer(const std::string& scope) {
  if (scope.empty()) {
    return {};
  }
  return {{"Authorization", "Bearer " + token_by_scope_.at(scope)}};
}

httplib::Result ApiTest::Post(const std::string& path, const std::string& body,
                              const std::string& scope, const std::string& content_type) {
  return client_->Post(path, Bearer(scope), body, content_type);
}

httplib::Result ApiTest::Get(const std::string& path, const std::string& scope) {
  return client_->Get(path, Bearer(scope));
}

httplib::Result ApiTest::Delete(const std::string& path, const std::string& scope) {
  return client_->Delete(path, Bearer(scope));
}

httplib::Result ApiTest::Put(const std::string& path, const std::string& body,
                             const std::string& scope) {
  return client_->Put(path, Bearer(scope), body, "application/json");
}

std::filesystem::path SharedFindings() {
  const std::filesystem::path folder = std::filesystem::path(RAMPART_SHARED_DATA) / "findings";
  return std::filesystem::exists(folder) ? folder : std::filesystem::path();
}

Json BodyJson(const httplib::Result& response) {
  EXPECT_TRUE(response);
  if (!response) {
    return Json();
  }
  auto json = ParseJson(response->body, "response body");
  EXPECT_TRUE(json.has_value()) << response->body;
  return json ? *json : Json();
}

}  // namespace rampart::server
