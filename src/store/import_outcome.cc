#include "store/import_outcome.h"

#include <fmt/format.h>

#include "store/finding_update.h"

namespace rampart::store {

ImportResult FailedImport(FindingKey key, std::string code, std::string message) {
  return {std::move(key), ImportOutcome::kFailed, std::move(code), std::move(message)};
}

const std::string& FindingPath(const ImportOptions& options, std::size_t index) {
  static const std::string kRoot = "$";
  return index < options.paths.size() ? options.paths[index] : kRoot;
}

std::string FindingName(const Json& finding, std::string_view path) {
  std::string name = fmt::format("finding \"{}\"", StringOr(finding, "Id", ""));
  if (path != "$") {
    name += fmt::format(" at {}", path);
  }
  return name;
}

ImportResult NotAnObject(const Json& finding, std::string_view path) {
  return FailedImport(
      {}, "InvalidInput",
      fmt::format("{}: a finding must be a JSON object, not {}", path, finding.type_name()));
}

ImportResult NotNewer(FindingKey key, const Json& finding, std::int64_t stored_updated_at) {
  return ImportResult{
      std::move(key), ImportOutcome::kUnchanged, "",
      fmt::format("UpdatedAt {} is not newer than the stored {}; the update is ignored",
                  StringOr(finding, "UpdatedAt", ""),
                  FormatTimestamp(FromUnixMicros(stored_updated_at)))};
}

void AddResult(ImportSummary& summary, ImportResult result) {
  switch (result.outcome) {
    case ImportOutcome::kCreated:
      ++summary.created;
      break;
    case ImportOutcome::kUpdated:
      ++summary.updated;
      break;
    case ImportOutcome::kUnchanged:
      ++summary.unchanged;
      break;
    case ImportOutcome::kFailed:
      ++summary.failed;
      break;
  }
  summary.results.push_back(std::move(result));
}

std::int64_t UpdatedAtMicros(const Json& finding) {
  auto time = ParseTimestamp(StringOr(finding, "UpdatedAt", ""));
  return time ? ToUnixMicros(*time) : 0;
}

std::string Utf8Message(const Json& finding, std::string_view path) {
  return fmt::format("{} holds text that is not valid UTF-8; fix the encoding of the report",
                     FindingName(finding, path));
}

std::optional<ImportResult> InFuture(const FindingKey& key, const Json& finding,
                                     std::string_view path, TimePoint now) {
  const TimePoint latest = now + std::chrono::hours(24);
  for (const char* field : {"CreatedAt", "UpdatedAt"}) {
    auto time = ParseTimestamp(StringOr(finding, field, ""));
    if (time && *time > latest) {
      return FailedImport(
          key, "InvalidInput",
          fmt::format("finding \"{}\": {}: {} lies more than a day after the time of import, {}; "
                      "check the clock of the scanner that wrote it",
                      key.id, JsonPathMember(path, field), StringOr(finding, field, ""),
                      FormatTimestamp(now)));
    }
  }
  return std::nullopt;
}

std::string NulMessage(const Json& finding, std::string_view path) {
  return fmt::format(
      "{} contains the character U+0000, which the store cannot search and PostgreSQL cannot "
      "store; remove it from the report",
      FindingName(finding, path));
}

std::optional<UnprocessedFinding> TooManyUserDefinedFields(FindingKey key, const Json& finding) {
  const auto fields = finding.find("UserDefinedFields");
  if (fields == finding.end() || !fields->is_object() || fields->size() <= kMaxUserDefinedFields) {
    return std::nullopt;
  }
  std::string message = fmt::format(
      "UserDefinedFields: the update would leave the finding with {} fields, and at most {} "
      "are allowed",
      fields->size(), kMaxUserDefinedFields);
  return UnprocessedFinding{std::move(key), "InvalidInput", std::move(message)};
}

std::string SizeMessage(const Json& finding, std::size_t size, std::size_t limit,
                        std::string_view path) {
  return fmt::format("{} is {} bytes as stored; the maximum is {}", FindingName(finding, path),
                     size, limit);
}

UnprocessedFinding FindingNotFound(FindingKey key) {
  std::string message = fmt::format(
      "no finding with ProductArn \"{}\" and Id \"{}\"; check both with `rampart findings list`",
      key.product_arn, key.id);
  return UnprocessedFinding{std::move(key), "FindingNotFound", std::move(message)};
}

Result<const FieldSpec*> FindGroupByField(std::string_view attribute) {
  const FieldSpec* field = FindField(attribute);
  if (field != nullptr) {
    return field;
  }
  const std::string_view suggestion = SuggestField(attribute);
  return InvalidArgument(fmt::format(
      "unknown group-by attribute \"{}\"{}", attribute,
      suggestion.empty() ? "; use a filter field name such as ResourceType or SeverityLabel"
                         : fmt::format("; did you mean {}?", suggestion)));
}

}  // namespace rampart::store
