// A customer update in the shape of Security Hub's BatchUpdateFindings request.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace rampart::store {

struct FindingIdentifier {
  std::string id;
  std::string product_arn;
};

struct NoteUpdate {
  std::string text;        // 1 to 512 characters
  std::string updated_by;  // the note's author, 1 to 512 characters
};

struct SeverityUpdate {
  std::optional<std::string> label;  // INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL
  std::optional<int> normalized;     // 0-100; the label wins when both are given
  std::optional<double> product;     // the provider's own score, kept as given
};

// The fields a customer may change. Fields left empty are not changed.
struct FindingUpdate {
  std::vector<FindingIdentifier> finding_identifiers;  // 1 to kMaxUpdateIdentifiers
  std::optional<std::string> workflow_status;          // NEW, NOTIFIED, RESOLVED, SUPPRESSED
  std::optional<NoteUpdate> note;
  std::optional<SeverityUpdate> severity;
  std::optional<int> confidence;   // 0-100
  std::optional<int> criticality;  // 0-100
  std::optional<std::vector<std::string>> types;
  // Merged into the finding's UserDefinedFields: each key given is set, others are kept.
  std::optional<std::map<std::string, std::string>> user_defined_fields;
  std::optional<std::string> verification_state;  // UNKNOWN, TRUE_POSITIVE, FALSE_POSITIVE,
                                                  // BENIGN_POSITIVE
  std::optional<std::vector<FindingIdentifier>> related_findings;
};

// Security Hub accepts at most 100 findings per BatchUpdateFindings request.
inline constexpr std::size_t kMaxUpdateIdentifiers = 100;
// The maximum number of entries in a finding's UserDefinedFields, from the ASFF reference.
inline constexpr std::size_t kMaxUserDefinedFields = 50;

// Parses a BatchUpdateFindings request body. Errors name the JSON path.
Result<FindingUpdate> ParseFindingUpdate(const Json& request);

// Checks the limits and allowed values that BatchUpdateFindings enforces, and that the
// request changes at least one field.
Status ValidateFindingUpdate(const FindingUpdate& update);

}  // namespace rampart::store
