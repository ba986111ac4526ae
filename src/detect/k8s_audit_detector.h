// Kubernetes audit detections: risky pods, RBAC changes, exec and attach, anonymous access,
// secrets and credentials, and (optionally) plain activity such as a Deployment created.
// The conditions follow the meaning of Falco's Kubernetes audit rules.
#pragma once

#include <set>
#include <string>
#include <unordered_set>

#include "detect/finding_set.h"
#include "detect/log_event.h"

namespace rampart::detect {

struct K8sAuditOptions {
  // Image repositories (without tag) trusted to run privileged, on the host network or
  // with sensitive mounts, such as "nginx" or "registry.example.com/agent".
  std::set<std::string> trusted_images;
  // When not empty, pods running any other image are reported.
  std::set<std::string> allowed_images;
  // When not empty, namespaces created with another name are reported.
  std::set<std::string> allowed_namespaces;
  // When not empty, requests by any other user are reported.
  std::set<std::string> allowed_users;
  // Report creation and deletion of common objects as INFORMATIONAL findings.
  bool activity = true;
};

// Returns the repository of an image reference: "nginx:1.25" and "nginx@sha256:..." give
// "nginx", "docker.io/library/nginx" gives "nginx".
std::string ImageRepository(const std::string& image);

class K8sAuditDetector {
 public:
  explicit K8sAuditDetector(K8sAuditOptions options) : options_(std::move(options)) {}

  // Checks one audit event (one whose `document` is set) and reports what it matches.
  // Returns the number of detections. An event whose auditID was checked before is another
  // stage of the same request and is skipped, so one request is reported once.
  std::size_t Add(const LogEvent& event, FindingSet& findings);

 private:
  K8sAuditOptions options_;
  std::unordered_set<std::string> checked_audit_ids_;
};

}  // namespace rampart::detect
