#include "store/checkpointer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "store/audit_log.h"
#include "store/remediation_store.h"
#include "store/sqlite_finding_store.h"
#include "store/test_support.h"

namespace rampart::store {
namespace {

Json Finding(int index) {
  return Json{{"SchemaVersion", "2018-10-08"},
              {"Id", "checkpoint-test/" + std::to_string(index)},
              {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/test"},
              {"GeneratorId", "checkpoint-test"},
              {"AwsAccountId", "111122223333"},
              {"Types", {"Software and Configuration Checks"}},
              {"CreatedAt", "2026-12-01T00:00:00Z"},
              {"UpdatedAt", "2026-12-01T00:00:00Z"},
              {"Severity", {{"Label", "LOW"}}},
              {"Title", "test finding"},
              {"Description", "a finding that fills the write-ahead log"},
              {"Resources", {{{"Type", "Other"}, {"Id", "resource"}}}}};
}

TEST(ConnectionPragmasTest, OptionsBecomePragmas) {
  sqlite::OpenOptions options;
  EXPECT_EQ(sqlite::ConnectionPragmas(options),
            "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
            "PRAGMA wal_autocheckpoint = 1000;");
  options.synchronous = sqlite::Synchronous::kNormal;
  options.wal_autocheckpoint_pages = 0;
  EXPECT_EQ(sqlite::ConnectionPragmas(options),
            "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
            "PRAGMA wal_autocheckpoint = 0;");
}

TEST(CheckpointerTest, CopiesLogIntoDatabase) {
  testing::TempDir dir;
  const std::string path = dir.File("rampart.db");
  SqliteStoreOptions options;
  options.database.synchronous = sqlite::Synchronous::kNormal;
  options.database.wal_autocheckpoint_pages = 0;
  auto store = SqliteFindingStore::Open(path, options);
  ASSERT_TRUE(store.has_value()) << store.status().ToString();
  // The other stores accept the same options on the same file.
  ASSERT_TRUE(RemediationStore::Open(path, DefaultClock(), options.database).has_value());
  ASSERT_TRUE(AuditLog::Open(path, DefaultClock(), options.database).has_value());

  std::vector<Json> findings;
  for (int i = 0; i < 1000; ++i) {
    findings.push_back(Finding(i));
  }
  auto summary = (*store)->Import(std::move(findings), {});
  ASSERT_TRUE(summary.has_value());
  ASSERT_EQ(summary->created, 1000u);
  const auto database_before = std::filesystem::file_size(path);
  ASSERT_GT(std::filesystem::file_size(path + "-wal"), 400'000u)
      << "the commit should have left the findings in the write-ahead log";

  auto checkpointer = Checkpointer::Start(path, std::chrono::milliseconds(10));
  ASSERT_TRUE(checkpointer.has_value()) << checkpointer.status().ToString();
  for (int i = 0; i < 3000 && (*checkpointer)->completed() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE((*checkpointer)->completed(), 1);
  EXPECT_EQ((*checkpointer)->failed(), 0);
  EXPECT_GT(std::filesystem::file_size(path), database_before + 400'000u);
  checkpointer->reset();
  EXPECT_EQ((*store)->Count({}).value_or(-1), 1000);
}

TEST(CheckpointerTest, MissingDatabaseIsAnError) {
  testing::TempDir dir;
  auto checkpointer = Checkpointer::Start(dir.File("absent.db"), std::chrono::milliseconds(10));
  ASSERT_FALSE(checkpointer.has_value());
  EXPECT_THAT(checkpointer.status().message(), ::testing::HasSubstr("absent.db"));
}

}  // namespace
}  // namespace rampart::store
