#include "server/insights_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "core/file.h"
#include "server/api_test_support.h"
#include "server/findings_api.h"

namespace rampart::server {
namespace {

using ::testing::HasSubstr;

// A minimal valid ASFF finding created at `created_at`.
Json MakeFinding(const std::string& id, const std::string& label, const std::string& created_at,
                 const Json& compliance = nullptr) {
  Json finding{
      {"SchemaVersion", "2018-10-08"},
      {"Id", id},
      {"ProductArn", "arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default"},
      {"GeneratorId", "console-test"},
      {"AwsAccountId", "111111111111"},
      {"Types", {"Software and Configuration Checks/Vulnerabilities/CVE"}},
      {"CreatedAt", created_at},
      {"UpdatedAt", created_at},
      {"Severity", {{"Label", label}}},
      {"Title", "finding " + id},
      {"Description", "made by the insights test"},
      {"Resources", {{{"Type", "Container"}, {"Id", "registry.example/app:1"}}}}};
  if (!compliance.is_null()) {
    finding["Compliance"] = compliance;
  }
  return finding;
}

class InsightsApiTest : public ApiTest {
 protected:
  void AddRoutes(HttpServer& server) override {
    AddFindingRoutes(server, stores_);
    AddInsightRoutes(server, stores_);
  }

  // Imports `findings` in batches, of which `failed` are expected to fail.
  void Import(const std::vector<Json>& findings, int failed = 0) {
    for (std::size_t start = 0; start < findings.size(); start += kMaxImportFindings) {
      const std::size_t end = std::min(findings.size(), start + kMaxImportFindings);
      std::vector<Json> batch(findings.begin() + static_cast<std::ptrdiff_t>(start),
                              findings.begin() + static_cast<std::ptrdiff_t>(end));
      const Json answer = BodyJson(Post("/v1/findings/import", Json{{"Findings", batch}}.dump()));
      failed -= answer["FailedCount"].get<int>();
    }
    EXPECT_EQ(failed, 0) << "failed imports differ from the expected count";
  }

  std::int64_t CountOf(const Json& filters) {
    return BodyJson(Post("/v1/findings/count", Json{{"Filters", filters}}.dump(), "read"))["Count"]
        .get<std::int64_t>();
  }
};

TEST_F(InsightsApiTest, HistoryListsCreationThenUpdate) {
  const Json finding = MakeFinding("f-1", "HIGH", "2024-03-01T10:00:00.000Z");
  Import({finding});
  const Json update{
      {"FindingIdentifiers", {{{"Id", "f-1"}, {"ProductArn", finding["ProductArn"]}}}},
      {"Workflow", {{"Status", "SUPPRESSED"}}}};
  auto updated = Post("/v1/findings/update", update.dump(), "update");
  ASSERT_TRUE(updated);
  ASSERT_EQ(updated->status, 200) << updated->body;

  const std::string path =
      "/v1/findings/history?ProductArn=" + finding["ProductArn"].get<std::string>() + "&Id=f-1";
  const Json history = BodyJson(Get(path, "read"));
  ASSERT_EQ(history["Records"].size(), 2u) << history.dump();
  EXPECT_EQ(history["Records"][0]["FindingCreated"], true);
  EXPECT_EQ(history["Records"][0]["UpdateSource"]["Identity"], "admin-token");
  const Json& change = history["Records"][1];
  EXPECT_EQ(change["UpdateSource"]["Type"], "BATCH_UPDATE_FINDINGS");
  EXPECT_EQ(change["UpdateSource"]["Identity"], "update-token");
  bool workflow_changed = false;
  for (const Json& item : change["Updates"]) {
    if (item["UpdatedField"] == "Workflow.Status") {
      workflow_changed = true;
      EXPECT_EQ(item["OldValue"], "NEW");
      EXPECT_EQ(item["NewValue"], "SUPPRESSED");
    }
  }
  EXPECT_TRUE(workflow_changed) << change.dump();
}

TEST_F(InsightsApiTest, HistoryRejectsBadRequests) {
  auto missing = Get("/v1/findings/history?Id=f-1", "read");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_THAT(BodyJson(missing)["Message"].get<std::string>(), HasSubstr("ProductArn"));
  auto unknown = Get("/v1/findings/history?ProductArn=arn:x&Id=none", "read");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  auto anonymous = Get("/v1/findings/history?ProductArn=arn:x&Id=none", "");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

TEST_F(InsightsApiTest, CountMatchesRealFindingsBySeverity) {
  if (SharedFindings().empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  auto text = ReadFile((SharedFindings() / "trivy/alpine-310.asff.json").string());
  ASSERT_TRUE(text.has_value());
  auto report = ParseJson(*text, "alpine-310.asff.json");
  ASSERT_TRUE(report.has_value());
  // Trivy's template gives two findings of one CVE the same Id, so the file has fewer distinct
  // findings than entries. Each Id counts once, as in the store, and each second copy fails.
  std::map<std::string, std::string> label_by_id;
  for (const Json& finding : (*report)["Findings"]) {
    label_by_id.emplace(finding["Id"].get<std::string>(), finding["Severity"]["Label"]);
  }
  const auto findings = (*report)["Findings"].get<std::vector<Json>>();
  Import(findings, static_cast<int>(findings.size() - label_by_id.size()));

  EXPECT_EQ(CountOf(Json::object()), static_cast<std::int64_t>(label_by_id.size()));
  std::map<std::string, std::int64_t> expected;
  for (const auto& [id, label] : label_by_id) {
    ++expected[label];
  }
  for (const auto& [label, count] : expected) {
    EXPECT_EQ(CountOf({{"SeverityLabel", {{{"Value", label}, {"Comparison", "EQUALS"}}}}}), count)
        << label;
  }
  auto bad = Post("/v1/findings/count", R"({"Filters": {"Colour": []}})", "read");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(BodyJson(bad)["Message"].get<std::string>(),
              ::testing::StartsWith("$.Filters.Colour: unknown filter field"));
  auto misspelled = Post("/v1/findings/count", R"({"Filter": {}})", "read");
  ASSERT_TRUE(misspelled);
  EXPECT_EQ(misspelled->status, 400);
  EXPECT_THAT(BodyJson(misspelled)["Message"].get<std::string>(),
              HasSubstr("unknown member \"Filter\"; expected Filters"));
}

TEST_F(InsightsApiTest, SeveritySeriesCountsPerDay) {
  Import({MakeFinding("a", "HIGH", "2024-03-01T00:00:00.000Z"),
          MakeFinding("b", "HIGH", "2024-03-01T12:30:00.000Z"),
          MakeFinding("c", "LOW", "2024-03-01T23:59:59.999Z"),
          MakeFinding("d", "CRITICAL", "2024-03-03T00:00:00.000Z"),
          MakeFinding("e", "MEDIUM", "2024-03-03T08:00:00+02:00")});

  const Json days = BodyJson(Get("/v1/findings/severity-series?interval=day", "read"));
  EXPECT_EQ(days["Interval"], "day");
  EXPECT_EQ(days["Field"], "CreatedAt");
  ASSERT_EQ(days["Buckets"].size(), 3u) << days.dump();
  EXPECT_EQ(days["Buckets"][0]["Start"], "2024-03-01T00:00:00.000Z");
  EXPECT_EQ(days["Buckets"][0]["End"], "2024-03-01T23:59:59.999999Z");
  EXPECT_EQ(days["Buckets"][0]["Counts"]["HIGH"], 2);
  EXPECT_EQ(days["Buckets"][0]["Counts"]["LOW"], 1);
  EXPECT_EQ(days["Buckets"][0]["Total"], 3);
  EXPECT_EQ(days["Buckets"][1]["Total"], 0);
  EXPECT_EQ(days["Buckets"][2]["Counts"]["CRITICAL"], 1);
  // 08:00 at +02:00 is 06:00 UTC on the same day.
  EXPECT_EQ(days["Buckets"][2]["Counts"]["MEDIUM"], 1);

  // 2024-03-01 is a Friday and 2024-03-03 the Sunday after it, so one ISO week from Monday
  // 2024-02-26 contains every finding.
  const Json weeks = BodyJson(Get("/v1/findings/severity-series?interval=week", "read"));
  ASSERT_EQ(weeks["Buckets"].size(), 1u) << weeks.dump();
  EXPECT_EQ(weeks["Buckets"][0]["Start"], "2024-02-26T00:00:00.000Z");
  EXPECT_EQ(weeks["Buckets"][0]["End"], "2024-03-03T23:59:59.999999Z");
  EXPECT_EQ(weeks["Buckets"][0]["Total"], 5);

  const Json automatic = BodyJson(Get("/v1/findings/severity-series", "read"));
  EXPECT_EQ(automatic["Interval"], "day");
  const Json since =
      BodyJson(Get("/v1/findings/severity-series?since=2024-03-02T00:00:00Z", "read"));
  ASSERT_EQ(since["Buckets"].size(), 2u) << since.dump();
  EXPECT_EQ(since["Buckets"][1]["Total"], 2);
}

TEST_F(InsightsApiTest, SeveritySeriesRejectsBadParameters) {
  Import({MakeFinding("a", "HIGH", "2020-01-01T00:00:00.000Z"),
          MakeFinding("b", "HIGH", "2024-03-01T00:00:00.000Z")});
  for (const char* query : {"interval=hour", "field=Title", "since=yesterday"}) {
    auto response = Get(std::string("/v1/findings/severity-series?") + query, "read");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400) << query;
  }
  auto too_many = Get("/v1/findings/severity-series?interval=day", "read");
  ASSERT_TRUE(too_many);
  EXPECT_EQ(too_many->status, 400);
  EXPECT_THAT(BodyJson(too_many)["Message"].get<std::string>(), HasSubstr("larger interval"));
  const Json automatic = BodyJson(Get("/v1/findings/severity-series", "read"));
  EXPECT_EQ(automatic["Interval"], "month");
  EXPECT_EQ(automatic["Buckets"].size(), 51u);
}

// A finding dated decades back (a wrong clock, say) no longer turns the default series into
// an error or hundreds of buckets: it shows the newest 60 months and counts the rest.
TEST_F(InsightsApiTest, AutoSeriesKeepsNewestSixtyMonths) {
  Import({MakeFinding("a", "HIGH", "1970-01-01T00:00:00.000Z"),
          MakeFinding("b", "LOW", "2019-03-31T23:59:59.999Z"),
          MakeFinding("c", "HIGH", "2019-04-01T00:00:00.000Z"),
          MakeFinding("d", "HIGH", "2024-03-01T00:00:00.000Z")});
  const Json series = BodyJson(Get("/v1/findings/severity-series", "read"));
  EXPECT_EQ(series["Interval"], "month");
  ASSERT_EQ(series["Buckets"].size(), 60u) << series.dump();
  // March 2024 and the 59 months before it start in April 2019.
  EXPECT_EQ(series["Buckets"][0]["Start"], "2019-04-01T00:00:00.000Z");
  EXPECT_EQ(series["Buckets"][0]["Total"], 1);
  EXPECT_EQ(series["Buckets"][59]["Start"], "2024-03-01T00:00:00.000Z");
  EXPECT_EQ(series["EarlierTotal"], 2);

  auto months = Get("/v1/findings/severity-series?interval=month", "read");
  ASSERT_TRUE(months);
  EXPECT_EQ(months->status, 400) << "an explicit interval keeps its limit of 400 buckets";
}

TEST_F(InsightsApiTest, SeveritySeriesOfEmptyStore) {
  const Json series = BodyJson(Get("/v1/findings/severity-series", "read"));
  EXPECT_TRUE(series["Buckets"].empty()) << series.dump();
}

TEST_F(InsightsApiTest, ComplianceSummaryScoresStandards) {
  const Json failed{{"Status", "FAILED"}, {"RelatedRequirements", {"PCI DSS v4.0.1/8.6.2"}}};
  const Json passed{{"Status", "PASSED"}, {"RelatedRequirements", {"PCI DSS v4.0.1/2.2.6"}}};
  const Json also_passed{{"Status", "PASSED"}, {"RelatedRequirements", {"PCI DSS v4.0.1/7.2.5"}}};
  Import({MakeFinding("p1", "HIGH", "2024-03-01T00:00:00.000Z", failed),
          MakeFinding("p2", "LOW", "2024-03-01T00:00:00.000Z", passed),
          MakeFinding("p3", "LOW", "2024-03-01T00:00:00.000Z", also_passed)});
  const Json summary = BodyJson(Get("/v1/compliance/summary", "read"));
  const Json* pci = nullptr;
  for (const Json& standard : summary["Standards"]) {
    if (standard["standard"] == "pci-dss") {
      pci = &standard;
    }
  }
  ASSERT_NE(pci, nullptr) << summary.dump();
  EXPECT_EQ((*pci)["passed"], 2);
  EXPECT_EQ((*pci)["failed"], 1);
  EXPECT_NEAR((*pci)["score"].get<double>(), 2.0 / 3.0, 1e-9);
  ASSERT_EQ((*pci)["controls"].size(), 3u);
  EXPECT_EQ((*pci)["controls"][2]["requirement"], "PCI DSS v4.0.1/8.6.2");
  EXPECT_EQ((*pci)["controls"][2]["status"], "FAILED");
}

}  // namespace
}  // namespace rampart::server
