// Findings scaled up from the real Trivy ASFF report (trivy/alpine-310.asff.json) for the
// store benchmarks: each copy gets its own Id, image (1,000 services in 50 teams), CVE (5,000)
// and severity.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/file.h"
#include "core/json.h"

namespace rampart::store {

// Returns the findings of the Trivy report, or none when ../shared/data is absent.
inline const std::vector<Json>& Templates() {
  static const std::vector<Json> templates = [] {
    const std::string path =
        std::string(RAMPART_SHARED_DATA) + "/findings/trivy/alpine-310.asff.json";
    auto text = ReadFile(path);
    if (!text) {
      return std::vector<Json>();
    }
    auto report = ParseJson(*text, path);
    if (!report) {
      return std::vector<Json>();
    }
    return (*report)["Findings"].get<std::vector<Json>>();
  }();
  return templates;
}

// A severity mix close to container scans: 10% CRITICAL, 25% HIGH, 40% MEDIUM, 20% LOW, 5%
// INFORMATIONAL.
inline const char* LabelFor(std::int64_t i) {
  const std::int64_t slot = i % 20;
  if (slot < 2) return "CRITICAL";
  if (slot < 7) return "HIGH";
  if (slot < 15) return "MEDIUM";
  if (slot < 19) return "LOW";
  return "INFORMATIONAL";
}

// Returns `count` distinct findings numbered from `first`: the Trivy findings with their
// image, CVE, severity and Id varied, about 2 KB each as stored.
inline std::vector<Json> ScaledFindings(std::int64_t first, std::size_t count) {
  const std::vector<Json>& templates = Templates();
  std::vector<Json> findings;
  findings.reserve(count);
  for (std::size_t n = 0; n < count; ++n) {
    const std::int64_t i = first + static_cast<std::int64_t>(n);
    Json finding = templates[static_cast<std::size_t>(i) % templates.size()];
    const std::string image =
        fmt::format("registry.bank.example/team-{}/service-{}:1.{}", i % 50, i % 1000, i % 7);
    const std::string cve = fmt::format("CVE-2021-{}", 10000 + i % 5000);
    finding["Id"] = fmt::format("{}/{}/{}", image, cve, i);
    finding["GeneratorId"] = "Trivy/" + cve;
    finding["Title"] = fmt::format("Trivy found a vulnerability to {} in container {}", cve, image);
    finding["Severity"] = {{"Label", LabelFor(i)}};
    finding["Resources"][0]["Id"] = image;
    finding["Resources"][0]["Details"]["Container"]["ImageName"] = image;
    findings.push_back(std::move(finding));
  }
  return findings;
}

}  // namespace rampart::store
