// Fuzzes the syslog authentication reader and the brute-force detector.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "detect/log_event.h"
#include "detect/rule_detectors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  rampart::detect::LogReadOptions read_options;
  read_options.syslog_year = 2020;
  auto result = rampart::detect::ReadSyslogAuth(text, read_options);
  if (result) {
    static rampart::FakeClock clock(rampart::FromUnixMicros(0));
    rampart::detect::FindingOptions options;
    options.clock = &clock;
    rampart::detect::FindingSet findings(options);
    rampart::detect::BruteForceDetector detector({});
    for (const auto& event : result->events) {
      detector.Add(event, findings);
    }
  }
  return 0;
}
