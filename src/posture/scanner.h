// Runs the posture checks over loaded manifests.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "posture/check.h"
#include "posture/manifest.h"
#include "posture/standard.h"

namespace rampart::posture {

struct ScanOptions {
  // The namespace of objects without metadata.namespace, as `kubectl apply -n` would give.
  std::string default_namespace = "default";
  // Runs only the checks of this standard; every check when unset. For pss-restricted, the
  // baseline checks the restricted level replaces are left out, as the admission does.
  std::optional<Standard> standard;
};

// The verdict of one check on one subject.
struct CheckResult {
  const Check* check = nullptr;
  const Subject* subject = nullptr;  // owned by the ScanReport; its pod is always null
  Outcome outcome;
};

// The results of a scan. It points into the ManifestSet it was made from, which must outlive
// it, and is move-only because results point at its subjects.
struct ScanReport {
  ScanReport() = default;
  ScanReport(const ScanReport&) = delete;
  ScanReport& operator=(const ScanReport&) = delete;
  ScanReport(ScanReport&&) = default;
  ScanReport& operator=(ScanReport&&) = default;

  std::deque<Subject> subjects;  // a deque, so results keep valid pointers as it grows
  std::vector<CheckResult> results;
  std::size_t workloads = 0;  // objects with a pod template
  std::size_t objects = 0;
  std::vector<std::string> warnings;  // duplicate objects and workloads without a pod spec
};

// Evaluates every selected check on every subject it applies to. Results come in object order
// and, per object, in check order; namespace results follow the objects.
ScanReport ScanManifests(const ManifestSet& set, const ScanOptions& options = {});

// True when `check` belongs to the selection `standard` stands for.
bool CheckInStandard(const Check& check, Standard standard);

}  // namespace rampart::posture
