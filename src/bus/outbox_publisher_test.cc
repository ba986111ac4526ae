#include "bus/outbox_publisher.h"

#include <gtest/gtest.h>

#include <set>

#include "bus/testing/bus_test_support.h"

namespace rampart::bus {
namespace {

// Returns the Nats-Msg-Id header of every message in the stream, in stream order.
std::vector<std::string> StoredMessageIds(Connection& connection, const std::string& stream) {
  std::vector<std::string> ids;
  auto state = GetStreamState(connection, stream);
  EXPECT_TRUE(state.has_value()) << state.status().ToString();
  if (!state) {
    return ids;
  }
  for (std::uint64_t sequence = state->first_sequence;
       sequence <= state->last_sequence && state->messages > 0; ++sequence) {
    natsMsg* message = nullptr;
    if (js_GetMsg(&message, connection.jetstream(), stream.c_str(), sequence, nullptr, nullptr) !=
        NATS_OK) {
      continue;
    }
    const char* id = nullptr;
    natsMsgHeader_Get(message, "Nats-Msg-Id", &id);
    ids.push_back(id == nullptr ? "" : id);
    natsMsg_Destroy(message);
  }
  return ids;
}

using OutboxPublisherTest = testing::NatsTest;

TEST_F(OutboxPublisherTest, PublishesEachEventWithItsId) {
  ASSERT_TRUE(EnsureStream(*connection_, stream_).ok());
  const std::set<std::string> event_ids = ImportFindings(3);
  ASSERT_EQ(event_ids.size(), 3u);

  OutboxPublisher publisher(*findings_, *connection_, stream_);
  auto report = publisher.PublishOnce();
  ASSERT_TRUE(report.has_value()) << report.status().ToString();
  EXPECT_EQ(report->claimed, 3);
  EXPECT_EQ(report->published, 3);
  EXPECT_EQ(report->duplicates, 0);

  const std::vector<std::string> stored = StoredMessageIds(*connection_, stream_.name);
  EXPECT_EQ(stored.size(), 3u);
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()), event_ids);

  auto again = publisher.PublishOnce();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->claimed, 0);
}

TEST_F(OutboxPublisherTest, CrashBeforeMarkDeliveredStoresOnce) {
  ASSERT_TRUE(EnsureStream(*connection_, stream_).ok());
  const std::set<std::string> event_ids = ImportFindings(4);
  testing::CrashingStore crashing(*findings_);
  crashing.FailMarkDelivered(1);

  {
    OutboxPublisher first(crashing, *connection_, stream_);
    auto crashed = first.PublishOnce();
    ASSERT_FALSE(crashed.has_value());
    EXPECT_NE(crashed.status().message().find("simulated crash"), std::string::npos);
  }
  // The restarted publisher uses the same outbox consumer name, so it takes over its claims.
  OutboxPublisher restarted(crashing, *connection_, stream_);
  auto report = restarted.PublishOnce();
  ASSERT_TRUE(report.has_value()) << report.status().ToString();
  EXPECT_EQ(report->claimed, 4);
  EXPECT_EQ(report->published, 0);
  EXPECT_EQ(report->duplicates, 4);

  const std::vector<std::string> stored = StoredMessageIds(*connection_, stream_.name);
  EXPECT_EQ(stored.size(), 4u);
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()), event_ids);
  auto after = restarted.PublishOnce();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->claimed, 0);
}

TEST_F(OutboxPublisherTest, MissingStreamKeepsEventsUndelivered) {
  const std::set<std::string> event_ids = ImportFindings(2);
  OutboxPublisher publisher(*findings_, *connection_, stream_);
  auto failed = publisher.PublishOnce();
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.status().message().find(connection_->url()), std::string::npos)
      << failed.status().message();

  ASSERT_TRUE(EnsureStream(*connection_, stream_).ok());
  auto report = publisher.PublishOnce();
  ASSERT_TRUE(report.has_value()) << report.status().ToString();
  EXPECT_EQ(report->published, 2);
  const std::vector<std::string> stored = StoredMessageIds(*connection_, stream_.name);
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()), event_ids);
}

}  // namespace
}  // namespace rampart::bus
