#include "store/event.h"

#include <array>

#include <fmt/format.h>

#include "store/import_rules.h"

namespace rampart::store {
namespace {

// Formats as RFC 3339 in whole seconds, such as "2026-12-04T16:05:00Z", as EventBridge does.
std::string EventTime(TimePoint time) {
  std::string text = FormatTimestamp(time);
  const auto dot = text.find('.');
  if (dot != std::string::npos) {
    text = text.substr(0, dot) + "Z";
  }
  return text;
}

std::string Quoted(std::string_view text) { return Json(text).dump(); }

}  // namespace

std::string BuildImportedEvent(const Json& finding, std::string_view finding_text,
                               std::string_view event_id, TimePoint time) {
  std::string event;
  WriteImportedEvent(finding, finding_text, event_id, time, event);
  return event;
}

EventSubject SubjectOf(const Json& finding) {
  return {StringOr(finding, "ProductArn", ""), StringOr(finding, "Id", ""),
          StringOr(finding, "AwsAccountId", ""), StringOr(finding, "Region", "")};
}

void WriteImportedEvent(const Json& finding, std::string_view finding_text,
                        std::string_view event_id, TimePoint time, std::string& out) {
  WriteImportedEvent(SubjectOf(finding), finding_text, event_id, time, out);
}

void WriteImportedEvent(const EventSubject& subject, std::string_view finding_text,
                        std::string_view event_id, TimePoint time, std::string& out) {
  out.clear();
  out.reserve(finding_text.size() + 512);
  out += R"({"version":"0","id":)";
  out += Quoted(event_id);
  out += R"(,"detail-type":)";
  out += Quoted(kImportedDetailType);
  out += R"(,"source":)";
  out += Quoted(EventSource(subject.product_arn));
  out += R"(,"account":)";
  out += Quoted(subject.account);
  out += R"(,"time":)";
  out += Quoted(EventTime(time));
  out += R"(,"region":)";
  out += Quoted(subject.region);
  out += R"(,"resources":[)";
  out += Quoted(FindingArn(subject.product_arn, subject.id));
  out += R"(],"detail":{"findings":[)";
  out += finding_text;
  out += "]}}";
}

std::string RandomUuid(std::mt19937_64& random) {
  std::array<unsigned char, 16> bytes;
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    const std::uint64_t word = random();
    for (std::size_t j = 0; j < 8; ++j) {
      bytes[i + j] = static_cast<unsigned char>(word >> (8 * j));
    }
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      text += '-';
    }
    text += kHex[bytes[i] >> 4];
    text += kHex[bytes[i] & 0x0f];
  }
  return text;
}

Status CheckPublishedEvent(const Json& event) {
  if (!event.is_object()) {
    return InvalidArgument("PublishEvent: the event must be a JSON object");
  }
  for (const char* field : {"id", "source", "detail-type"}) {
    const auto value = event.find(field);
    if (value == event.end() || !value->is_string() ||
        value->get_ref<const std::string&>().empty()) {
      return InvalidArgument(
          fmt::format("PublishEvent: the event's \"{}\" must be a non-empty string", field));
    }
  }
  const auto detail = event.find("detail");
  if (detail == event.end() || !detail->is_object()) {
    return InvalidArgument("PublishEvent: the event's \"detail\" must be a JSON object");
  }
  return Status::Ok();
}

}  // namespace rampart::store
