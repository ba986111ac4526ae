// Factories of the built-in readers; one per format, each in its own file.
#pragma once

#include <memory>
#include <vector>

#include "ingest/reader.h"

namespace rampart::ingest {

// Returns every built-in reader in detection order.
std::vector<std::unique_ptr<Reader>> MakeAllReaders();

// AWS Security Finding Format: one finding, an array, {"Findings": [...]}, or an
// EventBridge event from Security Hub.
std::unique_ptr<Reader> MakeAsffReader();
// Trivy JSON (SchemaVersion 2): vulnerabilities, misconfigurations and secrets.
std::unique_ptr<Reader> MakeTrivyReader();
// Grype JSON: matches of vulnerabilities to packages.
std::unique_ptr<Reader> MakeGrypeReader();
// CycloneDX JSON with a vulnerabilities array (a VEX or scanner output).
std::unique_ptr<Reader> MakeCycloneDxReader();
// SARIF 2.1.0: one finding per result.
std::unique_ptr<Reader> MakeSarifReader();

// kube-bench JSON (--json): one finding per failed or warned check.
std::unique_ptr<Reader> MakeKubeBenchReader();
// Amazon GuardDuty findings (the API's or an EventBridge event's).
std::unique_ptr<Reader> MakeGuardDutyReader();
// OCSF Detection Findings, such as Prowler's JSON-OCSF output.
std::unique_ptr<Reader> MakeOcsfReader();
// Falco alerts, one JSON object per line.
std::unique_ptr<Reader> MakeFalcoReader();
// Amazon Inspector v2 findings.
std::unique_ptr<Reader> MakeInspectorReader();

}  // namespace rampart::ingest
