#include "detect/prometheus.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <cmath>
#include <thread>

#include <fmt/format.h>

namespace rampart::detect {
namespace {

// Lines in the form of the Prometheus exposition format documentation's example.
constexpr std::string_view kExposition =
    R"(# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

metric_without_timestamp_and_labels 12.47
something_weird{problem="division by zero"} +Inf -3982045
rpc_duration_seconds{quantile="0.5"} 4773
)";

TEST(PrometheusText, ParsesDocumentedExample) {
  const MetricReadResult result = ParsePrometheusText(kExposition, "metrics.txt");
  EXPECT_TRUE(result.problems.empty());
  ASSERT_EQ(result.samples.size(), 6u);
  EXPECT_EQ(result.samples[0].name, "http_requests_total");
  ASSERT_EQ(result.samples[0].labels.size(), 2u);
  EXPECT_EQ(result.samples[0].labels[1].second, "200");
  EXPECT_EQ(result.samples[0].value, 1027.0);
  EXPECT_EQ(result.samples[0].timestamp_ms, 1395066363000);
  EXPECT_EQ(result.samples[2].labels[0].second, "C:\\DIR\\FILE.TXT");
  EXPECT_EQ(result.samples[2].labels[1].second, "Cannot find file:\n\"FILE.TXT\"");
  EXPECT_FALSE(result.samples[3].timestamp_ms.has_value());
  EXPECT_TRUE(std::isinf(result.samples[4].value));
  EXPECT_EQ(result.samples[4].timestamp_ms, -3982045);
}

TEST(PrometheusText, ReportsBadLineAndKeepsOthers) {
  const MetricReadResult result =
      ParsePrometheusText("up 1\nbroken{a=\"x} 2\nup 3 notatime\ndown 0\n", "metrics.txt");
  EXPECT_EQ(result.samples.size(), 2u);
  ASSERT_EQ(result.problems.size(), 2u);
  EXPECT_NE(result.problems[0].message.find("metrics.txt: line 2"), std::string::npos);
  EXPECT_NE(result.problems[1].message.find("invalid timestamp"), std::string::npos);
}

TEST(PrometheusScrape, RejectsUnlistedHost) {
  ScrapeOptions options;
  options.allowed_hosts = {"127.0.0.1"};
  auto body = ScrapePrometheus("http://198.51.100.1:9100/metrics", options);
  ASSERT_FALSE(body.has_value());
  EXPECT_NE(body.status().message().find("not in the allowed scrape hosts"), std::string::npos);
  EXPECT_FALSE(ScrapePrometheus("file:///etc/passwd", options).has_value());
}

// curl gives the host of http://[::1]/ with its brackets; the allow list names the address.
TEST(PrometheusScrape, AllowsIpv6AddressWithoutBrackets) {
  ScrapeOptions options;
  options.allowed_hosts = {"::1"};
  options.timeout = std::chrono::milliseconds(500);
  auto body = ScrapePrometheus("http://[::1]:1/metrics", options);  // nothing listens on port 1
  ASSERT_FALSE(body.has_value());
  EXPECT_NE(body.status().code(), StatusCode::kFailedPrecondition) << body.status().ToString();
  options.allowed_hosts = {"127.0.0.1"};
  auto other = ScrapePrometheus("http://[::1]:1/metrics", options);
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.status().code(), StatusCode::kFailedPrecondition) << other.status().ToString();
}

TEST(PrometheusScrape, ScrapesLocalServer) {
  httplib::Server server;
  server.Get("/metrics", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("up 1\nrequests_total{code=\"200\"} 42\n", "text/plain; version=0.0.4");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread thread([&] { server.listen_after_bind(); });
  while (!server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ScrapeOptions options;
  options.allowed_hosts = {"127.0.0.1"};
  auto body = ScrapePrometheus(fmt::format("http://127.0.0.1:{}/metrics", port), options);
  auto missing = ScrapePrometheus(fmt::format("http://127.0.0.1:{}/nothing", port), options);
  server.stop();
  thread.join();
  ASSERT_TRUE(body.has_value()) << body.status().ToString();
  const MetricReadResult result = ParsePrometheusText(*body, "scrape");
  ASSERT_EQ(result.samples.size(), 2u);
  EXPECT_EQ(result.samples[1].value, 42.0);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.status().message().find("HTTP 404"), std::string::npos);
}

}  // namespace
}  // namespace rampart::detect
