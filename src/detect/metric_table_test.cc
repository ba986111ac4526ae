#include "detect/metric_table.h"

#include <gtest/gtest.h>

namespace rampart::detect {
namespace {

TEST(MetricTable, OneRowPerTimeAndColumnPerSeries) {
  const MetricReadResult metrics = ParsePrometheusText(
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "http_requests_total{method=\"post\",code=\"400\"} 3 1395066363000\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1040 1395066378000\n"
      "temperature 21.5 1395066378000\n"
      "temperature NaN 1395066393000\n"
      "temperature 22\n"
      "temperature 23 9223372036854775807\n",
      "metrics.prom");
  ASSERT_TRUE(metrics.problems.empty());
  std::vector<LogProblem> problems;
  auto table = MetricTable(metrics.samples, "metrics.prom", problems);
  ASSERT_TRUE(table.has_value()) << table.status().ToString();

  EXPECT_EQ(table->header,
            (std::vector<std::string>{
                "timestamp", "http_requests_total{code=\"200\",method=\"post\"}",
                "http_requests_total{code=\"400\",method=\"post\"}", "temperature"}));
  ASSERT_EQ(table->rows.size(), 2u);
  // The first row has no temperature yet, so it takes the series' first value. The second
  // row has no sample for code 400, so it keeps the previous one.
  EXPECT_EQ(table->rows[0],
            (std::vector<std::string>{"2014-03-17T14:26:03.000Z", "1027", "3", "21.5"}));
  EXPECT_EQ(table->rows[1],
            (std::vector<std::string>{"2014-03-17T14:26:18.000Z", "1040", "3", "21.5"}));
  EXPECT_EQ(table->line_numbers, (std::vector<std::size_t>{2, 4}));

  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].line, 6u);
  EXPECT_NE(problems[0].message.find("not finite"), std::string::npos) << problems[0].message;
  EXPECT_NE(problems[1].message.find("no timestamp"), std::string::npos) << problems[1].message;
  EXPECT_NE(problems[2].message.find("outside the years"), std::string::npos)
      << problems[2].message;
}

// A series is its label set: the order in which labels are written does not matter, and a
// value is named with its escapes, so two different values never share a column name.
TEST(MetricTable, SeriesIsItsLabelSet) {
  const MetricReadResult metrics = ParsePrometheusText(
      "m{a=\"1\",b=\"2\"} 1 1000\n"
      "m{b=\"2\",a=\"1\"} 2 2000\n"
      "m{a=\"x\\\"y\"} 3 1000\n"
      "m{a=\"x\\ny\"} 4 1000\n",
      "metrics.prom");
  ASSERT_TRUE(metrics.problems.empty()) << metrics.problems[0].message;
  std::vector<LogProblem> problems;
  auto table = MetricTable(metrics.samples, "metrics.prom", problems);
  ASSERT_TRUE(table.has_value()) << table.status().ToString();
  EXPECT_EQ(table->header, (std::vector<std::string>{"timestamp", "m{a=\"1\",b=\"2\"}",
                                                     "m{a=\"x\\\"y\"}", "m{a=\"x\\ny\"}"}));
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[1][1], "2");
}

TEST(MetricTable, NeedsTimestamps) {
  const MetricReadResult metrics = ParsePrometheusText("up 1\n", "metrics.prom");
  std::vector<LogProblem> problems;
  auto table = MetricTable(metrics.samples, "metrics.prom", problems);
  ASSERT_FALSE(table.has_value());
  EXPECT_NE(table.status().message().find("no sample has a timestamp"), std::string::npos);
}

}  // namespace
}  // namespace rampart::detect
