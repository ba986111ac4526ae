// Every real scanner report in the shared findings folder, read by the ingest readers and
// imported into SQLite and into PostgreSQL: both stores must report the same outcome for
// each file and hold the same findings afterwards.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "core/file.h"
#include "ingest/reader.h"
#include "store/test_support.h"
#include "store/testing/store_backends.h"

namespace rampart::store {
namespace {

namespace fs = std::filesystem;

struct Report {
  std::string name;
  std::vector<Json> findings;
};

// Returns the reports with findings, in path order; files that hold none (rules, SBOMs,
// check definitions) are left out.
std::vector<Report> ReadReports(const Clock& clock) {
  const fs::path folder = fs::path(RAMPART_SHARED_DATA) / "findings";
  std::vector<fs::path> paths;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Report> reports;
  for (const fs::path& path : paths) {
    auto text = ReadFile(path.string());
    if (!text) {
      ADD_FAILURE() << text.status().ToString();
      continue;
    }
    ingest::ReadOptions options;
    options.source_name = fs::relative(path, folder).string();
    options.clock = &clock;
    auto result = ingest::ReadReport(*text, options);
    if (result && !result->findings.empty()) {
      reports.push_back({options.source_name, std::move(result->findings)});
    }
  }
  return reports;
}

std::unique_ptr<FindingStore> OpenStore(const testing::TestDatabase& database, const Clock& clock) {
  EXPECT_TRUE(database.status().ok()) << database.status().ToString();
  testing::TestStoreOptions options;
  options.clock = &clock;
  options.random_seed = 3;
  auto store = database.Open(options);
  EXPECT_TRUE(store.has_value()) << store.status().ToString();
  return store ? std::move(*store) : nullptr;
}

std::map<std::string, std::int64_t> Groups(FindingStore& store, std::string_view attribute) {
  auto groups = store.GroupBy(Filters{}, attribute);
  EXPECT_TRUE(groups.has_value()) << groups.status().ToString();
  std::map<std::string, std::int64_t> counts;
  for (const GroupCount& group : groups ? *groups : std::vector<GroupCount>{}) {
    counts[group.value] = group.count;
  }
  return counts;
}

TEST(ScannerImport, PostgresMatchesSqlite) {
  RAMPART_REQUIRE_SHARED_DATA();
  const FakeClock clock(FromUnixMicros(1'790'000'000'000'000));
  const std::vector<Report> reports = ReadReports(clock);
  ASSERT_GE(reports.size(), 10u) << "the findings folder lost most of its reports";

  const testing::TestDatabase sqlite_database({"Sqlite", testing::BackendKind::kSqlite});
  const testing::TestDatabase postgres_database({"Postgres", testing::BackendKind::kPostgres});
  auto sqlite = OpenStore(sqlite_database, clock);
  auto postgres = OpenStore(postgres_database, clock);
  ASSERT_TRUE(sqlite);
  ASSERT_TRUE(postgres);

  std::set<std::pair<std::string, std::string>> keys;
  std::size_t created = 0;
  for (const Report& report : reports) {
    for (const Json& finding : report.findings) {
      keys.emplace(finding["ProductArn"], finding["Id"]);
    }
    auto expected = sqlite->Import(report.findings, {});
    ASSERT_TRUE(expected.has_value()) << report.name << ": " << expected.status().ToString();
    auto actual = postgres->Import(report.findings, {});
    ASSERT_TRUE(actual.has_value()) << report.name << ": " << actual.status().ToString();
    EXPECT_EQ(expected->created + expected->updated + expected->unchanged + expected->failed,
              report.findings.size())
        << report.name;
    EXPECT_EQ(actual->created, expected->created) << report.name;
    EXPECT_EQ(actual->updated, expected->updated) << report.name;
    EXPECT_EQ(actual->unchanged, expected->unchanged) << report.name;
    EXPECT_EQ(actual->failed, expected->failed) << report.name;
    created += expected->created;
  }
  // Every report contains valid findings only, so each distinct key is created once.
  EXPECT_EQ(created, keys.size());

  auto sqlite_count = sqlite->Count(Filters{});
  auto postgres_count = postgres->Count(Filters{});
  ASSERT_TRUE(sqlite_count.has_value()) << sqlite_count.status().ToString();
  ASSERT_TRUE(postgres_count.has_value()) << postgres_count.status().ToString();
  EXPECT_EQ(*postgres_count, *sqlite_count);
  EXPECT_EQ(*sqlite_count, static_cast<std::int64_t>(created));
  for (const char* attribute :
       {"SeverityLabel", "ResourceType", "ProductName", "ComplianceStatus", "Type",
        "VulnerabilitiesId", "ResourceTags", "GeneratorId", "SeverityNormalized"}) {
    EXPECT_EQ(Groups(*postgres, attribute), Groups(*sqlite, attribute)) << attribute;
  }
  auto events = postgres->ReadEvents(0, created + 1);
  ASSERT_TRUE(events.has_value()) << events.status().ToString();
  EXPECT_EQ(events->size(), created);
}

}  // namespace
}  // namespace rampart::store
