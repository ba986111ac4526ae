#include "detect/behaviour_model.h"

#include <gtest/gtest.h>

namespace rampart::detect {
namespace {

// Twenty principals making a few ordinary calls every five minutes for a day; from hour 20
// on, "mallory" sprays denied calls to many new APIs when `with_attack` is set.
std::vector<LogEvent> Workload(bool with_attack, std::uint64_t seed) {
  RandomEngine engine(seed);
  std::vector<LogEvent> events;
  const std::int64_t base = 1'700'000'000'000'000;
  for (int slot = 0; slot < 288; ++slot) {
    for (int user = 0; user < 20; ++user) {
      const int calls = 1 + static_cast<int>(engine() % 4);
      for (int call = 0; call < calls; ++call) {
        LogEvent event;
        event.time = FromUnixMicros(base + std::int64_t{slot} * 300'000'000 + call * 1'000'000);
        event.principal = "arn:aws:iam::123456789012:user/user" + std::to_string(user);
        event.action = "Describe" + std::to_string(engine() % 5);
        event.source_ip = "10.0.0." + std::to_string(user);
        event.user_agent = "aws-cli/2.15";
        event.region = "eu-west-1";
        events.push_back(event);
      }
    }
    if (with_attack && slot == 240) {
      for (int call = 0; call < 60; ++call) {
        LogEvent event;
        event.time = FromUnixMicros(base + std::int64_t{slot} * 300'000'000 + call * 2'000'000);
        event.principal = "arn:aws:iam::123456789012:user/user7";
        event.action = "Attack" + std::to_string(call % 30);
        event.source_ip = "203.0.113.9";
        event.user_agent = "python-requests/2.31";
        event.region = call % 2 == 0 ? "us-east-1" : "ap-south-1";
        event.failure = true;
        event.error_code = "AccessDenied";
        events.push_back(event);
      }
    }
  }
  return events;
}

FindingOptions FixedTime() {
  static FakeClock clock(FromUnixMicros(1'700'000'000'000'000));
  FindingOptions options;
  options.clock = &clock;
  return options;
}

TEST(BehaviourModel, FlagsAttackWindow) {
  auto model = BehaviourModel::Train(Workload(false, 1), {}, RandomEngine(3));
  ASSERT_TRUE(model.has_value()) << model.status().ToString();
  EXPECT_GT(model->threshold(), 0.0);

  FindingSet findings(FixedTime());
  const std::size_t windows = model->Detect(Workload(true, 2), findings);
  EXPECT_GT(windows, 5000u);
  // At a 0.99 quantile about 1 % of ordinary windows pass too, so the attack must stand
  // out by its score, not by being the only finding.
  double attack_score = 0.0;
  double other_max = 0.0;
  for (const Json& finding : findings.findings()) {
    const std::string title = finding["Title"];
    const double score =
        std::stod(finding["ProductFields"]["rampart/detect/Score"].get<std::string>());
    if (title.find("user/user7") != std::string::npos ||
        title.find("203.0.113.9") != std::string::npos) {
      attack_score = std::max(attack_score, score);
      const std::string top = finding["ProductFields"]["rampart/detect/TopFeatures"];
      EXPECT_TRUE(top.find("failures") != std::string::npos ||
                  top.find("new_") != std::string::npos ||
                  top.find("distinct_") != std::string::npos)
          << top;
    } else {
      other_max = std::max(other_max, score);
    }
  }
  EXPECT_GT(attack_score, 0.0);
  EXPECT_GT(attack_score, 1.5 * other_max);
}

TEST(BehaviourModel, ModelFileRoundTrip) {
  auto model = BehaviourModel::Train(Workload(false, 1), {}, RandomEngine(3));
  ASSERT_TRUE(model.has_value());
  auto file = DecodeModelFile(EncodeModelFile(model->ToModelFile()), "behaviour.model");
  ASSERT_TRUE(file.has_value()) << file.status().ToString();
  auto loaded = BehaviourModel::FromModelFile(*file);
  ASSERT_TRUE(loaded.has_value()) << loaded.status().ToString();
  EXPECT_EQ(loaded->threshold(), model->threshold());

  FindingSet original(FixedTime());
  FindingSet reloaded(FixedTime());
  const std::vector<LogEvent> events = Workload(true, 2);
  model->Detect(events, original);
  loaded->Detect(events, reloaded);
  EXPECT_EQ(original.findings(), reloaded.findings());
}

TEST(BehaviourModel, RejectsTooFewWindows) {
  std::vector<LogEvent> one(1);
  one[0].principal = "someone";
  auto model = BehaviourModel::Train(one, {}, RandomEngine(1));
  ASSERT_FALSE(model.has_value());
  EXPECT_NE(model.status().message().find("at least 2"), std::string::npos);
}

TEST(Quantile, NearestRank) {
  EXPECT_DOUBLE_EQ(Quantile({5, 1, 4, 2, 3}, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(Quantile({5, 1, 4, 2, 3}, 1.0), 5.0);
  EXPECT_DOUBLE_EQ(Quantile({5, 1, 4, 2, 3}, 0.01), 1.0);
}

}  // namespace
}  // namespace rampart::detect
