// Fuzzes the Kubernetes audit reader and the audit detector.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "detect/k8s_audit_detector.h"
#include "detect/log_event.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = rampart::detect::ReadK8sAudit(text, {});
  if (result) {
    static rampart::FakeClock clock(rampart::FromUnixMicros(0));
    rampart::detect::FindingOptions options;
    options.clock = &clock;
    rampart::detect::FindingSet findings(options);
    rampart::detect::K8sAuditOptions audit;
    audit.allowed_images = {"nginx"};
    audit.allowed_users = {"admin"};
    audit.allowed_namespaces = {"default"};
    rampart::detect::K8sAuditDetector detector(audit);
    for (const auto& event : result->events) {
      detector.Add(event, findings);
    }
  }
  return 0;
}
