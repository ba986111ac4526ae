#include "finding/severity.h"

#include <gtest/gtest.h>

namespace rampart::finding {
namespace {

TEST(Severity, LabelBoundaries) {
  EXPECT_EQ(LabelForNormalized(0), SeverityLabel::kInformational);
  EXPECT_EQ(LabelForNormalized(1), SeverityLabel::kLow);
  EXPECT_EQ(LabelForNormalized(39), SeverityLabel::kLow);
  EXPECT_EQ(LabelForNormalized(40), SeverityLabel::kMedium);
  EXPECT_EQ(LabelForNormalized(69), SeverityLabel::kMedium);
  EXPECT_EQ(LabelForNormalized(70), SeverityLabel::kHigh);
  EXPECT_EQ(LabelForNormalized(89), SeverityLabel::kHigh);
  EXPECT_EQ(LabelForNormalized(90), SeverityLabel::kCritical);
  EXPECT_EQ(LabelForNormalized(100), SeverityLabel::kCritical);
}

TEST(Severity, ReconcileFromNormalizedOnly) {
  Json severity = {{"Normalized", 75}};
  ReconcileSeverity(severity);
  EXPECT_EQ(severity["Label"], "HIGH");
  EXPECT_EQ(severity["Normalized"], 75);
}

TEST(Severity, ReconcileFromLabelOnly) {
  Json severity = {{"Label", "critical"}};
  ReconcileSeverity(severity);
  EXPECT_EQ(severity["Label"], "CRITICAL");
  EXPECT_EQ(severity["Normalized"], 90);
}

TEST(Severity, LabelWinsOverInconsistentNormalized) {
  Json severity = {{"Label", "LOW"}, {"Normalized", 95}};
  ReconcileSeverity(severity);
  EXPECT_EQ(severity["Label"], "LOW");
  EXPECT_EQ(severity["Normalized"], 1);
}

TEST(Severity, ConsistentPairIsKept) {
  Json severity = {{"Label", "MEDIUM"}, {"Normalized", 55}};
  ReconcileSeverity(severity);
  EXPECT_EQ(severity["Normalized"], 55);
}

}  // namespace
}  // namespace rampart::finding
