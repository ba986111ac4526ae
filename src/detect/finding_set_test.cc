#include "detect/finding_set.h"

#include <gtest/gtest.h>

#include "core/utf8.h"
#include "finding/validate.h"

namespace rampart::detect {
namespace {

FindingOptions FixedTime() {
  static FakeClock clock(FromUnixMicros(1'700'000'000'000'000));
  FindingOptions options;
  options.clock = &clock;
  return options;
}

// A detection about a user name of `length` characters, as a client may send one.
Detection LongNameDetection(std::size_t length) {
  const std::string name(length, 'a');
  Detection detection;
  detection.detector = "ssh-brute-force";
  detection.entity = "203.0.113.9/" + name;
  detection.type = "TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce";
  detection.title = "Brute force of user " + name;
  detection.description = "Failed logins for " + name + " from 203.0.113.9";
  detection.first_seen = FromUnixMicros(1'699'999'000'000'000);
  detection.last_seen = FromUnixMicros(1'699'999'900'000'000);
  detection.fields["rampart/detect/User"] = name;
  return detection;
}

TEST(FindingSet, LongTextsAreCutToAsffLimits) {
  FindingSet findings(FixedTime());
  findings.Report(LongNameDetection(5000));
  ASSERT_EQ(findings.findings().size(), 1u);
  const Json& finding = findings.findings()[0];
  EXPECT_TRUE(finding::ValidateFinding(finding).empty()) << finding.dump().substr(0, 300);
  const std::string title = finding["Title"];
  EXPECT_EQ(CountCharacters(title), 256u);
  EXPECT_EQ(title.substr(title.size() - 3), "...");
  EXPECT_EQ(CountCharacters(finding["Description"].get<std::string>()), 1024u);
  EXPECT_EQ(CountCharacters(finding["Resources"][0]["Id"].get<std::string>()), 512u);
  EXPECT_EQ(CountCharacters(finding["ProductFields"]["rampart/detect/User"].get<std::string>()),
            2048u);
}

TEST(FindingSet, CutKeepsWholeCharacters) {
  Detection detection = LongNameDetection(10);
  std::string title;
  for (int i = 0; i < 300; ++i) {
    title += "\xC3\xA9";  // U+00E9, two bytes
  }
  detection.title = title;
  FindingSet findings(FixedTime());
  findings.Report(detection);
  const std::string cut = findings.findings()[0]["Title"];
  EXPECT_EQ(FindInvalidUtf8(cut), std::string::npos);
  EXPECT_EQ(CountCharacters(cut), 256u);
  EXPECT_EQ(cut.size(), 253u * 2 + 3);
}

TEST(FindingSet, ShortTextsAreKept) {
  Detection detection = LongNameDetection(10);
  FindingSet findings(FixedTime());
  findings.Report(detection);
  EXPECT_EQ(findings.findings()[0]["Title"], detection.title);
  EXPECT_EQ(findings.findings()[0]["Description"], detection.description);
}

}  // namespace
}  // namespace rampart::detect
