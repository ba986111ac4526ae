// Validation of ASFF findings against the attributes BatchImportFindings requires.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace rampart::finding {

// One problem in a finding: the JSON path (such as "$.Severity.Label") and what is wrong.
struct Problem {
  std::string path;
  std::string message;
};

// Checks the required attributes (SchemaVersion, Id, ProductArn, GeneratorId, AwsAccountId,
// Types, CreatedAt, UpdatedAt, Severity, Title, Description, Resources), the form of
// ProductArn and the namespace of each Types entry (see IsProductArn and TypeProblem), and the
// types and formats of the common optional ones. `path` is the finding's own path in its file,
// such as "$.Findings[3]"; problems are reported under it. Returns no problems for a valid
// finding.
std::vector<Problem> ValidateFinding(const Json& finding, const std::string& path = "$");

// Returns what is wrong with one Types entry, or nullopt when its first segment is one of the
// five ASFF namespaces: Software and Configuration Checks, TTPs, Effects, Unusual Behaviors
// and Sensitive Data Identifications, as in "namespace/category/classifier".
std::optional<std::string> TypeProblem(std::string_view type);

// Returns true when `arn` has the form arn:PARTITION:securityhub:REGION:ACCOUNT:product/...,
// with ACCOUNT empty (a product of AWS or a partner) or 12 digits (a custom integration).
bool IsProductArn(std::string_view arn);

// Joins problems into one message that names the finding's Id (when it has one).
std::string DescribeProblems(const Json& finding, const std::vector<Problem>& problems);

// Fills what ASFF derives: Severity Label/Normalized consistency, RecordState ACTIVE and
// Workflow.Status NEW when absent. Call after validation succeeds.
void Normalize(Json& finding);

}  // namespace rampart::finding
