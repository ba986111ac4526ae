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
  std::vector<std::string> gaps;
  auto table = MetricTable(metrics.samples, "metrics.prom", problems, gaps);
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

  // Code 400 and temperature each lack a sample at one of the two times.
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_NE(gaps[0].find("code=\"400\""), std::string::npos) << gaps[0];
  EXPECT_NE(gaps[0].find("no sample at 1 of 2 times"), std::string::npos) << gaps[0];
  EXPECT_NE(gaps[1].find("temperature has no sample at 1 of 2 times"), std::string::npos)
      << gaps[1];
}

// A second value of a series at one time is rejected and the first one kept, as Prometheus
// keeps it. The same value again is the same sample and passes without a problem.
TEST(MetricTable, SecondValueAtOneTimeRejected) {
  const MetricReadResult metrics = ParsePrometheusText(
      "up 1 1000\n"
      "load 0.5 1000\n"
      "up 0 1000\n"
      "load 0.5 1000\n"
      "up 1 2000\n"
      "load 0.7 2000\n",
      "metrics.prom");
  ASSERT_TRUE(metrics.problems.empty()) << metrics.problems[0].message;
  std::vector<LogProblem> problems;
  std::vector<std::string> gaps;
  auto table = MetricTable(metrics.samples, "metrics.prom", problems, gaps);
  ASSERT_TRUE(table.has_value()) << table.status().ToString();

  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0], (std::vector<std::string>{"1970-01-01T00:00:01.000Z", "1", "0.5"}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 3u);
  EXPECT_NE(problems[0].message.find("series up already has another value at "
                                     "1970-01-01T00:00:01.000Z (line 1)"),
            std::string::npos)
      << problems[0].message;
  EXPECT_TRUE(gaps.empty());
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
  std::vector<std::string> gaps;
  auto table = MetricTable(metrics.samples, "metrics.prom", problems, gaps);
  ASSERT_TRUE(table.has_value()) << table.status().ToString();
  EXPECT_EQ(table->header, (std::vector<std::string>{"timestamp", "m{a=\"1\",b=\"2\"}",
                                                     "m{a=\"x\\\"y\"}", "m{a=\"x\\ny\"}"}));
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[1][1], "2");
}

TEST(MetricTable, NeedsTimestamps) {
  const MetricReadResult metrics = ParsePrometheusText("up 1\n", "metrics.prom");
  std::vector<LogProblem> problems;
  std::vector<std::string> gaps;
  auto table = MetricTable(metrics.samples, "metrics.prom", problems, gaps);
  ASSERT_FALSE(table.has_value());
  EXPECT_NE(table.status().message().find("no sample has a timestamp"), std::string::npos);
}

}  // namespace
}  // namespace rampart::detect
