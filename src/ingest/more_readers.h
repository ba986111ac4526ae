// Factories of the readers for kube-bench, GuardDuty, OCSF, Falco and Inspector reports.
#pragma once

#include <memory>

#include "ingest/reader.h"

namespace rampart::ingest {

// kube-bench JSON ({"Controls": [...], "Totals": {...}} or a bare array of controls): one
// finding per check result, PASS included, with the result in Compliance.Status.
std::unique_ptr<Reader> MakeKubeBenchReader();

// Amazon GuardDuty findings in GuardDuty's own JSON (schemaVersion 2.0): one finding, a
// list, {"findings": [...]}, or an EventBridge "GuardDuty Finding" event.
std::unique_ptr<Reader> MakeGuardDutyReader();

// OCSF Detection Findings (class_uid 2004) such as Prowler's JSON-OCSF output, for cloud
// accounts and for Kubernetes.
std::unique_ptr<Reader> MakeOcsfReader();

// Falco alerts as json_output writes them: one JSON object per line.
std::unique_ptr<Reader> MakeFalcoReader();

// Amazon Inspector v2 findings: one finding, {"findings": [...]} as ListFindings returns,
// or an EventBridge "Inspector2 Finding" event.
std::unique_ptr<Reader> MakeInspectorReader();

}  // namespace rampart::ingest
