// Detections turned into ASFF findings, one finding per (detector, entity). A repeat updates
// that finding's count, ProductFields and UpdatedAt, and adds its resource to Resources (up to
// ASFF's 32), instead of adding a new finding. A repeat observed no earlier than the finding's
// LastObservedAt also sets LastObservedAt and the Description.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "finding/severity.h"

namespace rampart::detect {

// The account and region findings are filed under, and the clock for their timestamps.
struct FindingOptions {
  std::string aws_account_id = "000000000000";
  std::string region = "us-east-1";
  const Clock* clock = &DefaultClock();  // for CreatedAt and UpdatedAt
};

// One observation by a detector.
struct Detection {
  std::string detector;  // short name, such as "ssh-brute-force"; part of GeneratorId and Id
  std::string entity;    // what the detection is about, such as a source address
  // ASFF type: namespace/category/classifier, the classifier in GuardDuty's form
  // ThreatPurpose:ResourceType-ThreatFamily.DetectionMechanism.
  std::string type;
  std::string title;
  std::string description;
  finding::SeverityLabel severity = finding::SeverityLabel::kMedium;
  TimePoint first_seen;
  TimePoint last_seen;
  std::size_t count = 1;  // observations this detection adds
  std::string resource_type = "Other";
  std::string resource_id;                    // defaults to the entity
  std::string source_ip;                      // filled into Network when an IPv4 or IPv6 address
  std::map<std::string, std::string> fields;  // extra ProductFields, such as top features
};

// Collects findings in the order their entities were first detected. Not thread-safe.
class FindingSet {
 public:
  explicit FindingSet(FindingOptions options) : options_(std::move(options)) {}

  // Adds a detection, or folds it into the finding of the same detector and entity.
  void Report(const Detection& detection);

  // Returns the findings, each valid ASFF (checked by finding::ValidateFinding).
  const std::vector<Json>& findings() const { return findings_; }

  // Returns the stable Id of the finding for a detector and entity.
  std::string FindingId(const std::string& detector, const std::string& entity) const;

 private:
  Json ResourceOf(const Detection& detection) const;
  // Folds a repeat into `finding`, as the file comment describes.
  void Fold(const Detection& detection, const std::string& now, Json& finding) const;

  FindingOptions options_;
  std::vector<Json> findings_;
  std::map<std::string, std::size_t> index_;  // Id -> position in findings_
};

}  // namespace rampart::detect
