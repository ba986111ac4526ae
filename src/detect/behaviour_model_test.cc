#include "detect/behaviour_model.h"

#include <gtest/gtest.h>

#include "detect/entity_history.h"

namespace rampart::detect {
namespace {

// Twenty principals making a few ordinary calls every five minutes for a day; from hour 20
// on, "mallory" sprays denied calls to many new APIs when `with_attack` is set.
std::vector<LogEvent> Workload(bool with_attack, std::uint64_t seed, int day = 0) {
  RandomEngine engine(seed);
  std::vector<LogEvent> events;
  const std::int64_t base = 1'700'000'000'000'000 + std::int64_t{day} * 86'400'000'000;
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
  EXPECT_EQ(loaded->history(), model->history());

  FindingSet original(FixedTime());
  FindingSet reloaded(FixedTime());
  const std::vector<LogEvent> events = Workload(true, 2);
  model->Detect(events, original);
  loaded->Detect(events, reloaded);
  EXPECT_EQ(original.findings(), reloaded.findings());
}

// The next day's log of the same workload: its entities did all of it in training, so their
// first windows are not new to them. Without the history from training, each of the 40
// entities (20 principals, 20 addresses) made new calls from a new address with a new user
// agent in its first window.
TEST(BehaviourModel, LaterLogContinuesFromTraining) {
  BehaviourOptions options;
  options.windows.entities = {EntityKind::kPrincipal, EntityKind::kSourceIp};
  auto model = BehaviourModel::Train(Workload(false, 1), options, RandomEngine(3));
  ASSERT_TRUE(model.has_value()) << model.status().ToString();
  EXPECT_EQ(model->history().size(), 40u);

  const std::vector<LogEvent> next_day = Workload(false, 2, 1);
  const std::string first_window = FormatTimestamp(next_day.front().time);
  FindingSet findings(FixedTime());
  model->Detect(next_day, findings);
  for (const Json& finding : findings.findings()) {
    EXPECT_NE(finding["FirstObservedAt"], first_window) << finding.dump();
    const std::string top = finding["ProductFields"]["rampart/detect/TopFeatures"];
    EXPECT_EQ(top.find("new_user_agents 1"), std::string::npos) << top;
  }
  // At a 0.99 quantile about 1 % of the 5760 windows may pass; all 40 first windows did.
  EXPECT_LT(findings.findings().size(), 40u);
}

// A version 3 file has no history, so its model would call every entity's first window new.
TEST(BehaviourModel, RejectsFileWithoutHistory) {
  auto model = BehaviourModel::Train(Workload(false, 1), {}, RandomEngine(3));
  ASSERT_TRUE(model.has_value());
  ModelFile file = model->ToModelFile();
  file.version = 3;
  file.entity_history.clear();
  auto loaded = BehaviourModel::FromModelFile(file);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.status().message().find("format version 3"), std::string::npos)
      << loaded.status().message();
  EXPECT_NE(loaded.status().message().find("train it again"), std::string::npos)
      << loaded.status().message();
}

TEST(EntityHistory, EncodingRoundTrips) {
  const std::vector<EntityHistory> history = {
      {EntityKind::kPrincipal, "arn:aws:iam::1:user/alice", {1, 2}, {3}, {}},
      {EntityKind::kSourceIp, "198.51.100.7", {}, {}, {4, 5, 6}},
  };
  const std::string bytes = EncodeEntityHistory(history);
  auto decoded = DecodeEntityHistory(bytes);
  ASSERT_TRUE(decoded.has_value()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, history);

  for (std::size_t length = 0; length < bytes.size(); ++length) {
    EXPECT_FALSE(DecodeEntityHistory(bytes.substr(0, length)).has_value()) << length;
  }
  EXPECT_FALSE(DecodeEntityHistory(bytes + "x").has_value());
  std::string unknown_kind = bytes;
  unknown_kind[8] = 9;  // the first entity's kind
  EXPECT_FALSE(DecodeEntityHistory(unknown_kind).has_value());
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
