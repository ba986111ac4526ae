// Migration of databases written by earlier schema versions.
#include "store/sqlite_schema.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/event.h"
#include "store/json_writer.h"
#include "store/sqlite_finding_store.h"
#include "store/sqlite_query.h"
#include "store/test_support.h"

namespace rampart::store {
namespace {

using sqlite::Statement;

constexpr std::int64_t kCreatedMicros = 1'780'000'000'000'000;

// Writes the rows that schema version 1 held for one created finding: the finding, the
// creation in finding_history, and the event with the document copied in. Returns the
// event text.
std::string WriteVersion1Finding(sqlite::Database& db, const Json& finding) {
  std::string document;
  EXPECT_TRUE(WriteJson(finding, document));
  auto insert = db.Prepare(
      "INSERT INTO findings (seq, product_arn, id, id_hash, generator_id, aws_account_id, "
      "severity_label, severity_normalized, workflow_status, record_state, compliance_status, "
      "created_at, updated_at, document) VALUES (1, ?1, ?2, ?3, ?4, ?5, 'HIGH', 70, 'NEW', "
      "'ACTIVE', 'FAILED', ?6, ?7, ?8)");
  EXPECT_TRUE(insert.has_value());
  Statement& row = **insert;
  row.BindText(1, finding["ProductArn"].get<std::string>());
  row.BindText(2, finding["Id"].get<std::string>());
  row.BindInt64(3, sqlite::IdHash(finding["Id"].get<std::string>()));
  row.BindText(4, finding["GeneratorId"].get<std::string>());
  row.BindText(5, finding["AwsAccountId"].get<std::string>());
  row.BindInt64(6, ToUnixMicros(*ParseTimestamp(finding["CreatedAt"].get<std::string>())));
  row.BindInt64(7, ToUnixMicros(*ParseTimestamp(finding["UpdatedAt"].get<std::string>())));
  row.BindText(8, document);
  EXPECT_TRUE(row.Run().ok());

  EXPECT_TRUE(db.Execute(fmt::format("INSERT INTO finding_history (finding_seq, update_time, "
                                     "source_type, identity, finding_created, updates) VALUES "
                                     "(1, {}, 'BATCH_IMPORT_FINDINGS', 'ingest v1', 1, '[]')",
                                     kCreatedMicros))
                  .ok());

  const std::string event =
      BuildImportedEvent(finding, document, "event-v1", FromUnixMicros(kCreatedMicros));
  auto outbox = db.Prepare("INSERT INTO outbox (event_id, created_at, event) VALUES (?1, ?2, ?3)");
  EXPECT_TRUE(outbox.has_value());
  (*outbox)->BindText(1, "event-v1");
  (*outbox)->BindInt64(2, kCreatedMicros);
  (*outbox)->BindText(3, event);
  EXPECT_TRUE((*outbox)->Run().ok());
  return event;
}

TEST(SchemaMigration, Version1KeepsHistoryAndEvents) {
  RAMPART_REQUIRE_SHARED_DATA();
  testing::TempDir dir;
  const std::string path = dir.File("findings.db");
  const Json finding = testing::AsrFinding("cis-4.1.finding.json");
  std::string version1_event;
  {
    auto db = sqlite::Database::Open(path, {});
    ASSERT_TRUE(db.has_value()) << db.status().ToString();
    ASSERT_TRUE(sqlite::MigrateTo(**db, 1).ok());
    version1_event = WriteVersion1Finding(**db, finding);
  }

  FakeClock clock(FromUnixMicros(kCreatedMicros + 60'000'000));
  SqliteStoreOptions options;
  options.clock = &clock;
  auto store = SqliteFindingStore::Open(path, options);
  ASSERT_TRUE(store.has_value()) << store.status().ToString();

  auto history = (*store)->History(testing::KeyOf(finding));
  ASSERT_TRUE(history.has_value()) << history.status().ToString();
  ASSERT_EQ(history->size(), 1u);
  EXPECT_TRUE((*history)[0].finding_created);
  EXPECT_EQ((*history)[0].identity, "ingest v1");
  EXPECT_EQ((*history)[0].update_time, FromUnixMicros(kCreatedMicros));

  auto summary = (*store)->Import({testing::Later(finding, 60)}, {});
  ASSERT_TRUE(summary.has_value()) << summary.status().ToString();
  EXPECT_EQ(summary->updated, 1u);

  history = (*store)->History(testing::KeyOf(finding));
  ASSERT_TRUE(history.has_value()) << history.status().ToString();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_TRUE((*history)[0].finding_created);
  EXPECT_FALSE((*history)[1].finding_created);
  EXPECT_EQ((*history)[1].update_time, clock.Now());

  auto events = (*store)->ReadEvents(0, 10);
  ASSERT_TRUE(events.has_value()) << events.status().ToString();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].event, version1_event);
  const Json updated = Json::parse((*events)[1].event);
  EXPECT_EQ(updated["detail"]["findings"][0]["UpdatedAt"],
            testing::Later(finding, 60)["UpdatedAt"]);
}

TEST(SchemaMigration, NewDatabaseReachesCurrentVersion) {
  testing::TempDir dir;
  auto db = sqlite::Database::Open(dir.File("findings.db"), {});
  ASSERT_TRUE(db.has_value()) << db.status().ToString();
  ASSERT_TRUE(sqlite::Migrate(**db).ok());
  auto version = (*db)->Prepare("PRAGMA user_version");
  ASSERT_TRUE(version.has_value());
  auto row = (*version)->Step();
  ASSERT_TRUE(row.has_value()) << row.status().ToString();
  ASSERT_TRUE(*row);
  EXPECT_EQ((*version)->ColumnInt64(0), sqlite::CurrentSchemaVersion());
}

// A database in a folder that does not exist names the folder. SQLite reports only "unable to
// open database file".
TEST(DatabaseOpen, MissingFolderIsNamed) {
  testing::TempDir dir;
  const std::string path = dir.File("no-such-folder/findings.db");
  auto db = sqlite::Database::Open(path, {});
  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.status().code(), StatusCode::kNotFound);
  EXPECT_NE(db.status().message().find("the folder " + dir.File("no-such-folder") +
                                       " does not exist; create it first"),
            std::string::npos)
      << db.status().message();
}

}  // namespace
}  // namespace rampart::store
