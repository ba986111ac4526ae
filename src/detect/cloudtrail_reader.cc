// CloudTrail records into LogEvents.
#include <fmt/format.h>

#include "detect/log_event.h"

namespace rampart::detect {
namespace {

std::string Text(const Json& object, std::string_view key) { return StringOr(object, key); }

// Returns the event time: eventTime, or "@timestamp" as log shippers write it.
Result<TimePoint> EventTime(const Json& record) {
  std::string time = Text(record, "eventTime");
  if (time.empty()) {
    time = Text(record, "@timestamp");
  }
  if (time.empty()) {
    return InvalidArgument("the record has no eventTime");
  }
  return ParseTimestamp(time);
}

Status AddRecord(const Json& record, std::size_t line, LogReadResult& result) {
  if (!record.is_object() || !record.contains("eventName")) {
    return InvalidArgument("not a CloudTrail record (no eventName)");
  }
  auto time = EventTime(record);
  if (!time) {
    return time.status();
  }
  LogEvent event;
  event.time = *time;
  event.line = line;
  const Json empty = Json::object();
  const auto identity_it = record.find("userIdentity");
  const Json& identity =
      identity_it != record.end() && identity_it->is_object() ? *identity_it : empty;
  event.principal = Text(identity, "arn");
  if (event.principal.empty()) {
    event.principal = Text(identity, "invokedBy");
  }
  if (event.principal.empty()) {
    event.principal = Text(identity, "principalId");
  }
  event.principal_type = Text(identity, "type");
  event.access_key_id = Text(identity, "accessKeyId");
  event.user_name = Text(identity, "userName");
  event.account = Text(identity, "accountId");
  if (event.account.empty()) {
    event.account = Text(record, "recipientAccountId");
  }
  event.source_ip = Text(record, "sourceIPAddress");
  event.user_agent = Text(record, "userAgent");
  event.service = Text(record, "eventSource");
  event.action = Text(record, "eventName");
  event.region = Text(record, "awsRegion");
  event.error_code = Text(record, "errorCode");
  event.failure = event.error_code.find("AccessDenied") != std::string::npos ||
                  event.error_code.find("UnauthorizedOperation") != std::string::npos ||
                  event.error_code == "Client.UnauthorizedOperation";

  const auto request = record.find("requestParameters");
  if (request != record.end() && request->is_object()) {
    event.resource = Text(*request, "bucketName");
    const std::string key = Text(*request, "key");
    if (!key.empty()) {
      event.resource += "/" + key;
    }
  }
  result.events.push_back(std::move(event));
  return Status::Ok();
}

// Returns true when `text` opens an object whose first key is "Records".
bool StartsRecordsDocument(std::string_view text) {
  if (text.empty() || text.front() != '{') {
    return false;
  }
  const std::size_t key = text.find_first_not_of(" \t\r\n", 1);
  return key != std::string_view::npos && text.substr(key, 9) == "\"Records\"";
}

}  // namespace

Result<LogReadResult> ReadCloudTrail(std::string_view text, const LogReadOptions& options) {
  LogReadResult result;
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    return result;
  }
  // A {"Records": [...]} file is one document, however its whitespace is laid out; anything
  // else is read as JSON lines.
  if (StartsRecordsDocument(text.substr(start))) {
    auto document = ParseJson(text, options.source_name);
    if (!document) {
      return document.status();
    }
    const auto records = document->find("Records");
    if (records == document->end() || !records->is_array()) {
      return InvalidArgument(
          fmt::format("{}: $.Records must be an array of CloudTrail events", options.source_name));
    }
    for (std::size_t i = 0; i < records->size(); ++i) {
      Status status = AddRecord((*records)[i], i + 1, result);
      if (!status.ok()) {
        result.problems.push_back({i + 1, fmt::format("{}: $.Records[{}]: {}", options.source_name,
                                                      i, status.message())});
      }
    }
    return result;
  }

  std::size_t line_number = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t end = text.find('\n', position);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    auto record = ParseJson(line, fmt::format("{}: line {}", options.source_name, line_number));
    Status status = record ? AddRecord(*record, line_number, result) : record.status();
    if (!status.ok()) {
      result.problems.push_back(
          {line_number, record ? fmt::format("{}: line {}: {}", options.source_name, line_number,
                                             status.message())
                               : status.message()});
    }
  }
  return result;
}

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "cloudtrail") {
    return LogFormat::kCloudTrail;
  }
  if (name == "k8s-audit") {
    return LogFormat::kK8sAudit;
  }
  if (name == "sshd" || name == "syslog") {
    return LogFormat::kSyslog;
  }
  return InvalidArgument(
      fmt::format("unknown log format \"{}\"; use cloudtrail, k8s-audit or sshd", name));
}

Result<LogReadResult> ReadLogs(std::string_view text, LogFormat format,
                               const LogReadOptions& options) {
  switch (format) {
    case LogFormat::kCloudTrail:
      return ReadCloudTrail(text, options);
    case LogFormat::kK8sAudit:
      return ReadK8sAudit(text, options);
    case LogFormat::kSyslog:
      return ReadSyslogAuth(text, options);
  }
  return Internal("unhandled log format");
}

}  // namespace rampart::detect
