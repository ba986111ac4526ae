// Fuzzes the CloudTrail reader and the detectors that read its events.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "detect/log_event.h"
#include "detect/rule_detectors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = rampart::detect::ReadCloudTrail(text, {});
  if (result) {
    static rampart::FakeClock clock(rampart::FromUnixMicros(0));
    rampart::detect::FindingOptions options;
    options.clock = &clock;
    rampart::detect::FindingSet findings(options);
    rampart::detect::InstanceCredentialDetector().Detect(result->events, findings);
    rampart::detect::UnauthorizedCallsDetector unauthorized({});
    for (const auto& event : result->events) {
      unauthorized.Add(event, findings);
    }
  }
  return 0;
}
