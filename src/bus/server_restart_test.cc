// nats-server killed with SIGKILL and started again on the same port and store folder: what
// the stream acknowledged survives, and the publisher and consumer reconnect on their own.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "bus/event_consumer.h"
#include "bus/outbox_publisher.h"
#include "bus/testing/bus_test_support.h"

namespace rampart::bus {
namespace {

using namespace std::chrono_literals;

// Repeats PublishOnce until it succeeds with nothing left to claim, or `attempts` run out.
// Returns the number of events the stream acknowledged, as new messages or as duplicates: a
// publish that timed out while the server was down may still reach it after the reconnect.
int PublishAll(OutboxPublisher& publisher, int attempts) {
  int published = 0;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    auto report = publisher.PublishOnce();
    if (!report) {
      std::this_thread::sleep_for(100ms);
      continue;
    }
    published += report->published + report->duplicates;
    if (report->claimed == 0) {
      break;
    }
  }
  return published;
}

using ServerRestartTest = testing::NatsTest;

TEST_F(ServerRestartTest, KilledServerLosesNothingAcknowledged) {
  auto consumer_connection = Connect();
  ASSERT_NE(consumer_connection, nullptr);
  ASSERT_TRUE(EnsureStream(*connection_, stream_).ok());
  std::multiset<std::string> handled;
  ConsumerOptions options;
  options.fetch_timeout = 300ms;
  auto consumer =
      EventConsumer::Create(*consumer_connection, stream_, options, [&](const Message& message) {
        handled.insert(message.msg_id);
        return Status::Ok();
      });
  ASSERT_TRUE(consumer.has_value()) << consumer.status().ToString();
  OutboxPublisher publisher(*findings_, *connection_, stream_);

  // Five events acknowledged by the stream, then a crash of the server.
  std::set<std::string> expected = ImportFindings(5);
  ASSERT_EQ(PublishAll(publisher, 1), 5);
  server_.Kill();

  // Five more events written while the server is down.
  expected.merge(ImportFindings(5));
  auto while_down = publisher.PublishOnce();
  EXPECT_FALSE(while_down.has_value());

  const Status restarted = server_.Start();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  EXPECT_EQ(PublishAll(publisher, 100), 5);
  auto state = GetStreamState(*connection_, stream_.name);
  ASSERT_TRUE(state.has_value()) << state.status().ToString();
  EXPECT_EQ(state->messages, 10u);

  for (int attempt = 0; attempt < 100 && handled.size() < 10; ++attempt) {
    auto report = consumer->get()->ConsumeOnce();
    if (!report) {
      std::this_thread::sleep_for(100ms);
    }
  }
  ASSERT_EQ(expected.size(), 10u);
  EXPECT_EQ(handled.size(), 10u);
  EXPECT_EQ(std::set<std::string>(handled.begin(), handled.end()), expected);
}

TEST_F(ServerRestartTest, DeduplicationSurvivesRestart) {
  ASSERT_TRUE(EnsureStream(*connection_, stream_).ok());

  // The publisher publishes, then the server and the publisher crash before MarkDelivered.
  ImportFindings(3);
  testing::CrashingStore crashing(*findings_);
  crashing.FailMarkDelivered(1);
  {
    OutboxPublisher crashed(crashing, *connection_, stream_);
    ASSERT_FALSE(crashed.PublishOnce().has_value());
  }
  server_.Kill();
  const Status restarted = server_.Start();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();

  OutboxPublisher publisher(crashing, *connection_, stream_);
  int duplicates = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto report = publisher.PublishOnce();
    if (!report) {
      std::this_thread::sleep_for(100ms);
      continue;
    }
    duplicates += report->duplicates;
    EXPECT_EQ(report->published, 0);
    if (report->claimed == 0) {
      break;
    }
  }
  EXPECT_EQ(duplicates, 3);
  auto state = GetStreamState(*connection_, stream_.name);
  ASSERT_TRUE(state.has_value()) << state.status().ToString();
  EXPECT_EQ(state->messages, 3u);
}

}  // namespace
}  // namespace rampart::bus
