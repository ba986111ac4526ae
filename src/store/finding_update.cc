#include "store/finding_update.h"

#include <cmath>
#include <initializer_list>

#include <fmt/format.h>

#include "core/utf8.h"
#include "finding/severity.h"
#include "finding/validate.h"
#include "store/filter.h"

namespace rampart::store {
namespace {

// Limits from the ASFF reference: Note.Text and Note.UpdatedBy up to 512 characters, at most
// 50 Types, 10 RelatedFindings and 50 UserDefinedFields (keys up to 128 characters, values
// up to 1024).
constexpr std::size_t kMaxNoteText = 512;
constexpr std::size_t kMaxNoteAuthor = 512;
constexpr std::size_t kMaxTypes = 50;
constexpr std::size_t kMaxRelatedFindings = 10;
constexpr std::size_t kMaxUserDefinedKey = 128;
constexpr std::size_t kMaxUserDefinedValue = 1024;

bool OneOf(std::string_view value, std::initializer_list<std::string_view> allowed) {
  for (const auto candidate : allowed) {
    if (value == candidate) {
      return true;
    }
  }
  return false;
}

Result<std::string> StringAt(const Json& object, std::string_view key, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return InvalidArgument(fmt::format("{}: must be a string", JsonPathMember(path, key)));
  }
  return it->get<std::string>();
}

Result<int> IntegerIn(const Json& value, const std::string& path, int low, int high) {
  if (!value.is_number() || std::trunc(value.get<double>()) != value.get<double>()) {
    return InvalidArgument(
        fmt::format("{}: must be a whole number from {} to {}", path, low, high));
  }
  const double number = value.get<double>();
  if (number < low || number > high) {
    return InvalidArgument(fmt::format("{}: {} is outside {}-{}", path, value.dump(), low, high));
  }
  return static_cast<int>(number);
}

Result<std::vector<FindingIdentifier>> ParseIdentifiers(const Json& list, const std::string& path) {
  if (!list.is_array()) {
    return InvalidArgument(fmt::format("{}: must be an array of {{\"Id\", \"ProductArn\"}}", path));
  }
  std::vector<FindingIdentifier> identifiers;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item_path = JsonPathIndex(path, i);
    if (!list[i].is_object()) {
      return InvalidArgument(
          fmt::format("{}: must be an object with Id and ProductArn", item_path));
    }
    auto id = StringAt(list[i], "Id", item_path);
    if (!id) {
      return id.status();
    }
    auto product_arn = StringAt(list[i], "ProductArn", item_path);
    if (!product_arn) {
      return product_arn.status();
    }
    identifiers.push_back({std::move(*id), std::move(*product_arn)});
  }
  return identifiers;
}

Result<SeverityUpdate> ParseSeverity(const Json& severity) {
  if (!severity.is_object()) {
    return InvalidArgument("$.Severity: must be an object with Label");
  }
  RAMPART_RETURN_IF_ERROR(CheckMembers(severity, {"Label", "Normalized", "Product"}, "$.Severity"));
  SeverityUpdate update;
  if (auto it = severity.find("Label"); it != severity.end()) {
    if (!it->is_string()) {
      return InvalidArgument("$.Severity.Label: must be a string");
    }
    update.label = it->get<std::string>();
  }
  if (auto it = severity.find("Normalized"); it != severity.end()) {
    auto normalized = IntegerIn(*it, "$.Severity.Normalized", 0, 100);
    if (!normalized) {
      return normalized.status();
    }
    update.normalized = *normalized;
  }
  if (auto it = severity.find("Product"); it != severity.end()) {
    if (!it->is_number()) {
      return InvalidArgument("$.Severity.Product: must be a number");
    }
    update.product = it->get<double>();
  }
  return update;
}

Status ParseOptionalFields(const Json& request, FindingUpdate& update) {
  if (auto it = request.find("Workflow"); it != request.end()) {
    RAMPART_RETURN_IF_ERROR(CheckMembers(*it, {"Status"}, "$.Workflow"));
    auto status = StringAt(*it, "Status", "$.Workflow");
    if (!status) {
      return status.status();
    }
    update.workflow_status = *status;
  }
  if (auto it = request.find("Note"); it != request.end()) {
    RAMPART_RETURN_IF_ERROR(CheckMembers(*it, {"Text", "UpdatedBy"}, "$.Note"));
    auto text = StringAt(*it, "Text", "$.Note");
    auto author = StringAt(*it, "UpdatedBy", "$.Note");
    if (!text) {
      return text.status();
    }
    if (!author) {
      return author.status();
    }
    update.note = NoteUpdate{*text, *author};
  }
  if (auto it = request.find("Severity"); it != request.end()) {
    auto severity = ParseSeverity(*it);
    if (!severity) {
      return severity.status();
    }
    update.severity = *severity;
  }
  for (const auto& [key, target] : {std::pair{"Confidence", &update.confidence},
                                    std::pair{"Criticality", &update.criticality}}) {
    if (auto it = request.find(key); it != request.end()) {
      auto value = IntegerIn(*it, JsonPathMember("$", key), 0, 100);
      if (!value) {
        return value.status();
      }
      *target = *value;
    }
  }
  return Status::Ok();
}

Status ParseListFields(const Json& request, FindingUpdate& update) {
  if (auto it = request.find("Types"); it != request.end()) {
    if (!it->is_array()) {
      return InvalidArgument("$.Types: must be an array of strings");
    }
    std::vector<std::string> types;
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) {
        return InvalidArgument(fmt::format("{}: must be a string", JsonPathIndex("$.Types", i)));
      }
      types.push_back((*it)[i].get<std::string>());
    }
    update.types = std::move(types);
  }
  if (auto it = request.find("UserDefinedFields"); it != request.end()) {
    if (!it->is_object()) {
      return InvalidArgument("$.UserDefinedFields: must be an object of string values");
    }
    std::map<std::string, std::string> fields;
    for (const auto& [key, value] : it->items()) {
      if (!value.is_string()) {
        return InvalidArgument(
            fmt::format("{}: must be a string", JsonPathMember("$.UserDefinedFields", key)));
      }
      fields[key] = value.get<std::string>();
    }
    update.user_defined_fields = std::move(fields);
  }
  if (auto it = request.find("VerificationState"); it != request.end()) {
    if (!it->is_string()) {
      return InvalidArgument("$.VerificationState: must be a string");
    }
    update.verification_state = it->get<std::string>();
  }
  if (auto it = request.find("RelatedFindings"); it != request.end()) {
    auto related = ParseIdentifiers(*it, "$.RelatedFindings");
    if (!related) {
      return related.status();
    }
    update.related_findings = std::move(*related);
  }
  return Status::Ok();
}

Status ValidateIdentifiers(const std::vector<FindingIdentifier>& identifiers,
                           std::string_view path) {
  for (std::size_t i = 0; i < identifiers.size(); ++i) {
    if (identifiers[i].id.empty() || identifiers[i].product_arn.empty()) {
      return InvalidArgument(fmt::format("{}[{}]: Id and ProductArn must not be empty", path, i));
    }
  }
  return Status::Ok();
}

Status ValidateValues(const FindingUpdate& update) {
  if (update.workflow_status &&
      !OneOf(*update.workflow_status, {"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"})) {
    return InvalidArgument(
        fmt::format("$.Workflow.Status: \"{}\" is not one of NEW, NOTIFIED, RESOLVED, SUPPRESSED",
                    *update.workflow_status));
  }
  if (update.verification_state &&
      !OneOf(*update.verification_state,
             {"UNKNOWN", "TRUE_POSITIVE", "FALSE_POSITIVE", "BENIGN_POSITIVE"})) {
    return InvalidArgument(fmt::format(
        "$.VerificationState: \"{}\" is not one of UNKNOWN, TRUE_POSITIVE, FALSE_POSITIVE, "
        "BENIGN_POSITIVE",
        *update.verification_state));
  }
  if (update.severity) {
    const SeverityUpdate& severity = *update.severity;
    if (!severity.label && !severity.normalized && !severity.product) {
      return InvalidArgument("$.Severity: give Label (INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL)");
    }
    if (severity.label && !finding::ParseLabel(*severity.label)) {
      return InvalidArgument(fmt::format(
          "$.Severity.Label: \"{}\" is not one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL",
          *severity.label));
    }
    if (severity.normalized && (*severity.normalized < 0 || *severity.normalized > 100)) {
      return InvalidArgument("$.Severity.Normalized: must be from 0 to 100");
    }
  }
  for (const auto& [name, value] : {std::pair{"$.Confidence", update.confidence},
                                    std::pair{"$.Criticality", update.criticality}}) {
    if (value && (*value < 0 || *value > 100)) {
      return InvalidArgument(fmt::format("{}: {} is outside 0-100", name, *value));
    }
  }
  return Status::Ok();
}

Status ValidateSizes(const FindingUpdate& update) {
  if (update.note) {
    if (update.note->text.find_first_not_of(" \t\r\n") == std::string::npos) {
      return InvalidArgument(fmt::format(
          "$.Note.Text: the note text must not be {}, because an ASFF note is 1 to {} characters "
          "long; send the note's text, or leave Note out to keep the finding's note",
          update.note->text.empty() ? "empty" : "blank", kMaxNoteText));
    }
    if (const std::size_t length = CountCharacters(update.note->text); length > kMaxNoteText) {
      return InvalidArgument(fmt::format("$.Note.Text: is {} characters long; the maximum is {}",
                                         length, kMaxNoteText));
    }
    if (update.note->updated_by.empty() ||
        CountCharacters(update.note->updated_by) > kMaxNoteAuthor) {
      return InvalidArgument(fmt::format(
          "$.Note.UpdatedBy: must name the note's author in 1 to {} characters", kMaxNoteAuthor));
    }
  }
  if (update.types) {
    if (update.types->empty() || update.types->size() > kMaxTypes) {
      return InvalidArgument(fmt::format("$.Types: must hold 1 to {} types", kMaxTypes));
    }
    for (std::size_t i = 0; i < update.types->size(); ++i) {
      const std::string& type = (*update.types)[i];
      if (type.empty()) {
        return InvalidArgument("$.Types: a type must not be empty");
      }
      if (auto problem = finding::TypeProblem(type)) {
        return InvalidArgument(fmt::format("$.Types[{}]: {}", i, *problem));
      }
    }
  }
  if (update.related_findings) {
    if (update.related_findings->size() > kMaxRelatedFindings) {
      return InvalidArgument(
          fmt::format("$.RelatedFindings: at most {} are allowed", kMaxRelatedFindings));
    }
    RAMPART_RETURN_IF_ERROR(ValidateIdentifiers(*update.related_findings, "$.RelatedFindings"));
  }
  if (update.user_defined_fields) {
    if (update.user_defined_fields->size() > kMaxUserDefinedFields) {
      return InvalidArgument(
          fmt::format("$.UserDefinedFields: at most {} fields are allowed", kMaxUserDefinedFields));
    }
    for (const auto& [key, value] : *update.user_defined_fields) {
      if (key.empty() || CountCharacters(key) > kMaxUserDefinedKey ||
          CountCharacters(value) > kMaxUserDefinedValue) {
        return InvalidArgument(fmt::format(
            "$.UserDefinedFields: key \"{}\" must be 1 to {} characters and its value at most {}",
            key, kMaxUserDefinedKey, kMaxUserDefinedValue));
      }
    }
  }
  return Status::Ok();
}

bool ChangesSomething(const FindingUpdate& update) {
  return update.workflow_status || update.note || update.severity || update.confidence ||
         update.criticality || update.types || update.user_defined_fields ||
         update.verification_state || update.related_findings;
}

}  // namespace

Result<FindingUpdate> ParseFindingUpdate(const Json& request) {
  if (!request.is_object()) {
    return InvalidArgument("$: a BatchUpdateFindings request must be a JSON object");
  }
  RAMPART_RETURN_IF_ERROR(CheckMembers(
      request,
      {"FindingIdentifiers", "Workflow", "Note", "Severity", "Confidence", "Criticality", "Types",
       "UserDefinedFields", "VerificationState", "RelatedFindings"},
      "$"));
  FindingUpdate update;
  const auto identifiers = request.find("FindingIdentifiers");
  if (identifiers == request.end()) {
    return InvalidArgument("$.FindingIdentifiers: is missing");
  }
  auto parsed = ParseIdentifiers(*identifiers, "$.FindingIdentifiers");
  if (!parsed) {
    return parsed.status();
  }
  update.finding_identifiers = std::move(*parsed);
  RAMPART_RETURN_IF_ERROR(ParseOptionalFields(request, update));
  RAMPART_RETURN_IF_ERROR(ParseListFields(request, update));
  return update;
}

Status ValidateFindingUpdate(const FindingUpdate& update) {
  if (update.finding_identifiers.empty() ||
      update.finding_identifiers.size() > kMaxUpdateIdentifiers) {
    return InvalidArgument(
        fmt::format("$.FindingIdentifiers: must name 1 to {} findings", kMaxUpdateIdentifiers));
  }
  RAMPART_RETURN_IF_ERROR(ValidateIdentifiers(update.finding_identifiers, "$.FindingIdentifiers"));
  if (!ChangesSomething(update)) {
    return InvalidArgument(
        "the update changes no field; set Workflow.Status, Note, Severity, Confidence, "
        "Criticality, Types, UserDefinedFields, VerificationState or RelatedFindings");
  }
  RAMPART_RETURN_IF_ERROR(ValidateValues(update));
  return ValidateSizes(update);
}

}  // namespace rampart::store
