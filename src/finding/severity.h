// ASFF severity: the label and the 0-100 normalized score, kept consistent.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"

namespace rampart::finding {

enum class SeverityLabel { kInformational, kLow, kMedium, kHigh, kCritical };

// Returns the label for a normalized score: 0 INFORMATIONAL, 1-39 LOW, 40-69 MEDIUM,
// 70-89 HIGH, 90-100 CRITICAL.
SeverityLabel LabelForNormalized(int normalized);

// Returns the normalized score Security Hub assigns when only the label is given:
// INFORMATIONAL 0, LOW 1, MEDIUM 40, HIGH 70, CRITICAL 90.
int NormalizedForLabel(SeverityLabel label);

std::string_view LabelName(SeverityLabel label);

// Parses "INFORMATIONAL", "LOW", "MEDIUM", "HIGH" or "CRITICAL" (any case).
std::optional<SeverityLabel> ParseLabel(std::string_view text);

// Makes Severity.Label and Severity.Normalized agree: when only one is present the other
// is derived; when both are present and disagree the label wins and Normalized is set
// from it, since Security Hub treats Label as authoritative. Does nothing when
// `severity` has neither.
void ReconcileSeverity(Json& severity);

}  // namespace rampart::finding
