// Whichever store opens a new SQLite database first, the database gets 16 KiB pages. The
// token store once created it with SQLite's 4 KiB default, one finding per page.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <spdlog/sinks/ostream_sink.h>

#include <functional>
#include <sstream>
#include <utility>
#include <vector>

#include "core/log.h"
#include "store/audit_log.h"
#include "store/remediation_store.h"
#include "store/sqlite_finding_store.h"
#include "store/test_support.h"
#include "store/token_store.h"

namespace rampart::store {
namespace {

// Returns the page size of the database at `path`, or -1 when it cannot be read.
int PageSize(const std::string& path) {
  sqlite3* db = nullptr;
  int size = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_exec(
        db, "PRAGMA page_size",
        [](void* out, int, char** values, char**) {
          *static_cast<int*>(out) = std::stoi(values[0]);
          return 0;
        },
        &size, nullptr);
  }
  sqlite3_close(db);
  return size;
}

TEST(NewDatabasePageSizeTest, EveryStoreCreates16KiB) {
  const std::vector<std::pair<std::string, std::function<bool(const std::string&)>>> openers = {
      {"token store", [](const auto& path) { return TokenStore::Open(path).has_value(); }},
      {"audit log", [](const auto& path) { return AuditLog::Open(path).has_value(); }},
      {"remediation store",
       [](const auto& path) { return RemediationStore::Open(path).has_value(); }},
      {"finding store",
       [](const auto& path) { return SqliteFindingStore::Open(path).has_value(); }},
  };
  for (const auto& [name, open] : openers) {
    testing::TempDir dir;
    const std::string path = dir.File("new.db");
    ASSERT_TRUE(open(path)) << name;
    EXPECT_EQ(PageSize(path), 16384) << name;
  }
}

// Copies what the "store" logger writes while it lives.
class CapturedStoreLog {
 public:
  CapturedStoreLog() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_)) {
    Logger("store")->sinks().push_back(sink_);
  }
  ~CapturedStoreLog() { std::erase(Logger("store")->sinks(), sink_); }
  std::string Text() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

TEST(NewDatabasePageSizeTest, OldDatabaseKeepsPagesAndWarns) {
  testing::TempDir dir;
  const std::string path = dir.File("old.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "PRAGMA page_size = 4096; CREATE TABLE t (x)", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  CapturedStoreLog log;
  ASSERT_TRUE(TokenStore::Open(path).has_value());
  ASSERT_TRUE(SqliteFindingStore::Open(path).has_value());
  EXPECT_EQ(PageSize(path), 4096);
  EXPECT_NE(log.Text().find(path + ": the database has 4096-byte pages"), std::string::npos)
      << log.Text();
  EXPECT_NE(log.Text().find("PRAGMA page_size=16384; VACUUM"), std::string::npos);
}

}  // namespace
}  // namespace rampart::store
