// Security-relevant events read from logs, in one shape whatever the source format, and the
// readers that produce them.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "core/time_zone.h"

namespace rampart::detect {

enum class LogFormat { kCloudTrail, kK8sAudit, kSyslog };

// Parses "cloudtrail", "k8s-audit" or "sshd" (also "syslog").
Result<LogFormat> ParseLogFormat(std::string_view name);

// One event. Fields a format does not carry stay empty.
struct LogEvent {
  TimePoint time;              // the event's own time, never the reader's clock
  std::string principal;       // IAM ARN, Kubernetes user name or login user
  std::string principal_type;  // CloudTrail userIdentity.type, such as "AssumedRole"
  std::string account;         // AWS account id
  std::string access_key_id;   // CloudTrail userIdentity.accessKeyId
  std::string user_name;       // CloudTrail userIdentity.userName
  std::string source_ip;
  std::string user_agent;
  std::string service;  // eventSource, Kubernetes API group or program name
  std::string action;   // eventName, Kubernetes verb, or sshd outcome
  std::string region;
  std::string namespace_name;  // Kubernetes namespace
  std::string resource;        // bucket, object key, or Kubernetes resource/name
  std::string error_code;      // AccessDenied, HTTP status, ...
  bool failure = false;        // a denied call or a failed authentication
  bool login_success = false;  // an accepted authentication (sshd)
  std::size_t line = 0;        // 1-based line (or record index) in the input
  // The whole Kubernetes audit event, which the audit detectors inspect.
  std::shared_ptr<const Json> document;
};

// An input record that could not be read, and why; the other records are still read.
struct LogProblem {
  std::size_t line = 0;
  std::string message;
};

struct LogReadResult {
  std::vector<LogEvent> events;
  std::vector<LogProblem> problems;
};

struct LogReadOptions {
  std::string source_name = "input";  // file name for messages
  // Syslog lines carry no year; this one is used. 0 takes the year of `clock`.
  int syslog_year = 0;
  // The zone of syslog times written without an offset ("Mmm dd hh:mm:ss"). RFC 3339 times
  // carry their own offset.
  TimeZone syslog_zone;
  const Clock* clock = &DefaultClock();
};

// Reads CloudTrail: a {"Records": [...]} document, or one event per line (JSON lines).
// Call ReadFile first; it unpacks gzip.
Result<LogReadResult> ReadCloudTrail(std::string_view text, const LogReadOptions& options);

// Reads a Kubernetes audit log: one audit.k8s.io/v1 Event per line (a single event
// spread over several lines is also accepted when the whole input is one JSON object).
Result<LogReadResult> ReadK8sAudit(std::string_view text, const LogReadOptions& options);

// Reads syslog lines and keeps authentication events: sshd failures ("Failed password",
// "Failed publickey", ...), accepted logins, and PAM "authentication failure" lines from
// programs other than sshd itself, since sshd logs its own "Failed" line for the same try.
Result<LogReadResult> ReadSyslogAuth(std::string_view text, const LogReadOptions& options);

// Reads `text` in `format`.
Result<LogReadResult> ReadLogs(std::string_view text, LogFormat format,
                               const LogReadOptions& options);

}  // namespace rampart::detect
