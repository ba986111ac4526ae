#include "core/metrics.h"

#include <gtest/gtest.h>

namespace rampart {
namespace {

TEST(Metrics, CounterRendersWithLabels) {
  MetricsRegistry registry;
  registry
      .GetCounter("rampart_findings_imported_total", "Findings imported.", {{"format", "trivy"}})
      .Increment(3);
  const std::string text = registry.Render();
  EXPECT_NE(text.find("# TYPE rampart_findings_imported_total counter"), std::string::npos);
  EXPECT_NE(text.find("rampart_findings_imported_total{format=\"trivy\"} 3\n"), std::string::npos);
}

TEST(Metrics, SameSeriesIsReturnedTwice) {
  MetricsRegistry registry;
  Counter& first = registry.GetCounter("c", "h", {{"a", "1"}});
  Counter& second = registry.GetCounter("c", "h", {{"a", "1"}});
  EXPECT_EQ(&first, &second);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  Histogram& histogram = registry.GetHistogram("latency_seconds", "Latency.", {}, {0.1, 1.0});
  histogram.Observe(0.05);
  histogram.Observe(0.5);
  histogram.Observe(5);
  const std::string text = registry.Render();
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_sum 5.55\n"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(RenderLabels({{"path", "a\"b\\c\nd"}}), "{path=\"a\\\"b\\\\c\\nd\"}");
}

}  // namespace
}  // namespace rampart
