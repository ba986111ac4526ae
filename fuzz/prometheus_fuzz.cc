// Fuzzes the Prometheus text-format reader, and the table of series built from what it read.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "detect/metric_table.h"
#include "detect/prometheus.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  rampart::detect::MetricReadResult metrics = rampart::detect::ParsePrometheusText(text, "fuzz");
  std::vector<std::string> gaps;
  (void)rampart::detect::MetricTable(metrics.samples, "fuzz", metrics.problems, gaps);
  return 0;
}
