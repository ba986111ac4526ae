#include "bus/event_consumer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "bus/outbox_publisher.h"
#include "bus/testing/bus_test_support.h"

namespace rampart::bus {
namespace {

using namespace std::chrono_literals;

class EventConsumerTest : public testing::NatsTest {
 protected:
  void SetUp() override {
    testing::NatsTest::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    ASSERT_TRUE(EnsureStream(*connection_, stream_).ok());
  }

  // Imports `count` findings, publishes their events and returns the event ids.
  std::set<std::string> PublishEvents(int count) {
    std::set<std::string> ids = ImportFindings(count);
    OutboxPublisher publisher(*findings_, *connection_, stream_);
    auto report = publisher.PublishOnce();
    EXPECT_TRUE(report.has_value()) << report.status().ToString();
    EXPECT_EQ(report ? report->published : -1, count);
    return ids;
  }

  std::unique_ptr<EventConsumer> MakeConsumer(Connection& connection, ConsumerOptions options,
                                              MessageHandler handler) {
    auto consumer =
        EventConsumer::Create(connection, stream_, std::move(options), std::move(handler));
    EXPECT_TRUE(consumer.has_value()) << consumer.status().ToString();
    return consumer ? std::move(*consumer) : nullptr;
  }
};

TEST_F(EventConsumerTest, AcknowledgesHandledEvents) {
  const std::set<std::string> ids = PublishEvents(3);
  std::set<std::string> handled;
  auto consumer = MakeConsumer(*connection_, {}, [&](const Message& message) {
    handled.insert(message.msg_id);
    EXPECT_EQ(message.event["detail-type"], "Security Hub Findings - Imported");
    EXPECT_EQ(message.subject, "rampart.events.security-hub-findings-imported");
    EXPECT_EQ(message.deliveries, 1u);
    return Status::Ok();
  });
  ASSERT_NE(consumer, nullptr);
  auto report = consumer->ConsumeOnce();
  ASSERT_TRUE(report.has_value()) << report.status().ToString();
  EXPECT_EQ(report->fetched, 3);
  EXPECT_EQ(report->acknowledged, 3);
  EXPECT_EQ(handled, ids);

  // The work queue removes acknowledged messages.
  auto state = GetStreamState(*connection_, stream_.name);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->messages, 0u);
  auto empty = consumer->ConsumeOnce();
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->fetched, 0);
}

TEST_F(EventConsumerTest, UnackedMessageComesAgainAfterAckWait) {
  const std::set<std::string> ids = PublishEvents(1);
  ConsumerOptions options;
  options.ack_wait = 2s;
  options.fetch_timeout = 200ms;
  std::vector<Message> handled;
  auto consumer = MakeConsumer(*connection_, options, [&](const Message& message) {
    handled.push_back(message);
    return Status::Ok();
  });
  ASSERT_NE(consumer, nullptr);

  // A worker that fetches the message and stops without acknowledging it.
  {
    auto crashed = Connect();
    natsSubscription* subscription = nullptr;
    jsSubOptions bind;
    jsSubOptions_Init(&bind);
    bind.Stream = stream_.name.c_str();
    bind.Consumer = options.durable.c_str();
    bind.ManualAck = true;
    ASSERT_EQ(js_PullSubscribe(&subscription, crashed->jetstream(), "rampart.events.>",
                               options.durable.c_str(), nullptr, &bind, nullptr),
              NATS_OK);
    natsMsgList list{nullptr, 0};
    ASSERT_EQ(natsSubscription_Fetch(&list, subscription, 1, 5000, nullptr), NATS_OK);
    EXPECT_EQ(list.Count, 1);
    natsMsgList_Destroy(&list);
    natsSubscription_Destroy(subscription);
  }

  // Within the ack wait the message stays with the stopped worker.
  auto early = consumer->ConsumeOnce();
  ASSERT_TRUE(early.has_value()) << early.status().ToString();
  EXPECT_EQ(early->fetched, 0);

  for (int attempt = 0; attempt < 50 && handled.empty(); ++attempt) {
    ASSERT_TRUE(consumer->ConsumeOnce().has_value());
  }
  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].msg_id, *ids.begin());
  EXPECT_EQ(handled[0].deliveries, 2u);
}

TEST_F(EventConsumerTest, HandlerErrorRedelivers) {
  PublishEvents(1);
  ConsumerOptions options;
  options.nak_delay = 100ms;
  std::vector<std::uint64_t> deliveries;
  auto consumer = MakeConsumer(*connection_, options, [&](const Message& message) {
    deliveries.push_back(message.deliveries);
    if (deliveries.size() == 1) {
      return Unavailable("the remediation store is locked");
    }
    return Status::Ok();
  });
  ASSERT_NE(consumer, nullptr);
  auto first = consumer->ConsumeOnce();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->failed, 1);
  EXPECT_EQ(first->acknowledged, 0);

  int acknowledged = 0;
  for (int attempt = 0; attempt < 50 && acknowledged == 0; ++attempt) {
    auto report = consumer->ConsumeOnce();
    ASSERT_TRUE(report.has_value());
    acknowledged += report->acknowledged;
  }
  EXPECT_EQ(acknowledged, 1);
  EXPECT_EQ(deliveries, (std::vector<std::uint64_t>{1, 2}));
}

TEST_F(EventConsumerTest, InvalidMessagesAreTerminated) {
  for (const std::string data : {"not json", "[1, 2]"}) {
    jsPubAck* ack = nullptr;
    ASSERT_EQ(js_Publish(&ack, connection_->jetstream(), "rampart.events.test", data.data(),
                         static_cast<int>(data.size()), nullptr, nullptr),
              NATS_OK);
    jsPubAck_Destroy(ack);
  }
  ConsumerOptions options;
  options.ack_wait = 1s;
  options.fetch_timeout = 200ms;
  int calls = 0;
  auto consumer = MakeConsumer(*connection_, options, [&](const Message&) {
    calls += 1;
    return Status::Ok();
  });
  ASSERT_NE(consumer, nullptr);
  int terminated = 0;
  for (int attempt = 0; attempt < 10 && terminated < 2; ++attempt) {
    auto report = consumer->ConsumeOnce();
    ASSERT_TRUE(report.has_value());
    terminated += report->terminated;
  }
  EXPECT_EQ(terminated, 2);
  EXPECT_EQ(calls, 0);

  // Past the ack wait, terminated messages do not come back.
  std::this_thread::sleep_for(1500ms);
  auto later = consumer->ConsumeOnce();
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->fetched, 0);
}

TEST_F(EventConsumerTest, MaxDeliverStopsRetries) {
  PublishEvents(1);
  ConsumerOptions options;
  options.max_deliver = 2;
  options.nak_delay = 50ms;
  options.fetch_timeout = 300ms;
  int calls = 0;
  auto consumer = MakeConsumer(*connection_, options, [&](const Message&) {
    calls += 1;
    return Unavailable("the action target is down");
  });
  ASSERT_NE(consumer, nullptr);
  for (int attempt = 0; attempt < 10; ++attempt) {
    ASSERT_TRUE(consumer->ConsumeOnce().has_value());
  }
  EXPECT_EQ(calls, 2);
}

TEST_F(EventConsumerTest, CreateUpdatesDurableSettings) {
  ConsumerOptions options;
  auto first = MakeConsumer(*connection_, options, [](const Message&) { return Status::Ok(); });
  ASSERT_NE(first, nullptr);
  options.ack_wait = 10s;
  options.max_deliver = 3;
  auto second = MakeConsumer(*connection_, options, [](const Message&) { return Status::Ok(); });
  ASSERT_NE(second, nullptr);

  jsConsumerInfo* info = nullptr;
  ASSERT_EQ(js_GetConsumerInfo(&info, connection_->jetstream(), stream_.name.c_str(),
                               options.durable.c_str(), nullptr, nullptr),
            NATS_OK);
  EXPECT_EQ(info->Config->AckWait, 10'000'000'000);
  EXPECT_EQ(info->Config->MaxDeliver, 3);
  EXPECT_EQ(info->Config->AckPolicy, js_AckExplicit);
  jsConsumerInfo_Destroy(info);
}

TEST_F(EventConsumerTest, TwoConsumersShareDurable) {
  const std::set<std::string> ids = PublishEvents(40);
  ConsumerOptions options;
  options.batch = 4;
  options.fetch_timeout = 200ms;
  std::mutex mutex;
  std::map<std::string, std::vector<int>> handled_by;  // event id -> consumer numbers
  std::atomic<int> ready = 0;

  auto run = [&](int number) {
    auto connection = Connect();
    auto consumer = MakeConsumer(*connection, options, [&](const Message& message) {
      std::this_thread::sleep_for(10ms);  // gives the other consumer time to fetch
      std::lock_guard lock(mutex);
      handled_by[message.msg_id].push_back(number);
      return Status::Ok();
    });
    // Both consumers start fetching together, however long each took to subscribe.
    ready += 1;
    while (ready < 2) {
      std::this_thread::sleep_for(1ms);
    }
    ASSERT_NE(consumer, nullptr);
    for (int idle = 0; idle < 3;) {
      auto report = consumer->ConsumeOnce();
      ASSERT_TRUE(report.has_value()) << report.status().ToString();
      idle = report->fetched == 0 ? idle + 1 : 0;
    }
  };
  std::thread first(run, 1);
  std::thread second(run, 2);
  first.join();
  second.join();

  std::set<std::string> handled_ids;
  std::map<int, int> counts;
  for (const auto& [id, consumers] : handled_by) {
    handled_ids.insert(id);
    EXPECT_EQ(consumers.size(), 1u) << "event " << id << " was handled more than once";
    for (const int number : consumers) {
      counts[number] += 1;
    }
  }
  EXPECT_EQ(handled_ids, ids);
  EXPECT_GT(counts[1], 0);
  EXPECT_GT(counts[2], 0);
}

}  // namespace
}  // namespace rampart::bus
