#include "pattern/errors.h"

#include <fmt/format.h>

namespace rampart::pattern {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidJson:
      return "invalid_json";
    case ErrorCode::kNotAnObject:
      return "not_an_object";
    case ErrorCode::kEmptyObject:
      return "empty_object";
    case ErrorCode::kLeafNotArray:
      return "leaf_not_array";
    case ErrorCode::kEmptyArray:
      return "empty_array";
    case ErrorCode::kInvalidValue:
      return "invalid_value";
    case ErrorCode::kUnknownOperator:
      return "unknown_operator";
    case ErrorCode::kTwoOperators:
      return "two_operators";
    case ErrorCode::kWrongOperandType:
      return "wrong_operand_type";
    case ErrorCode::kBadCidr:
      return "bad_cidr";
    case ErrorCode::kBadCidrMask:
      return "bad_cidr_mask";
    case ErrorCode::kUnknownNumericComparator:
      return "unknown_numeric_comparator";
    case ErrorCode::kBadNumericRange:
      return "bad_numeric_range";
    case ErrorCode::kMixedAnythingButTypes:
      return "mixed_anything_but_types";
    case ErrorCode::kConsecutiveWildcards:
      return "consecutive_wildcards";
    case ErrorCode::kBadWildcardEscape:
      return "bad_wildcard_escape";
    case ErrorCode::kOrNotArray:
      return "or_not_array";
    case ErrorCode::kOrTooFewAlternatives:
      return "or_too_few_alternatives";
    case ErrorCode::kReservedFieldName:
      return "reserved_field_name";
    case ErrorCode::kTooComplex:
      return "too_complex";
  }
  return "unknown";
}

std::string PatternError::ToString() const {
  return fmt::format("{}: {} [{}]", path, message, ErrorCodeName(code));
}

Status ToStatus(const PatternErrors& errors, std::string_view context) {
  std::string message(context);
  for (const PatternError& error : errors) {
    message += message.empty() ? "" : "; ";
    message += error.ToString();
  }
  return InvalidArgument(std::move(message));
}

namespace {

bool IsPlainName(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-' || c == '$';
    if (!plain) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string AppendMember(std::string_view path, std::string_view member) {
  if (IsPlainName(member)) {
    return fmt::format("{}.{}", path, member);
  }
  std::string quoted;
  for (const char c : member) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
    }
    quoted += c;
  }
  return fmt::format("{}[\"{}\"]", path, quoted);
}

std::string AppendIndex(std::string_view path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

}  // namespace rampart::pattern
