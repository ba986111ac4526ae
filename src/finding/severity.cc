#include "finding/severity.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace rampart::finding {

SeverityLabel LabelForNormalized(int normalized) {
  if (normalized <= 0) {
    return SeverityLabel::kInformational;
  }
  if (normalized < 40) {
    return SeverityLabel::kLow;
  }
  if (normalized < 70) {
    return SeverityLabel::kMedium;
  }
  if (normalized < 90) {
    return SeverityLabel::kHigh;
  }
  return SeverityLabel::kCritical;
}

int NormalizedForLabel(SeverityLabel label) {
  switch (label) {
    case SeverityLabel::kInformational:
      return 0;
    case SeverityLabel::kLow:
      return 1;
    case SeverityLabel::kMedium:
      return 40;
    case SeverityLabel::kHigh:
      return 70;
    case SeverityLabel::kCritical:
      return 90;
  }
  return 0;
}

std::string_view LabelName(SeverityLabel label) {
  switch (label) {
    case SeverityLabel::kInformational:
      return "INFORMATIONAL";
    case SeverityLabel::kLow:
      return "LOW";
    case SeverityLabel::kMedium:
      return "MEDIUM";
    case SeverityLabel::kHigh:
      return "HIGH";
    case SeverityLabel::kCritical:
      return "CRITICAL";
  }
  return "INFORMATIONAL";
}

std::optional<SeverityLabel> ParseLabel(std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (auto label : {SeverityLabel::kInformational, SeverityLabel::kLow, SeverityLabel::kMedium,
                     SeverityLabel::kHigh, SeverityLabel::kCritical}) {
    if (upper == LabelName(label)) {
      return label;
    }
  }
  return std::nullopt;
}

void ReconcileSeverity(Json& severity) {
  if (!severity.is_object()) {
    return;
  }
  std::optional<SeverityLabel> label;
  if (auto it = severity.find("Label"); it != severity.end() && it->is_string()) {
    label = ParseLabel(it->get<std::string>());
  }
  const auto normalized = severity.find("Normalized");
  const bool has_normalized = normalized != severity.end() && normalized->is_number();
  if (label) {
    severity["Label"] = LabelName(*label);
    if (!has_normalized || LabelForNormalized(normalized->get<int>()) != *label) {
      severity["Normalized"] = NormalizedForLabel(*label);
    }
    return;
  }
  if (has_normalized) {
    const int score = std::clamp(normalized->get<int>(), 0, 100);
    severity["Normalized"] = score;
    severity["Label"] = LabelName(LabelForNormalized(score));
  }
}

}  // namespace rampart::finding
