// Malformed and oversized request bodies against the real import route, sent on plain sockets
// while another client keeps importing: each bad request gets its error and the import goes on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/file.h"
#include "server/api_test_support.h"
#include "server/findings_api.h"
#include "server/testing/raw_http.h"

namespace rampart::server {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;
using testing::PostRequest;
using testing::RawConnection;

constexpr std::size_t kLimit = 64 * 1024;

class LimitsApiTest : public ApiTest {
 protected:
  void AddRoutes(HttpServer& server) override { AddFindingRoutes(server, stores_); }
  void Configure(ServerConfig& config) override {
    config.max_body_bytes = kLimit;
    config.requests_per_second = 1e9;
    config.burst = 1e9;
  }

  // Sends `request` on a new connection and returns the response.
  std::string Send(const std::string& request) {
    RawConnection connection(server_->port());
    EXPECT_GE(connection.fd(), 0);
    connection.Send(request);  // the server may close before reading an oversized body
    return connection.ReadUntilClosed(seconds(60));
  }
  std::string Token() { return token_by_scope_.at("import"); }
};

// A chunked request whose chunks add up to `size` bytes.
std::string ChunkedRequest(const std::string& token, std::size_t size) {
  std::string request =
      "POST /v1/findings/import HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
      "Authorization: Bearer " +
      token + "\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(4096, ' ');
  for (std::size_t sent = 0; sent < size; sent += chunk.size()) {
    request += "1000\r\n" + chunk + "\r\n";
  }
  return request + "0\r\n\r\n";
}

TEST_F(LimitsApiTest, BadBodiesRejectedDuringImports) {
  if (SharedFindings().empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  auto text = ReadFile((SharedFindings() / "trivy/alpine-310.asff.json").string());
  ASSERT_TRUE(text.has_value());
  const Json real = Json::parse(*text)["Findings"][0];

  // The other client imports the real finding under new Ids for as long as the test runs.
  std::atomic<bool> stop = false;
  std::atomic<int> imported = 0;
  std::atomic<int> failed = 0;
  std::thread importer([&] {
    httplib::Client client("127.0.0.1", server_->port());
    for (int i = 0; !stop || i < 5; ++i) {
      Json finding = real;
      finding["Id"] = "limits-" + std::to_string(i);
      const Json body = {{"Findings", Json::array({finding})}};
      auto response =
          client.Post("/v1/findings/import", Bearer("import"), body.dump(), "application/json");
      (response && response->status == 200 &&
               response->body.find("\"SuccessCount\":1") != std::string::npos
           ? imported
           : failed)++;
    }
  });

  const std::string malformed =
      Send(PostRequest("/v1/findings/import", Token(), "{\"Findings\": [\n  {\"Id\": }]}"));
  EXPECT_EQ(testing::StatusOf(malformed), 400) << malformed;
  EXPECT_THAT(testing::BodyOf(malformed), HasSubstr("line 2, column"));

  const std::string large_body(kLimit + 1, ' ');
  const std::string oversized = Send(PostRequest("/v1/findings/import", Token(), large_body));
  EXPECT_EQ(testing::StatusOf(oversized), 413) << oversized;
  EXPECT_THAT(testing::BodyOf(oversized), HasSubstr("PayloadTooLarge"));

  // A Content-Length far above the limit with only a few bytes sent is refused at once.
  std::string lie = PostRequest("/v1/findings/import", Token(), "{}");
  lie.replace(lie.find("Content-Length: 2"), 17, "Content-Length: 9999999999");
  const std::string claimed = Send(lie);
  EXPECT_EQ(testing::StatusOf(claimed), 413) << claimed;

  const std::string chunked = Send(ChunkedRequest(Token(), 4 * kLimit));
  EXPECT_EQ(testing::StatusOf(chunked), 413) << chunked;

  // A Content-Length below the bytes sent: the server reads only what was declared.
  const std::string declared = PostRequest("/v1/findings/import", Token(), "{\"Fi");
  const std::string short_length = Send(declared + "ndings\": []}" + std::string(kLimit, 'x'));
  EXPECT_EQ(testing::StatusOf(short_length), 400) << short_length;

  stop = true;
  importer.join();
  EXPECT_EQ(failed.load(), 0);
  ASSERT_GE(imported.load(), 5);
  const Json query = {{"Filters", {{"Id", {{{"Value", "limits-4"}, {"Comparison", "EQUALS"}}}}}}};
  const Json page = BodyJson(Post("/v1/findings/query", query.dump(), "read"));
  ASSERT_EQ(page["Findings"].size(), 1u) << page.dump();
  EXPECT_EQ(page["Findings"][0]["GeneratorId"], real["GeneratorId"]);
}

// A minimal valid ASFF finding; without a title when `valid` is false.
Json SmallFinding(const std::string& id, bool valid) {
  Json finding{
      {"SchemaVersion", "2018-10-08"},
      {"Id", id},
      {"ProductArn", "arn:aws:securityhub:eu-west-1:111111111111:product/111111111111/default"},
      {"GeneratorId", "concurrent-import"},
      {"AwsAccountId", "111111111111"},
      {"Types", {"Software and Configuration Checks/Vulnerabilities/CVE"}},
      {"CreatedAt", "2026-12-01T10:00:00Z"},
      {"UpdatedAt", "2026-12-01T10:00:00Z"},
      {"Severity", {{"Label", "HIGH"}}},
      {"Title", "finding " + id},
      {"Description", "sent by one of several clients at once"},
      {"Resources", {{{"Type", "Container"}, {"Id", "registry.example/app:1"}}}}};
  if (!valid) {
    finding.erase("Title");
  }
  return finding;
}

// Requests stored in one transaction together still get their own counts and failed findings,
// and one audit entry each.
TEST_F(LimitsApiTest, ConcurrentImportsGetOwnResponses) {
  constexpr int kClients = 8;
  constexpr int kRequests = 12;
  std::mutex mutex;
  std::vector<std::string> problems;
  std::atomic<int> stored = 0;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", server_->port());
      for (int r = 0; r < kRequests; ++r) {
        const int valid = 1 + (c * kRequests + r) % 20;
        const std::string prefix = std::to_string(c) + "-" + std::to_string(r);
        Json findings = Json::array();
        for (int i = 0; i < valid; ++i) {
          findings.push_back(SmallFinding(prefix + "-" + std::to_string(i), true));
        }
        findings.push_back(SmallFinding("bad-" + prefix, false));
        auto response = client.Post("/v1/findings/import", Bearer("import"),
                                    Json{{"Findings", findings}}.dump(), "application/json");
        const Json answer = response && response->status == 200
                                ? Json::parse(response->body, nullptr, false)
                                : Json();
        const bool right = answer.is_object() && answer["SuccessCount"] == valid &&
                           answer["FailedCount"] == 1 &&
                           answer["FailedFindings"][0]["Id"] == "bad-" + prefix;
        std::lock_guard lock(mutex);
        if (!right) {
          problems.push_back(prefix + ": " + (response ? response->body : "no response"));
        }
        stored += valid;
      }
    });
  }
  for (auto& client : clients) {
    client.join();
  }
  EXPECT_THAT(problems, ::testing::IsEmpty());

  const Json groups =
      BodyJson(Post("/v1/findings/group-by", R"({"GroupByAttribute": "AwsAccountId"})", "read"));
  ASSERT_EQ(groups["ResultValues"].size(), 1u) << groups.dump();
  EXPECT_EQ(groups["ResultValues"][0]["Count"], stored.load());
  auto entries = audit_->Entries(0, 1000);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), static_cast<std::size_t>(kClients * kRequests));
  for (const auto& entry : *entries) {
    EXPECT_EQ(entry.actor, "import-token");
    EXPECT_EQ(entry.details["failed"], 1);
  }
  auto report = audit_->Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(stores_.imports.requests(), static_cast<std::size_t>(kClients * kRequests));
}

}  // namespace
}  // namespace rampart::server
