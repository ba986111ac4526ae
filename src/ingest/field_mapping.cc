#include "ingest/field_mapping.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/clock.h"

namespace rampart::ingest::detail {
namespace {

// 9999-12-31T23:59:59Z, the last instant that RFC 3339's four-digit year can express.
constexpr double kMaxEpochSeconds = 253402300799.0;

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool AllDigits(std::string_view text) {
  for (const char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return !text.empty();
}

}  // namespace

const Json* Member(const Json& object, std::string_view key) {
  if (!object.is_object()) {
    return nullptr;
  }
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

const Json* ObjectMember(const Json& object, std::string_view key) {
  const Json* value = Member(object, key);
  return value != nullptr && value->is_object() ? value : nullptr;
}

const Json* ArrayMember(const Json& object, std::string_view key) {
  const Json* value = Member(object, key);
  return value != nullptr && value->is_array() ? value : nullptr;
}

std::string_view StringMember(const Json& object, std::string_view key) {
  const Json* value = Member(object, key);
  if (value == nullptr || !value->is_string()) {
    return {};
  }
  return value->get_ref<const std::string&>();
}

std::optional<double> NumberMember(const Json& object, std::string_view key) {
  const Json* value = Member(object, key);
  if (value == nullptr || !value->is_number()) {
    return std::nullopt;
  }
  return value->get<double>();
}

std::optional<long long> IntegerMember(const Json& object, std::string_view key) {
  const Json* value = Member(object, key);
  if (value == nullptr) {
    return std::nullopt;
  }
  // nlohmann's is_number_integer() is also true for unsigned numbers, so test those first.
  if (value->is_number_unsigned()) {
    const auto number = value->get<unsigned long long>();
    if (number > static_cast<unsigned long long>(std::numeric_limits<long long>::max())) {
      return std::nullopt;
    }
    return static_cast<long long>(number);
  }
  if (value->is_number_integer()) {
    return value->get<long long>();
  }
  if (value->is_string()) {
    const std::string& text = value->get_ref<const std::string&>();
    long long number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error == std::errc() && end == text.data() + text.size()) {
      return number;
    }
  }
  return std::nullopt;
}

std::string Truncate(std::string_view text, std::size_t max_bytes) {
  constexpr std::string_view kEllipsis = "...";
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  if (max_bytes < kEllipsis.size()) {
    return std::string(kEllipsis.substr(0, max_bytes));
  }
  std::size_t cut = max_bytes - kEllipsis.size();
  // Step back to the first byte of a character so that no UTF-8 sequence is split.
  while (cut > 0 && IsContinuationByte(text[cut])) {
    --cut;
  }
  std::string result(text.substr(0, cut));
  result.append(kEllipsis);
  return result;
}

std::string_view Trim(std::string_view text) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

bool IsPlaceholder(std::string_view text) {
  return text.size() >= 2 && text.front() == '<' && text.back() == '>';
}

std::string AwsAccountIdOr(std::string_view account, std::string_view fallback) {
  if (account.size() == 12 && AllDigits(account)) {
    return std::string(account);
  }
  return std::string(fallback);
}

std::optional<std::string> TimestampFromEpochSeconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxEpochSeconds) {
    return std::nullopt;
  }
  const auto micros = static_cast<std::int64_t>(std::llround(seconds * 1e6));
  return FormatTimestamp(FromUnixMicros(micros));
}

std::optional<std::string> NormalizeTimestamp(std::string_view text) {
  auto parsed = ParseTimestamp(text);
  if (!parsed) {
    return std::nullopt;
  }
  return FormatTimestamp(*parsed);
}

void SetIfNotEmpty(Json& object, std::string_view key, std::string_view value) {
  if (!value.empty()) {
    object[std::string(key)] = value;
  }
}

void SetOtherDetail(Json& other, std::string_view key, std::string_view value) {
  SetIfNotEmpty(other, key, Truncate(value, kMaxOtherValueBytes));
}

std::optional<std::string> TimestampFromJson(const Json& value) {
  // 1e11 seconds is in the year 5138, so a larger number can only be milliseconds.
  constexpr double kLargestSeconds = 1e11;
  if (value.is_number()) {
    const double number = value.get<double>();
    return TimestampFromEpochSeconds(number > kLargestSeconds ? number / 1000 : number);
  }
  if (value.is_string()) {
    return NormalizeTimestamp(value.get_ref<const std::string&>());
  }
  return std::nullopt;
}

void AddProductField(Json& finding, std::string_view key, std::string_view value) {
  Json& fields = finding["ProductFields"];
  if (!fields.is_object()) {
    fields = Json::object();
  }
  const std::string field_key = Truncate(key, kMaxProductFieldKeyBytes);
  if (fields.size() >= kMaxProductFields && !fields.contains(field_key)) {
    return;
  }
  fields[field_key] = Truncate(value, kMaxProductFieldValueBytes);
}

const Json* EventDetail(const Json& document, std::string_view detail_type) {
  if (StringMember(document, "detail-type") != detail_type) {
    return nullptr;
  }
  return ObjectMember(document, "detail");
}

std::string_view FirstNonBlankLine(std::string_view text) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (!Trim(line).empty()) {
      return line.back() == '\r' ? line.substr(0, line.size() - 1) : line;
    }
    if (end == std::string_view::npos) {
      break;
    }
    text.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace rampart::ingest::detail
