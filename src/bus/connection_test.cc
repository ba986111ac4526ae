#include "bus/connection.h"

#include <gtest/gtest.h>

#include "bus/stream.h"
#include "bus/testing/bus_test_support.h"

namespace rampart::bus {
namespace {

TEST(RedactUrlTest, RemovesUserInformation) {
  EXPECT_EQ(RedactUrl("nats://alice:secret@127.0.0.1:4222"), "nats://127.0.0.1:4222");
  EXPECT_EQ(RedactUrl("nats://token@127.0.0.1:4222"), "nats://127.0.0.1:4222");
  EXPECT_EQ(RedactUrl("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
  EXPECT_EQ(RedactUrl("nats://a:b@h1:1,nats://c@h2:2"), "nats://h1:1,nats://h2:2");
  EXPECT_EQ(RedactUrl("nats://alice:p@ss@127.0.0.1:4222"), "nats://127.0.0.1:4222");
  EXPECT_EQ(RedactUrl("secret@nats://a:b@host:2"), "host:2");
  EXPECT_EQ(RedactUrl("alice:secret@host:4222"), "host:4222");
}

TEST(ConnectionTest, UnreachableServerNamesUrlWithoutPassword) {
  ConnectOptions options;
  options.connect_timeout = std::chrono::milliseconds(500);
  // Port 1 on 127.0.0.1 has no server, so the connection is refused at once.
  auto connection = Connection::Open("nats://alice:secret@127.0.0.1:1", options);
  ASSERT_FALSE(connection.has_value());
  EXPECT_EQ(connection.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(connection.status().message().find("nats://127.0.0.1:1"), std::string::npos)
      << connection.status().message();
  EXPECT_EQ(connection.status().message().find("secret"), std::string::npos)
      << connection.status().message();
}

TEST(StreamOptionsTest, StoreStreamNamesTheStore) {
  const StreamOptions options = StoreStream({}, "3f2a09bc41d7e6558d0c2b9a7e41f001");
  EXPECT_EQ(options.name, "RAMPART_EVENTS_3F2A09BC41D7");
  EXPECT_EQ(options.subject_prefix, "rampart.3f2a09bc41d7.events");
  EXPECT_EQ(StreamSubjects(options), "rampart.3f2a09bc41d7.events.>");
  EXPECT_TRUE(ValidateStreamOptions(options).ok());
}

TEST(StreamOptionsTest, RejectsInvalidNames) {
  StreamOptions options;
  EXPECT_TRUE(ValidateStreamOptions(options).ok());
  options.name = "RAMPART.EVENTS";
  EXPECT_EQ(ValidateStreamOptions(options).code(), StatusCode::kInvalidArgument);
  options.name = "RAMPART_EVENTS";
  options.subject_prefix = "rampart.*";
  EXPECT_EQ(ValidateStreamOptions(options).code(), StatusCode::kInvalidArgument);
  options.subject_prefix = "rampart..events";
  EXPECT_EQ(ValidateStreamOptions(options).code(), StatusCode::kInvalidArgument);
  options.subject_prefix = "rampart events";
  EXPECT_EQ(ValidateStreamOptions(options).code(), StatusCode::kInvalidArgument);
  options.subject_prefix = "rampart.events";
  options.duplicate_window = std::chrono::seconds(0);
  EXPECT_EQ(ValidateStreamOptions(options).code(), StatusCode::kInvalidArgument);
}

TEST(EventSubjectTest, UsesDetailType) {
  const StreamOptions options;
  EXPECT_EQ(EventSubject(options, Json{{"detail-type", "Security Hub Findings - Imported"}}),
            "rampart.events.security-hub-findings-imported");
  EXPECT_EQ(EventSubject(options, Json{{"detail-type", "Rampart Remediation Failed"}}),
            "rampart.events.rampart-remediation-failed");
  EXPECT_EQ(EventSubject(options, Json{{"detail-type", " .*> "}}), "rampart.events.unknown");
  EXPECT_EQ(EventSubject(options, Json::object()), "rampart.events.unknown");
  EXPECT_EQ(EventSubject(options, Json("text")), "rampart.events.unknown");
}

TEST(NatsServerTest, MissingBinaryNamesInstallScript) {
  testing::NatsServer server("/nonexistent/nats-server");
  const Status started = server.Start();
  EXPECT_EQ(started.code(), StatusCode::kNotFound);
  EXPECT_NE(started.message().find("/nonexistent/nats-server is missing"), std::string::npos)
      << started.message();
  EXPECT_NE(started.message().find("scripts/install-deps"), std::string::npos) << started.message();
}

using StreamTest = testing::NatsTest;

TEST_F(StreamTest, EnsureStreamCreatesFileStream) {
  StreamOptions options;
  options.duplicate_window = std::chrono::seconds(90);
  ASSERT_TRUE(EnsureStream(*connection_, options).ok());

  jsStreamInfo* info = nullptr;
  ASSERT_EQ(js_GetStreamInfo(&info, connection_->jetstream(), "RAMPART_EVENTS", nullptr, nullptr),
            NATS_OK);
  EXPECT_EQ(info->Config->Storage, js_FileStorage);
  EXPECT_EQ(info->Config->Retention, js_WorkQueuePolicy);
  EXPECT_EQ(info->Config->Duplicates, 90'000'000'000);
  ASSERT_EQ(info->Config->SubjectsLen, 1);
  EXPECT_STREQ(info->Config->Subjects[0], "rampart.events.>");
  jsStreamInfo_Destroy(info);
}

TEST_F(StreamTest, EnsureStreamTwiceUpdatesWindow) {
  StreamOptions options;
  ASSERT_TRUE(EnsureStream(*connection_, options).ok());
  options.duplicate_window = std::chrono::seconds(30);
  const Status again = EnsureStream(*connection_, options);
  ASSERT_TRUE(again.ok()) << again.ToString();

  jsStreamInfo* info = nullptr;
  ASSERT_EQ(js_GetStreamInfo(&info, connection_->jetstream(), "RAMPART_EVENTS", nullptr, nullptr),
            NATS_OK);
  EXPECT_EQ(info->Config->Duplicates, 30'000'000'000);
  jsStreamInfo_Destroy(info);
}

TEST_F(StreamTest, RetentionChangeIsRejected) {
  StreamOptions options;
  ASSERT_TRUE(EnsureStream(*connection_, options).ok());
  options.retention = StreamRetention::kLimits;
  const Status changed = EnsureStream(*connection_, options);
  EXPECT_EQ(changed.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(changed.message().find("work queue retention"), std::string::npos) << changed.message();
}

TEST_F(StreamTest, StreamStateCountsMessages) {
  ASSERT_TRUE(EnsureStream(*connection_, StreamOptions{}).ok());
  jsPubAck* ack = nullptr;
  ASSERT_EQ(
      js_Publish(&ack, connection_->jetstream(), "rampart.events.test", "{}", 2, nullptr, nullptr),
      NATS_OK);
  jsPubAck_Destroy(ack);
  auto state = GetStreamState(*connection_, "RAMPART_EVENTS");
  ASSERT_TRUE(state.has_value()) << state.status().ToString();
  EXPECT_EQ(state->messages, 1u);
  EXPECT_EQ(state->last_sequence, 1u);

  auto missing = GetStreamState(*connection_, "NO_SUCH_STREAM");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.status().message().find("NO_SUCH_STREAM"), std::string::npos);
}

}  // namespace
}  // namespace rampart::bus
