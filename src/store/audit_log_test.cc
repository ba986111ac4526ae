#include "store/audit_log.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "store/testing/raw_sql.h"
#include "store/testing/store_backends.h"

namespace rampart::store {
namespace {

using testing::TestBackend;

class AuditLogTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing::TestDatabase>(GetParam());
    ASSERT_TRUE(database_->status().ok()) << database_->status().ToString();
    location_ = database_->location();
  }

  std::unique_ptr<AuditLog> OpenLog() {
    auto log = AuditLog::Open(location_);
    EXPECT_TRUE(log.has_value()) << log.status().ToString();
    return std::move(*log);
  }

  void AppendThree(AuditLog& log) {
    for (int i = 1; i <= 3; ++i) {
      ASSERT_TRUE(log.Append("rampart", "remediation.run", "finding-" + std::to_string(i),
                             Json{{"step", i}, {"ratio", 0.1 * i}})
                      .has_value());
    }
  }

  void RawSql(const std::string& sql) {
    const Status status = testing::RunSql(location_, sql);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::unique_ptr<testing::TestDatabase> database_;
  std::string location_;
};

TEST_P(AuditLogTest, ChainVerifies) {
  auto log = OpenLog();
  AppendThree(*log);
  auto report = log->Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->entries, 3);
}

TEST_P(AuditLogTest, EachEntryLinksToPrevious) {
  auto log = OpenLog();
  AppendThree(*log);
  auto entries = log->Entries(0, 10);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].previous_hash, std::string(64, '0'));
  EXPECT_EQ((*entries)[1].previous_hash, (*entries)[0].hash);
  EXPECT_EQ((*entries)[2].previous_hash, (*entries)[1].hash);
}

TEST_P(AuditLogTest, AppendAllChainsItsEntriesAfterTheNewest) {
  auto log = OpenLog();
  ASSERT_TRUE(log->Append("rampart", "finding.import", "", Json{{"created", 1}}).has_value());
  auto appended = log->AppendAll({EntryDraft{"ci", "finding.import", "", Json{{"created", 2}}},
                                  EntryDraft{"ops", "finding.import", "", Json{{"created", 3}}}});
  ASSERT_TRUE(appended.has_value()) << appended.status().ToString();
  ASSERT_EQ(appended->size(), 2u);
  EXPECT_EQ((*appended)[0].sequence, 2);
  EXPECT_EQ((*appended)[1].sequence, 3);
  EXPECT_EQ((*appended)[1].previous_hash, (*appended)[0].hash);

  auto entries = log->Entries(0, 10);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[1].previous_hash, (*entries)[0].hash);
  EXPECT_EQ((*entries)[2].actor, "ops");
  EXPECT_EQ((*entries)[2].details, Json({{"created", 3}}));
  auto report = log->Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->entries, 3);
  auto none = log->AppendAll({});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_P(AuditLogTest, DetectsEditedEntry) {
  {
    auto log = OpenLog();
    AppendThree(*log);
  }
  RawSql("UPDATE audit_log SET subject = 'finding-x' WHERE sequence = 2");
  auto report = OpenLog()->Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->first_bad_sequence, 2);
  EXPECT_NE(report->problem.find("edited"), std::string::npos);
}

TEST_P(AuditLogTest, DetectsEditedDetails) {
  {
    auto log = OpenLog();
    AppendThree(*log);
  }
  RawSql("UPDATE audit_log SET details = '{\"step\":9}' WHERE sequence = 3");
  auto report = OpenLog()->Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->first_bad_sequence, 3);
}

TEST_P(AuditLogTest, DetectsRemovedEntry) {
  {
    auto log = OpenLog();
    AppendThree(*log);
  }
  RawSql("DELETE FROM audit_log WHERE sequence = 2");
  auto report = OpenLog()->Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->first_bad_sequence, 3);
}

TEST_P(AuditLogTest, DetectsReorderedEntries) {
  {
    auto log = OpenLog();
    AppendThree(*log);
  }
  RawSql(
      "UPDATE audit_log SET sequence = -1 WHERE sequence = 1;"
      "UPDATE audit_log SET sequence = 1 WHERE sequence = 2;"
      "UPDATE audit_log SET sequence = 2 WHERE sequence = -1;");
  auto report = OpenLog()->Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->first_bad_sequence, 1);
}

TEST_P(AuditLogTest, ExportWritesOneLinePerEntry) {
  auto log = OpenLog();
  AppendThree(*log);
  std::ostringstream out;
  ASSERT_TRUE(log->Export(out).ok());
  std::istringstream lines(out.str());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    const Json entry = Json::parse(line);
    EXPECT_EQ(entry["sequence"], ++count);
    EXPECT_EQ(entry["actor"], "rampart");
  }
  EXPECT_EQ(count, 3);
}

TEST_P(AuditLogTest, TwoProcessesBuildOneChain) {
  OpenLog();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto log = AuditLog::Open(location_);
    for (int i = 0; i < 50 && log; ++i) {
      (void)(*log)->Append("child", "test", "x", Json::object());
    }
    ::_exit(0);
  }
  auto log = OpenLog();
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(log->Append("parent", "test", "y", Json::object()).has_value());
  }
  int wait_status = 0;
  ::waitpid(child, &wait_status, 0);
  auto report = log->Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->entries, 100);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest, ::testing::ValuesIn(testing::StoreBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace rampart::store
