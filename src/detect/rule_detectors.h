// Rule detectors over log events. Each reads events in time order and reports detections
// into a FindingSet; state is per entity, so one detector instance covers a whole log.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "detect/finding_set.h"
#include "detect/log_event.h"

namespace rampart::detect {

// Events of one entity within a sliding window, and how many of them findings have counted.
struct EventRun {
  std::deque<TimePoint> times;  // event times within the window
  std::uint64_t seen = 0;       // events added in all
  std::uint64_t counted = 0;    // events that a finding has counted

  // Drops the times at or before `now - window`, then adds `now`.
  void Add(TimePoint now, std::chrono::seconds window);
  // Returns how many of the events in the window no finding has counted yet, and marks them
  // counted, so that each event adds to a finding's Count once.
  std::size_t TakeUncounted();
};

struct BruteForceOptions {
  std::size_t failures = 5;          // failed logins from one source ...
  std::chrono::seconds window{600};  // ... within this span make a brute force
};

// Brute force against logins: `failures` failed logins from one source address within
// `window`. An accepted login from a source right after such a run is reported as a
// separate, HIGH severity finding, since the attacker may now be in. That finding names
// every account that logged in so, in its Description and one resource per account.
class BruteForceDetector {
 public:
  explicit BruteForceDetector(BruteForceOptions options) : options_(options) {}
  void Add(const LogEvent& event, FindingSet& findings);

 private:
  void ReportSuccess(const LogEvent& event, const std::deque<TimePoint>& failures,
                     FindingSet& findings);

  BruteForceOptions options_;
  std::map<std::string, EventRun> sources_;  // failed logins by source address
  // Accounts logged in after a brute force, by source address, in the order of their first
  // login.
  std::map<std::string, std::vector<std::string>> accounts_;
};

struct UnauthorizedCallsOptions {
  std::size_t denied = 10;           // denied calls by one principal ...
  std::chrono::seconds window{300};  // ... within this span make a burst
};

// The identity that denied calls are counted under.
struct Caller {
  std::string key;            // the finding's entity, such as "access-key:AKIA..."
  std::string name;           // for titles and descriptions
  std::string resource_type;  // ASFF resource type
  std::string resource_id;
};

// Returns the best identity of a call's caller: the principal (an ARN, AWS service or
// principal id), else the access key id, else the identity type with the user name, else the
// source address. Calls with none of them share one caller, "unidentified".
Caller CallerOf(const LogEvent& event);

// Bursts of AccessDenied or UnauthorizedOperation errors for one caller (CallerOf), the
// pattern of a stolen key probing what it may do. Calls without a principal ARN, such as
// anonymous ones, count under their other identity and are never dropped.
class UnauthorizedCallsDetector {
 public:
  explicit UnauthorizedCallsDetector(UnauthorizedCallsOptions options) : options_(options) {}
  void Add(const LogEvent& event, FindingSet& findings);

 private:
  UnauthorizedCallsOptions options_;
  std::map<std::string, EventRun> denied_;  // denied calls by Caller::key
};

// Use of EC2 instance-profile credentials from outside their instance, and the S3 listing
// and downloads made with them. Instance credentials are assumed-role sessions named after
// the instance (i-...). They count as used outside AWS when called from a public address
// that people (IAM users or the root user) also call from in the same log, or with a user
// agent naming a desktop operating system (Darwin, Windows). A call from a private address
// or an AWS service name (IsInsideAwsSource) never counts: it came through the VPC or a
// network linked to it, as the instance's own calls through a VPC endpoint do. With a
// desktop user agent, such a call gets a LOW finding of its own
// (instance-credential-desktop-agent), since Windows and macOS instances send such agents.
// NOTE: without the instance's own addresses this is a heuristic. GuardDuty compares with
// AWS's published address ranges instead, so a Windows instance calling from its public
// address is reported here and not by GuardDuty.
class InstanceCredentialDetector {
 public:
  // Reads every event first (addresses of people count wherever they appear), then reports.
  void Detect(const std::vector<LogEvent>& events, FindingSet& findings) const;
};

// Returns true when `source`, a CloudTrail sourceIPAddress, is inside AWS or a network linked
// to it. These are the private IPv4 blocks 10/8, 172.16/12 and 192.168/16, the shared address
// space 100.64/10, IPv6 unique local addresses (fc00::/7) and AWS service names such as
// "ec2.amazonaws.com" or "AWS Internal".
bool IsInsideAwsSource(const std::string& source);

// Returns true when `source` is an AWS service name rather than an address.
bool IsAwsServiceName(const std::string& source);

// Returns true when `arn` is an assumed-role session named like an EC2 instance id.
bool IsInstanceCredential(const std::string& principal_type, const std::string& arn);

}  // namespace rampart::detect
