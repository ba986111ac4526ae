#include "bus/testing/bus_test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include <fmt/format.h>

namespace rampart::bus::testing {

ScratchDir::ScratchDir() {
  std::random_device device;
  path_ = (std::filesystem::temp_directory_path() /
           fmt::format("rampart-bus-test-{}-{:08x}", ::getpid(), device()))
              .string();
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<store::SqliteFindingStore> OpenStore(const std::string& path) {
  auto opened = store::SqliteFindingStore::Open(path);
  EXPECT_TRUE(opened.has_value()) << opened.status().ToString();
  return opened ? std::move(*opened) : nullptr;
}

Json TestFinding(const std::string& id, const std::string& severity) {
  return Json{{"SchemaVersion", "2018-10-08"},
              {"Id", id},
              {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/bus-test"},
              {"GeneratorId", "bus-test"},
              {"AwsAccountId", "111122223333"},
              {"Types", {"Software and Configuration Checks"}},
              {"CreatedAt", "2026-12-01T00:00:00Z"},
              {"UpdatedAt", "2026-12-01T00:00:00Z"},
              {"Severity", {{"Label", severity}}},
              {"Title", "bus test finding " + id},
              {"Description", "a finding that produces one outbox event"},
              {"Resources", {{{"Type", "Other"}, {"Id", "resource-" + id}}}}};
}

void NatsTest::SetUp() {
  const Status started = server_.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  connection_ = Connect();
  ASSERT_NE(connection_, nullptr);
  findings_ = OpenStore(dir_.path() + "/rampart.db");
  ASSERT_NE(findings_, nullptr);
}

std::unique_ptr<Connection> NatsTest::Connect() {
  auto connection = Connection::Open(server_.url());
  EXPECT_TRUE(connection.has_value()) << connection.status().ToString();
  return connection ? std::move(*connection) : nullptr;
}

std::set<std::string> NatsTest::ImportFindings(int count) {
  auto before = findings_->ReadEvents(0, 1000000);
  EXPECT_TRUE(before.has_value());
  const std::int64_t last = before->empty() ? 0 : before->back().sequence;
  std::vector<Json> batch;
  for (int i = 0; i < count; ++i) {
    batch.push_back(TestFinding("finding-" + std::to_string(imported_++)));
  }
  EXPECT_TRUE(findings_->Import(std::move(batch), {}).has_value());

  std::set<std::string> ids;
  auto events = findings_->ReadEvents(last, 1000000);
  EXPECT_TRUE(events.has_value());
  for (const store::OutboxEvent& event : *events) {
    ids.insert(event.event_id);
  }
  return ids;
}

}  // namespace rampart::bus::testing
