#include "vuln/cvss.h"

#include <gtest/gtest.h>

namespace rampart::vuln {
namespace {

TEST(ScoreCvss3, KnownScores) {
  struct Case {
    const char* vector;
    double score;
  };
  // Scores as the NVD publishes them for these vectors.
  const Case cases[] = {
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
      {"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2},
      {"CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N", 4.7},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N", 5.3},
      {"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},
      {"CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4},
      {"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0.0},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8},
  };
  for (const Case& c : cases) {
    auto score = ScoreCvss3(c.vector);
    ASSERT_TRUE(score.has_value()) << score.status().message();
    EXPECT_DOUBLE_EQ(score->base_score, c.score) << c.vector;
  }
}

TEST(ScoreCvss3, RejectsBadVectors) {
  const char* bad[] = {
      "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",            // no version prefix
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",       // A missing
      "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",   // bad value
      "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",  // repeated
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/Q:Z",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:HH",
  };
  for (const char* vector : bad) {
    auto score = ScoreCvss3(vector);
    ASSERT_FALSE(score.has_value()) << vector;
    EXPECT_NE(score.status().message().find(vector), std::string::npos);
  }
}

TEST(SeverityForScore, QualitativeRatings) {
  EXPECT_EQ(SeverityForScore(0.0), "INFORMATIONAL");
  EXPECT_EQ(SeverityForScore(0.1), "LOW");
  EXPECT_EQ(SeverityForScore(3.9), "LOW");
  EXPECT_EQ(SeverityForScore(4.0), "MEDIUM");
  EXPECT_EQ(SeverityForScore(6.9), "MEDIUM");
  EXPECT_EQ(SeverityForScore(7.0), "HIGH");
  EXPECT_EQ(SeverityForScore(8.9), "HIGH");
  EXPECT_EQ(SeverityForScore(9.0), "CRITICAL");
  EXPECT_EQ(SeverityForScore(10.0), "CRITICAL");
}

}  // namespace
}  // namespace rampart::vuln
