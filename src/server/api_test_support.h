// A test fixture that runs the HTTP server on 127.0.0.1 with a fresh database in a temporary
// folder, one token per scope, and a client.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "server/api_support.h"
#include "server/http_server.h"
#include "store/sqlite_finding_store.h"
#include "store/token_store.h"

namespace rampart::server {

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Adds the routes under test; called before the server starts.
  virtual void AddRoutes(HttpServer& server) = 0;
  // Adjusts the server configuration before the server starts.
  virtual void Configure(ServerConfig& /*config*/) {}

  // Posts `body` with the token of `scope` ("" sends no token) and returns the response.
  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& scope = "admin",
                       const std::string& content_type = "application/json");
  httplib::Result Get(const std::string& path, const std::string& scope = "admin");
  httplib::Result Delete(const std::string& path, const std::string& scope = "admin");
  httplib::Result Put(const std::string& path, const std::string& body,
                      const std::string& scope = "admin");

  httplib::Headers Bearer(const std::string& scope);

  std::filesystem::path folder_;
  std::string db_;
  std::unique_ptr<store::TokenStore> tokens_;
  std::map<std::string, std::string> token_by_scope_;
  std::unique_ptr<store::SqliteFindingStore> findings_;
  std::unique_ptr<store::AuditLog> audit_;
  ApiStores stores_;
  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

// Returns the folder of real findings in ../shared/data, or an empty path when it is absent.
std::filesystem::path SharedFindings();

// Parses a response body, failing the test when it is not JSON.
Json BodyJson(const httplib::Result& response);

}  // namespace rampart::server
