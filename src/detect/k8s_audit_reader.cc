// Kubernetes audit events (audit.k8s.io/v1 Event) into LogEvents.
#include <fmt/format.h>

#include "detect/log_event.h"

namespace rampart::detect {
namespace {

Status AddAuditEvent(Json document, std::size_t line, LogReadResult& result) {
  // Older API servers wrote audit events without apiVersion, so only a present one must
  // name the audit group.
  const std::string api_version = StringOr(document, "apiVersion");
  if (!document.is_object() || StringOr(document, "kind") != "Event" ||
      (!api_version.empty() && api_version.rfind("audit.k8s.io/", 0) != 0)) {
    return InvalidArgument(
        "not a Kubernetes audit event (expected kind \"Event\" and apiVersion audit.k8s.io/v1)");
  }
  std::string time = StringOr(document, "stageTimestamp");
  if (time.empty()) {
    time = StringOr(document, "requestReceivedTimestamp");
  }
  auto parsed = ParseTimestamp(time);
  if (!parsed) {
    return InvalidArgument(fmt::format("$.stageTimestamp: {}", parsed.status().message()));
  }
  LogEvent event;
  event.time = *parsed;
  event.line = line;
  event.action = StringOr(document, "verb");
  event.user_agent = StringOr(document, "userAgent");
  if (const Json* user = FindPath(document, "user.username");
      user != nullptr && user->is_string()) {
    event.principal = user->get<std::string>();
  }
  if (const Json* ips = FindPath(document, "sourceIPs");
      ips != nullptr && ips->is_array() && !ips->empty() && (*ips)[0].is_string()) {
    event.source_ip = (*ips)[0].get<std::string>();
  }
  if (const Json* object = FindPath(document, "objectRef"); object != nullptr) {
    event.service = StringOr(*object, "apiGroup", "core");
    event.namespace_name = StringOr(*object, "namespace");
    event.resource = StringOr(*object, "resource");
    const std::string subresource = StringOr(*object, "subresource");
    if (!subresource.empty()) {
      event.resource += "/" + subresource;
    }
    const std::string name = StringOr(*object, "name");
    if (!name.empty()) {
      event.resource += "/" + name;
    }
  }
  if (const Json* code = FindPath(document, "responseStatus.code");
      code != nullptr && code->is_number_integer()) {
    const int status = code->get<int>();
    event.error_code = std::to_string(status);
    event.failure = status == 401 || status == 403;
  }
  event.document = std::make_shared<const Json>(std::move(document));
  result.events.push_back(std::move(event));
  return Status::Ok();
}

}  // namespace

Result<LogReadResult> ReadK8sAudit(std::string_view text, const LogReadOptions& options) {
  LogReadResult result;
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
    const std::string where = fmt::format("{}: line {}", options.source_name, line_number);
    auto document = ParseJson(line, where);
    if (!document && line_number == 1) {
      // A single event printed over several lines.
      auto whole = ParseJson(text, options.source_name);
      if (whole && whole->is_object()) {
        Status status = AddAuditEvent(std::move(*whole), 1, result);
        if (!status.ok()) {
          result.problems.push_back(
              {1, fmt::format("{}: {}", options.source_name, status.message())});
        }
        return result;
      }
    }
    if (!document) {
      result.problems.push_back({line_number, document.status().message()});
      continue;
    }
    Status status = AddAuditEvent(std::move(*document), line_number, result);
    if (!status.ok()) {
      result.problems.push_back({line_number, fmt::format("{}: {}", where, status.message())});
    }
  }
  return result;
}

}  // namespace rampart::detect
